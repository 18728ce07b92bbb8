#!/usr/bin/env node
/*
 * Amplify JS v6 (aws-amplify), AWS's current JavaScript client, driven against one endpoint through
 * `userPoolEndpoint`. stdin: {endpoint, userPoolId, clientId, username, temporaryPassword,
 * newPassword}; stdout: {results: [step records]} (common.js).
 *
 * Flows, in order (each needs the one before): SRP sign-in answered with NEW_PASSWORD_REQUIRED,
 * confirmSignIn with the new password, rememberDevice, a second SRP sign-in that uses the
 * remembered device, fetchAuthSession({forceRefresh: true}), signOut({global: true}), and a call
 * with the signed-out access token that must be refused.
 */
'use strict';

const common = require('./common');

// Amplify names the device it confirms from navigator (a browser global, absent in Node 20).
if (typeof globalThis.navigator === 'undefined') {
	globalThis.navigator = { userAgent: 'cognito-conformance client flow (node)' };
}

const { Amplify } = common.requireTool('aws-amplify');
const auth = common.requireTool('aws-amplify/auth');

async function main() {
	const input = common.readInput();
	Amplify.configure({
		Auth: {
			Cognito: {
				userPoolId: input.userPoolId,
				userPoolClientId: input.clientId,
				userPoolEndpoint: input.endpoint,
			},
		},
	});
	const state = {};
	const results = await common.runSteps([
		[
			'amplify.sign-in-srp',
			[],
			async () => {
				const out = await auth.signIn({ username: input.username, password: input.temporaryPassword });
				common.check(
					out.nextStep.signInStep === 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED',
					`signIn's next step is ${out.nextStep.signInStep}, not CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED`
				);
				return { nextStep: out.nextStep.signInStep };
			},
		],
		[
			'amplify.confirm-new-password',
			['amplify.sign-in-srp'],
			async () => {
				const out = await auth.confirmSignIn({ challengeResponse: input.newPassword });
				common.check(out.isSignedIn, `confirmSignIn's next step is ${out.nextStep.signInStep}`);
				const { tokens } = await auth.fetchAuthSession();
				common.check(tokens && tokens.accessToken, 'no tokens after confirmSignIn');
				state.deviceKey = tokens.accessToken.payload.device_key || null;
				common.check(state.deviceKey, 'the access token names no device (ConfirmDevice did not happen)');
				return { signedIn: true, deviceKeyClaim: true };
			},
		],
		[
			'amplify.remember-device',
			['amplify.confirm-new-password'],
			async () => {
				await auth.rememberDevice();
				const devices = await auth.fetchDevices();
				const listed = devices.map((d) => d.id);
				common.check(listed.includes(state.deviceKey), `fetchDevices lists ${JSON.stringify(listed)}`);
				return { listed: listed.length };
			},
		],
		[
			'amplify.device-sign-in',
			['amplify.remember-device'],
			async () => {
				// A local sign-out keeps the device's keys; the next SRP sign-in answers DEVICE_SRP_AUTH.
				await auth.signOut();
				const out = await auth.signIn({ username: input.username, password: input.newPassword });
				common.check(out.isSignedIn, `the second signIn's next step is ${out.nextStep.signInStep}`);
				const { tokens } = await auth.fetchAuthSession();
				const claim = tokens.accessToken.payload.device_key || null;
				common.check(claim === state.deviceKey, `the second sign-in's device_key is ${claim}, not the remembered one`);
				state.accessToken = tokens.accessToken.toString();
				state.issuedAt = tokens.accessToken.payload.iat;
				return { sameDevice: true };
			},
		],
		[
			'amplify.refresh',
			['amplify.device-sign-in'],
			async () => {
				const { tokens } = await auth.fetchAuthSession({ forceRefresh: true });
				common.check(tokens && tokens.accessToken, 'no tokens after a forced refresh');
				const fresh = tokens.accessToken.toString();
				common.check(fresh !== state.accessToken, 'the forced refresh returned the same access token');
				state.accessToken = fresh;
				return { refreshed: true };
			},
		],
		[
			'amplify.global-sign-out',
			['amplify.device-sign-in'],
			async () => {
				await auth.signOut({ global: true });
				return { signedOut: true };
			},
		],
		['amplify.refused-after-sign-out', ['amplify.global-sign-out'], () => common.refusedAfterSignOut(input.endpoint, state.accessToken)],
	]);
	common.emit(results);
}

main().catch((error) => {
	process.stdout.write(JSON.stringify({ error: common.errorText(error) }) + '\n');
	process.exit(1);
});
