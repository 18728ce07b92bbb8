/*
 * What the three client-flow scripts share: where the npm packages are, how a step is run and
 * recorded, and a raw Cognito call for the step after a sign-out (the clients have dropped their
 * tokens by then, so the refused call has to be made with the old token by hand).
 *
 * A step's record: {flow, ok, error?, observed?}. `error` is the client's own error text
 * (`name: message`), the evidence of a divergence; `observed` holds claims and booleans only:
 * tokens never leave the process.
 */
'use strict';

const path = require('path');
const { createRequire } = require('module');

// tools/npm holds the packages (npm ci --prefix tools/npm); the Python runner passes its folder.
const NPM_DIR = process.env.CLIENTFLOWS_NPM_DIR || path.resolve(__dirname, '..', '..', '..', 'tools', 'npm');
const requireTool = createRequire(path.join(NPM_DIR, 'package.json'));

function readInput() {
	return JSON.parse(require('fs').readFileSync(0, 'utf8'));
}

function errorText(error) {
	if (error === null || error === undefined) return 'undefined error';
	// aws-jwt-verify's errors keep name "Error"; their class (JwtInvalidIssuerError...) says more.
	const named = error.name && error.name !== 'Error' ? error.name : error.constructor && error.constructor.name;
	const name = error.code || named || 'Error';
	return `${name}: ${error.message || String(error)}`;
}

/**
 * Runs the steps in order: [flow, needs, body]. A step whose needs (earlier flows) did not all
 * pass is recorded as not reached, naming the one that stopped it, so one failure is one divergence
 * and the flows it blocks say so instead of failing on a state the client never reached.
 */
async function runSteps(steps) {
	const results = [];
	const failed = new Map();
	for (const [flow, needs, body] of steps) {
		const blocker = needs.find((need) => failed.has(need));
		if (blocker) {
			const cause = failed.get(blocker);
			results.push({ flow, ok: false, reached: false, error: `not reached: ${cause} failed` });
			failed.set(flow, cause);
			continue;
		}
		try {
			const observed = (await body()) || {};
			results.push({ flow, ok: true, reached: true, observed });
		} catch (error) {
			results.push({ flow, ok: false, reached: true, error: errorText(error) });
			failed.set(flow, flow);
		}
	}
	return results;
}

function check(condition, message) {
	if (!condition) throw new Error(message);
}

/** One Cognito call over HTTP, as the JSON protocol has it; resolves to {status, body}. */
async function cognitoCall(endpoint, operation, request) {
	const response = await fetch(endpoint.replace(/\/$/, '') + '/', {
		method: 'POST',
		headers: {
			'Content-Type': 'application/x-amz-json-1.1',
			'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}`,
		},
		body: JSON.stringify(request),
	});
	const text = await response.text();
	let body;
	try {
		body = JSON.parse(text);
	} catch {
		body = { raw: text.slice(0, 300) };
	}
	return { status: response.status, body };
}

/** The step after a global sign-out: the old access token must be refused with NotAuthorizedException. */
async function refusedAfterSignOut(endpoint, accessToken) {
	const { status, body } = await cognitoCall(endpoint, 'GetUser', { AccessToken: accessToken });
	const type = String(body.__type || body.code || '').split('#').pop();
	check(
		status === 400 && type === 'NotAuthorizedException',
		`GetUser with the signed-out access token answered HTTP ${status} ${type || JSON.stringify(body)}`
	);
	return { status, type };
}

function decodePayload(token) {
	return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

function emit(results) {
	process.stdout.write(JSON.stringify({ results }) + '\n');
}

module.exports = { requireTool, readInput, runSteps, check, cognitoCall, refusedAfterSignOut, decodePayload, emit, errorText };
