#!/usr/bin/env node
/*
 * Drives the official client, amazon-cognito-identity-js (ACIJ), against a running reference
 * server, so tests/reference/test_official_client.py can show the reference speaks Cognito's
 * SRP, device and refresh protocols as AWS's own library expects (docs/facts.md §1, §2, §4).
 *
 * argv: endpoint URL, user pool id, client id, username, password.
 * stdout: one JSON object of observations; exit 1 with {"error": ...} when a step fails.
 *
 * Steps: authenticateUser (USER_SRP_AUTH -> PASSWORD_VERIFIER; ACIJ confirms the new device
 * itself from NewDeviceMetadata), setDeviceStatusRemembered, a second authenticateUser with the
 * stored device key (DEVICE_SRP_AUTH -> DEVICE_PASSWORD_VERIFIER), refreshSession
 * (REFRESH_TOKEN_AUTH with DEVICE_KEY), listDevices, globalSignOut, and a refresh afterwards.
 * Tokens never leave this process: only claims the test needs and booleans are printed.
 */
'use strict';

const path = require('path');

const libraryDir =
	process.env.COGNITO_JS_DIR ||
	path.resolve(__dirname, '..', '..', '..', 'tools', 'npm', 'node_modules', 'amazon-cognito-identity-js');
// In node ACIJ keeps its tokens and device keys in its own in-memory storage (StorageHelper).
const { CognitoUserPool, CognitoUser, AuthenticationDetails } = require(libraryDir);

const [endpoint, userPoolId, clientId, username, password] = process.argv.slice(2);
const pool = new CognitoUserPool({ UserPoolId: userPoolId, ClientId: clientId, endpoint });

function newUser() {
	return new CognitoUser({ Username: username, Pool: pool });
}

function authenticate(user) {
	return new Promise((resolve, reject) => {
		user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
			onSuccess: (session, userConfirmationNecessary) => resolve({ session, userConfirmationNecessary }),
			onFailure: reject,
			newPasswordRequired: () => reject(new Error('unexpected NEW_PASSWORD_REQUIRED')),
			mfaRequired: () => reject(new Error('unexpected MFA')),
		});
	});
}

const call = (fn) => new Promise((resolve, reject) => fn((err, result) => (err ? reject(err) : resolve(result))));

async function main() {
	const observations = {};
	const user = newUser();
	const first = await authenticate(user);
	observations.firstSignIn = true;
	observations.userConfirmationNecessary = first.userConfirmationNecessary;
	observations.deviceKey = user.deviceKey || null;
	await new Promise((resolve, reject) =>
		user.setDeviceStatusRemembered({ onSuccess: resolve, onFailure: reject })
	);
	const second = newUser();
	const secondSignIn = await authenticate(second);
	observations.secondSignIn = true;
	observations.secondDeviceKeyClaim = secondSignIn.session.getAccessToken().decodePayload().device_key || null;
	observations.sameDeviceKey = second.deviceKey === observations.deviceKey;
	const refreshed = await call((cb) => second.refreshSession(secondSignIn.session.getRefreshToken(), cb));
	observations.refreshed = refreshed.isValid();
	observations.refreshedOriginJti =
		refreshed.getAccessToken().decodePayload().origin_jti ===
		secondSignIn.session.getAccessToken().decodePayload().origin_jti;
	const devices = await new Promise((resolve, reject) =>
		second.listDevices(60, null, { onSuccess: resolve, onFailure: reject })
	);
	observations.listedDevices = devices.Devices.map((d) => d.DeviceKey);
	await new Promise((resolve, reject) => second.globalSignOut({ onSuccess: resolve, onFailure: reject }));
	try {
		await call((cb) => second.refreshSession(secondSignIn.session.getRefreshToken(), cb));
		observations.refreshAfterSignOut = 'succeeded';
	} catch (error) {
		observations.refreshAfterSignOut = `${error.code}: ${error.message}`;
	}
	process.stdout.write(JSON.stringify(observations));
}

main().catch((error) => {
	process.stdout.write(JSON.stringify({ error: `${error.code || error.name}: ${error.message}` }));
	process.exit(1);
});
