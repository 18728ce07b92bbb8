#!/usr/bin/env node
/*
 * Runs the official client, amazon-cognito-identity-js (ACIJ), over a batch of SRP cases and
 * prints what it computed, so tests/crypto/test_crosscheck_official_client.py can compare our
 * Python byte for byte.
 *
 * stdin:  {"user": [...], "device_verifier": [...], "device_auth": [...], "timestamps": [...]}
 * stdout: the same keys with ACIJ's results per case, plus "library": {...}
 *
 * Everything runs through ACIJ's own code paths (CognitoUser.authenticateUser,
 * authenticateUserInternal -> ConfirmDevice, getDeviceResponse) against a scripted in-memory
 * client, so the signatures, A, the verifier and the base64 are the library's, not a copy.
 *
 * How randomness is fixed: ACIJ draws all of its random bytes (a: 128 bytes, device password:
 * 40 bytes, device salt: 16 bytes) through its internal WordArray.random(nBytes), called by the
 * module-private randomBytes() in AuthenticationHelper. We feed those draws from a queue of the
 * case's bytes and insist that every draw has the expected size and that nothing is left over.
 * The hashes, HMAC, HKDF and BigInteger arithmetic are untouched. The clock is fixed by setting
 * DateHelper.getNowString to return the case's TIMESTAMP.
 *
 * The library is found in $COGNITO_JS_DIR, default tools/npm/node_modules/amazon-cognito-identity-js.
 */
'use strict';

const path = require('path');

const libraryDir =
	process.env.COGNITO_JS_DIR ||
	path.resolve(__dirname, '..', '..', '..', 'tools', 'npm', 'node_modules', 'amazon-cognito-identity-js');
const lib = (name) => require(path.join(libraryDir, 'lib', name)).default;

const CognitoUserPool = lib('CognitoUserPool');
const CognitoUser = lib('CognitoUser');
const AuthenticationDetails = lib('AuthenticationDetails');
const AuthenticationHelper = lib('AuthenticationHelper');
const DateHelper = lib('DateHelper');
const WordArray = lib('utils/WordArray');

// --- fixed randomness -------------------------------------------------------------------------
const randomQueue = [];
WordArray.prototype.random = function fixedRandom(nBytes) {
	if (randomQueue.length === 0) {
		throw new Error(`ACIJ drew ${nBytes} random bytes that the case did not provide`);
	}
	const hex = randomQueue.shift();
	if (hex.length !== nBytes * 2) {
		throw new Error(`ACIJ drew ${nBytes} random bytes, the case provided ${hex.length / 2}`);
	}
	const words = [];
	for (let i = 0; i < nBytes; i += 4) {
		words.push(parseInt(hex.slice(i * 2, i * 2 + 8).padEnd(8, '0'), 16) | 0);
	}
	return new WordArray(words, nBytes);
};
function feedRandom(...hexStrings) {
	if (randomQueue.length !== 0) {
		throw new Error(`${randomQueue.length} random draws left over from the previous case`);
	}
	randomQueue.push(...hexStrings);
}
function expectRandomConsumed(caseId) {
	if (randomQueue.length !== 0) {
		throw new Error(`case ${caseId}: ACIJ did not draw ${randomQueue.length} provided random value(s)`);
	}
}

// --- fixed clock --------------------------------------------------------------------------------
// The library's own formatter is kept for the "timestamps" cases, which run it at a given instant.
const libraryNowString = DateHelper.prototype.getNowString;
let fixedNow = null;
DateHelper.prototype.getNowString = function fixedNowString() {
	if (fixedNow === null) throw new Error('no TIMESTAMP set for this case');
	return fixedNow;
};

// --- observe u and the HKDF key (the wrapper calls the original and only records) -----------------
let observed = {};
const originalKey = AuthenticationHelper.prototype.getPasswordAuthenticationKey;
AuthenticationHelper.prototype.getPasswordAuthenticationKey = function observeKey(
	username,
	password,
	serverB,
	salt,
	callback
) {
	return originalKey.call(this, username, password, serverB, salt, (err, hkdf) => {
		if (!err) {
			observed.u = this.UHexHash;
			observed.hkdf = Buffer.from(hkdf).toString('hex');
		}
		callback(err, hkdf);
	});
};

function memoryStorage() {
	const items = new Map();
	return {
		setItem: (k, v) => items.set(k, String(v)),
		getItem: (k) => (items.has(k) ? items.get(k) : null),
		removeItem: (k) => items.delete(k),
		clear: () => items.clear(),
	};
}

// A client that answers from a script and records every request; ACIJ calls back synchronously
// through it, so each case completes before the next starts.
function scriptedClient(script, requests) {
	return {
		request(operation, params, callback) {
			requests.push({ operation, params });
			const next = script.shift();
			if (!next) {
				const error = new Error('end of script');
				error.code = 'CrossCheckStop';
				return callback(error, null);
			}
			return callback(null, next);
		},
	};
}

function stopCallbacks(caseId, finished) {
	const fail = (where) => (value) => finished(new Error(`case ${caseId}: unexpected ${where}: ${JSON.stringify(value)}`));
	return {
		onFailure: (err) => finished(err && err.code === 'CrossCheckStop' ? null : err),
		onSuccess: fail('onSuccess'),
		newPasswordRequired: fail('newPasswordRequired'),
		mfaRequired: fail('mfaRequired'),
		totpRequired: fail('totpRequired'),
		customChallenge: fail('customChallenge'),
		mfaSetup: fail('mfaSetup'),
		selectMFAType: fail('selectMFAType'),
	};
}

function runSync(caseId, start) {
	let outcome;
	start((err) => {
		outcome = err || null;
	});
	if (outcome === undefined) throw new Error(`case ${caseId}: ACIJ did not finish synchronously`);
	if (outcome) throw outcome;
}

function userCase(c) {
	const pool = new CognitoUserPool({ UserPoolId: c.pool_id, ClientId: 'crosscheckclient' });
	const requests = [];
	const script = [
		{
			ChallengeName: 'PASSWORD_VERIFIER',
			ChallengeParameters: {
				USER_ID_FOR_SRP: c.username,
				USERNAME: c.username,
				SRP_B: c.b_hex,
				SALT: c.salt_hex,
				SECRET_BLOCK: c.secret_block_b64,
			},
		},
	];
	const user = new CognitoUser({ Username: c.typed_username, Pool: pool, Storage: memoryStorage() });
	user.client = scriptedClient(script, requests);
	observed = {};
	fixedNow = c.timestamp;
	feedRandom(c.a_bytes_hex);
	runSync(c.id, (finished) =>
		user.authenticateUser(
			new AuthenticationDetails({ Username: c.typed_username, Password: c.password }),
			stopCallbacks(c.id, finished)
		)
	);
	expectRandomConsumed(c.id);
	const answer = requests[1].params.ChallengeResponses;
	return {
		id: c.id,
		srp_a: requests[0].params.AuthParameters.SRP_A,
		u: observed.u,
		hkdf: observed.hkdf,
		username: answer.USERNAME,
		timestamp: answer.TIMESTAMP,
		secret_block: answer.PASSWORD_CLAIM_SECRET_BLOCK,
		signature: answer.PASSWORD_CLAIM_SIGNATURE,
	};
}

const EMPTY_JWT = 'e30.e30.c2ln'; // {} . {} . "sig": enough for CognitoUserSession to hold it

function deviceVerifierCase(c) {
	const pool = new CognitoUserPool({ UserPoolId: 'us-east-1_CrossCheck', ClientId: 'crosscheckclient' });
	const requests = [];
	const user = new CognitoUser({ Username: 'crosscheck-user', Pool: pool, Storage: memoryStorage() });
	user.client = scriptedClient([], requests);
	// The helper's own a is irrelevant here (a = 1 keeps its modPow cheap); the 40 and 16 bytes
	// that follow are the device password and salt.
	feedRandom('00'.repeat(127) + '01');
	const helper = new AuthenticationHelper(pool.getUserPoolName());
	feedRandom(c.password_bytes_hex, c.salt_bytes_hex);
	const authenticated = {
		AuthenticationResult: {
			AccessToken: EMPTY_JWT,
			IdToken: EMPTY_JWT,
			RefreshToken: 'refresh',
			NewDeviceMetadata: { DeviceGroupKey: c.device_group_key, DeviceKey: c.device_key },
		},
	};
	runSync(c.id, (finished) => user.authenticateUserInternal(authenticated, helper, stopCallbacks(c.id, finished)));
	expectRandomConsumed(c.id);
	const confirm = requests.find((r) => r.operation === 'ConfirmDevice');
	return {
		id: c.id,
		device_key: confirm.params.DeviceKey,
		password: user.randomPassword,
		password_verifier: confirm.params.DeviceSecretVerifierConfig.PasswordVerifier,
		salt: confirm.params.DeviceSecretVerifierConfig.Salt,
	};
}

function deviceAuthCase(c) {
	const pool = new CognitoUserPool({ UserPoolId: 'us-east-1_CrossCheck', ClientId: 'crosscheckclient' });
	const requests = [];
	const script = [
		{
			ChallengeName: 'DEVICE_PASSWORD_VERIFIER',
			ChallengeParameters: {
				SRP_B: c.b_hex,
				SALT: c.salt_hex,
				SECRET_BLOCK: c.secret_block_b64,
				USERNAME: c.username,
				DEVICE_KEY: c.device_key,
			},
			Session: 'session-from-device-srp-auth',
		},
	];
	const user = new CognitoUser({ Username: c.username, Pool: pool, Storage: memoryStorage() });
	user.client = scriptedClient(script, requests);
	// The state ACIJ keeps after ConfirmDevice (cacheDeviceKeyAndPassword) and after the
	// DEVICE_SRP_AUTH challenge arrived (authenticateUserInternal sets Session).
	user.deviceKey = c.device_key;
	user.deviceGroupKey = c.device_group_key;
	user.randomPassword = c.device_password;
	user.Session = 'session-from-password-verifier';
	observed = {};
	fixedNow = c.timestamp;
	feedRandom(c.a_bytes_hex);
	runSync(c.id, (finished) => user.getDeviceResponse(stopCallbacks(c.id, finished)));
	expectRandomConsumed(c.id);
	const answer = requests[1].params.ChallengeResponses;
	return {
		id: c.id,
		srp_a: requests[0].params.ChallengeResponses.SRP_A,
		u: observed.u,
		hkdf: observed.hkdf,
		username: answer.USERNAME,
		device_key: answer.DEVICE_KEY,
		signature: answer.PASSWORD_CLAIM_SIGNATURE,
	};
}

// DateHelper reads the clock with `new Date()`; for the duration of one call, a Date whose
// no-argument form is the case's instant stands in for the global one.
function timestampCase(c) {
	const RealDate = global.Date;
	global.Date = class FixedDate extends RealDate {
		constructor(...args) {
			if (args.length === 0) super(c.epoch_ms);
			else super(...args);
		}
	};
	try {
		return { id: c.id, timestamp: libraryNowString.call(new DateHelper()) };
	} finally {
		global.Date = RealDate;
	}
}

// Cases are independent, so they are spread over worker threads (one per core): jsbn needs
// tens of milliseconds per 3072-bit modPow. Each worker loads its own copy of the library, so the
// seams above are set per worker.
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');

function runCases(input) {
	return {
		user: (input.user || []).map(userCase),
		device_verifier: (input.device_verifier || []).map(deviceVerifierCase),
		device_auth: (input.device_auth || []).map(deviceAuthCase),
		timestamps: (input.timestamps || []).map(timestampCase),
	};
}

function share(cases, workers, index) {
	return (cases || []).filter((_, position) => position % workers === index);
}

async function main() {
	const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
	const started = Date.now();
	const workers = Math.max(1, Math.min(Number(process.env.CROSSCHECK_WORKERS) || require('os').cpus().length, 8));
	const parts = await Promise.all(
		Array.from({ length: workers }, (_, index) => {
			const slice = {
				user: share(input.user, workers, index),
				device_verifier: share(input.device_verifier, workers, index),
				device_auth: share(input.device_auth, workers, index),
				timestamps: share(input.timestamps, workers, index),
			};
			return new Promise((resolve, reject) => {
				const worker = new Worker(__filename, { workerData: slice });
				worker.once('message', resolve);
				worker.once('error', reject);
			});
		})
	);
	const merged = {};
	for (const kind of ['user', 'device_verifier', 'device_auth', 'timestamps']) {
		merged[kind] = parts.flatMap((part) => part[kind]).sort((left, right) => left.id - right.id);
	}
	merged.library = {
		name: 'amazon-cognito-identity-js',
		version: require(path.join(libraryDir, 'package.json')).version,
		node: process.version,
		workers,
		elapsed_ms: Date.now() - started,
	};
	process.stdout.write(JSON.stringify(merged));
}

if (isMainThread) {
	main().catch((error) => {
		process.stderr.write(`${error.stack || error}\n`);
		process.exit(1);
	});
} else {
	parentPort.postMessage(runCases(workerData));
}
