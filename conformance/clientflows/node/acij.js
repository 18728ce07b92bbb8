#!/usr/bin/env node
/*
 * amazon-cognito-identity-js (ACIJ), AWS's earlier JavaScript client, driven against one endpoint
 * through the `endpoint` option of CognitoUserPool. stdin and stdout as amplify.js (common.js).
 *
 * The same flows through ACIJ's API: authenticateUser (USER_SRP_AUTH) answered with
 * newPasswordRequired, completeNewPasswordChallenge (ACIJ confirms the new device itself from
 * NewDeviceMetadata), setDeviceStatusRemembered, a second authenticateUser that runs the device
 * SRP with the stored device key, refreshSession (REFRESH_TOKEN_AUTH), globalSignOut, and then
 * the old refresh token and access token, both refused.
 */
'use strict';

const common = require('./common');

const { CognitoUserPool, CognitoUser, AuthenticationDetails } = common.requireTool('amazon-cognito-identity-js');

const call = (fn) => new Promise((resolve, reject) => fn((err, result) => (err ? reject(err) : resolve(result))));

async function main() {
	const input = common.readInput();
	// ACIJ keeps tokens and device keys in its in-memory storage in Node, shared by users of one pool.
	const pool = new CognitoUserPool({ UserPoolId: input.userPoolId, ClientId: input.clientId, endpoint: input.endpoint });
	const newUser = () => new CognitoUser({ Username: input.username, Pool: pool });
	const state = { user: newUser() };

	const results = await common.runSteps([
		[
			'acij.sign-in-srp',
			[],
			() =>
				new Promise((resolve, reject) => {
					const details = new AuthenticationDetails({ Username: input.username, Password: input.temporaryPassword });
					state.user.authenticateUser(details, {
						onSuccess: () => reject(new Error('signed in without the NEW_PASSWORD_REQUIRED challenge')),
						onFailure: reject,
						newPasswordRequired: () => resolve({ challenge: 'NEW_PASSWORD_REQUIRED' }),
						mfaRequired: () => reject(new Error('unexpected MFA challenge')),
					});
				}),
		],
		[
			'acij.confirm-new-password',
			['acij.sign-in-srp'],
			async () => {
				const session = await new Promise((resolve, reject) =>
					state.user.completeNewPasswordChallenge(input.newPassword, {}, {
						onSuccess: resolve,
						onFailure: reject,
						mfaRequired: () => reject(new Error('unexpected MFA challenge')),
					})
				);
				const claim = session.getAccessToken().decodePayload().device_key || null;
				common.check(state.user.deviceKey, 'no device key after the new password (ConfirmDevice did not happen)');
				common.check(claim === state.user.deviceKey, `the access token's device_key is ${claim}`);
				state.deviceKey = state.user.deviceKey;
				return { signedIn: true, deviceKeyClaim: true };
			},
		],
		[
			'acij.remember-device',
			['acij.confirm-new-password'],
			async () => {
				await new Promise((resolve, reject) =>
					state.user.setDeviceStatusRemembered({ onSuccess: resolve, onFailure: reject })
				);
				const devices = await new Promise((resolve, reject) =>
					state.user.listDevices(60, null, { onSuccess: resolve, onFailure: reject })
				);
				const listed = (devices.Devices || []).map((d) => d.DeviceKey);
				common.check(listed.includes(state.deviceKey), `listDevices lists ${JSON.stringify(listed)}`);
				return { listed: listed.length };
			},
		],
		[
			'acij.device-sign-in',
			['acij.remember-device'],
			async () => {
				const second = newUser();
				const session = await new Promise((resolve, reject) => {
					const details = new AuthenticationDetails({ Username: input.username, Password: input.newPassword });
					second.authenticateUser(details, {
						onSuccess: resolve,
						onFailure: reject,
						newPasswordRequired: () => reject(new Error('NEW_PASSWORD_REQUIRED again after the new password')),
						mfaRequired: () => reject(new Error('unexpected MFA challenge')),
					});
				});
				const claim = session.getAccessToken().decodePayload().device_key || null;
				common.check(claim === state.deviceKey, `the second sign-in's device_key is ${claim}, not the remembered one`);
				state.user = second;
				state.session = session;
				return { sameDevice: true };
			},
		],
		[
			'acij.refresh',
			['acij.device-sign-in'],
			async () => {
				const refreshed = await call((cb) => state.user.refreshSession(state.session.getRefreshToken(), cb));
				common.check(refreshed.isValid(), 'the refreshed session is not valid');
				common.check(
					refreshed.getAccessToken().getJwtToken() !== state.session.getAccessToken().getJwtToken(),
					'the refresh returned the same access token'
				);
				return { refreshed: true };
			},
		],
		[
			'acij.global-sign-out',
			['acij.device-sign-in'],
			async () => {
				await new Promise((resolve, reject) => state.user.globalSignOut({ onSuccess: resolve, onFailure: reject }));
				return { signedOut: true };
			},
		],
		[
			'acij.refused-after-sign-out',
			['acij.global-sign-out'],
			async () => {
				let refresh = null;
				try {
					await call((cb) => state.user.refreshSession(state.session.getRefreshToken(), cb));
				} catch (error) {
					refresh = error;
				}
				common.check(refresh, 'refreshSession with the signed-out refresh token succeeded');
				common.check(
					refresh.code === 'NotAuthorizedException',
					`refreshSession after the sign-out failed with ${common.errorText(refresh)}, not NotAuthorizedException`
				);
				let getUser = null;
				try {
					await call((cb) => pool.client.request('GetUser', { AccessToken: state.session.getAccessToken().getJwtToken() }, cb));
				} catch (error) {
					getUser = error;
				}
				common.check(getUser, 'GetUser with the signed-out access token succeeded');
				common.check(
					getUser.code === 'NotAuthorizedException',
					`GetUser after the sign-out failed with ${common.errorText(getUser)}, not NotAuthorizedException`
				);
				return { refresh: refresh.code, getUser: getUser.code };
			},
		],
	]);
	common.emit(results);
}

main().catch((error) => {
	process.stdout.write(JSON.stringify({ error: common.errorText(error) }) + '\n');
	process.exit(1);
});
