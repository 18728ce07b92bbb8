#!/usr/bin/env node
/*
 * aws-jwt-verify, AWS's own JWT verifier for Cognito, judging one endpoint's tokens. stdin:
 * {userPoolId, clientId, idToken, accessToken, jwks, jwksError}; stdout as amplify.js.
 *
 * The verifier checks what an application backend relies on: the signature against the pool's
 * key set, `iss` equal to AWS's issuer for the pool (https://cognito-idp.REGION.amazonaws.com/ID,
 * derived from the pool id), `token_use`, the client id (`aud` of an ID token, `client_id` of an
 * access token) and expiry. The key set is the one the endpoint serves on its own route, fetched
 * by the Python runner and handed over with cacheJwks (a local endpoint is not at AWS's issuer URL);
 * an endpoint that serves none fails both flows with the reason it gave.
 */
'use strict';

const common = require('./common');

const { CognitoJwtVerifier } = common.requireTool('aws-jwt-verify');

async function verify(input, tokenUse, token) {
	if (!token) throw new Error(`no ${tokenUse} token to verify: ${input.tokenError || 'the sign-in returned none'}`);
	if (!input.jwks) throw new Error(`no key set: ${input.jwksError || 'the endpoint served none'}`);
	const verifier = CognitoJwtVerifier.create({ userPoolId: input.userPoolId, tokenUse, clientId: input.clientId });
	verifier.cacheJwks(input.jwks);
	const payload = await verifier.verify(token);
	return { token_use: payload.token_use, issuer: payload.iss };
}

async function main() {
	const input = common.readInput();
	const results = await common.runSteps([
		['jwt-verify.id-token', [], () => verify(input, 'id', input.idToken)],
		['jwt-verify.access-token', [], () => verify(input, 'access', input.accessToken)],
	]);
	common.emit(results);
}

main().catch((error) => {
	process.stdout.write(JSON.stringify({ error: common.errorText(error) }) + '\n');
	process.exit(1);
});
