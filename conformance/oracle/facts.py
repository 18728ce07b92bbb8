"""The AWS facts the oracle's predictions rest on, one constant per fact of aws-behaviour.md.

Confidence follows the project's mapping: [MOTO-V], [TFAWS] and §12 "settled" are VERIFIED; [BC],
[DG], [CLI], real captures and §12 "likely" are DOCUMENTED; "UNVERIFIED" and "still UNVERIFIED"
are UNVERIFIED (reported, never failing).
"""

from __future__ import annotations

from conformance.checks import Fact
from conformance.divergence import Confidence

V, D, U = Confidence.VERIFIED, Confidence.DOCUMENTED, Confidence.UNVERIFIED

# --- pools and clients (§9, §12.5, §12.7)
POOL_ID_FORMAT = Fact(
    "§9", "[CLI us-west-2_ywDJHlIfU; BC [\\w-]+_[0-9a-zA-Z]+]: {region}_{9 alphanumerics}", D
)
POOL_ECHO = Fact("§9", "[BC CreateUserPool/DescribeUserPool; CLI create-user-pool]", D)
POOL_ARN = Fact("§9", "[CLI describe-user-pool]: arn:aws:cognito-idp:{region}:{account}:userpool/{Id}", D)
DEVICE_CONFIGURATION_NULL = Fact(
    "§2, §9", "[API_DeviceConfigurationType]: null unless the pool remembers devices", D
)
DEVICE_CONFIGURATION_ECHO = Fact("§2", "[BC DeviceConfigurationType; CLI describe-user-pool]", D)
UPDATE_POOL_RESETS = Fact("§9", "[3P:67291308035 runbook: UpdateUserPool resets every omitted parameter]", D)
LIST_USER_POOLS = Fact("§9", "[BC ListUserPools MaxResults 1..60, NextToken; CLI list-user-pools]", D)
CLIENT_ID_FORMAT = Fact("§9", "[CLI; DG]: 26 characters [a-z0-9]", D)
CLIENT_ECHO = Fact("§9", "[BC CreateUserPoolClient; CLI create-user-pool-client]", D)
CLIENT_SECRET_ONLY_WHEN_GENERATED = Fact("§9", "[BC GenerateSecret; MOTO-V reads it via describe]", D)
CLIENT_DEFAULTS = Fact("§12.5", "[TFAWS TestAccCognitoIDPUserPoolClient_basic]", V)
LEGACY_FLOWS_VERBATIM = Fact("§12.3", "[TFAWS allFields, basic; CLI create-user-pool-client]", V)
NO_IMPLICIT_FLOWS = Fact("§12.5", "[TFAWS TestAccCognitoIDPUserPoolClient_nulls]", V)
UPDATE_CLIENT_RESETS = Fact(
    "§9", "[DG authentication-flow: UpdateUserPoolClient must include all properties]", D
)
UNKNOWN_POOL = Fact("§7", "[3P:32394350676 real-AWS snapshot: User pool <poolId> does not exist.]", D)
UNKNOWN_CLIENT = Fact("§7", "[3P:12010190822: User pool client <clientId> does not exist.]", D)

# --- users (§8, §9, §12.6)
ADMIN_CREATE_USER = Fact("§8", "[BC; CLI admin-create-user]: FORCE_CHANGE_PASSWORD, Enabled, sub", D)
USERNAME_EXISTS = Fact("§7", "[3P:32394350676 real-AWS snapshot: User account already exists]", D)
SET_PASSWORD = Fact("§8", "[BC AdminSetUserPassword]: Permanent -> CONFIRMED, else FORCE_CHANGE_PASSWORD", D)
USER_NOT_FOUND = Fact("§7", "[3P:3684622224 Android SDK log; 3P:70839519046]: User does not exist.", D)
ADMIN_GET_USER = Fact("§8", "[BC UserType; CLI admin-get-user]", D)
NO_MFA_MEMBERS = Fact(
    "§8", "[MOTO-V test_initiate_auth_USER_PASSWORD_AUTH]: no MFA lists when unconfigured", V
)
DISABLE_USER = Fact("§8", "[BC AdminDisableUser: still listed by ListUsers, access tokens revoked]", D)
LIST_USERS_FILTER = Fact("§9", "[BC ListUsers Filter; DG]: = exact, ^= prefix, one attribute", D)
LIST_USERS_STATUS_VALUES = Fact("§8", "[BC StatusType Enabled|Disabled; value strings UNVERIFIED]", U)
LIST_USERS_PAGE_LIMIT = Fact("§9", "[BC QueryLimitType]: a page holds at most Limit users", D)
LIST_USERS_NO_DUPLICATES = Fact("§9", "[BC ListUsers: a chain of pages won't return duplicates]", D)
LIST_USERS_ITEM = Fact("§9", "[CLI list-users]: Username, Attributes, dates, Enabled, UserStatus", D)
ATTRIBUTES_TO_GET_SUB = Fact("§7", "[ISS aws-samples/sample-collaborative-ai-dlc#52]", D)
ATTRIBUTES_TO_GET_MISSING = Fact("§12.6", "[ISS aws/aws-sdk-js#2570, #3091; API ListUsers] (likely)", D)
DELETED_USER = Fact("§8", "[DG user-pool-settings-attributes: usernames reusable after deletion]", D)

# --- sign-in (§1, §3, §4, §7, §12.2, §12.3)
FLOW_WRONG_OPERATION = Fact("§4", "[BC InitiateAuthRequest.AuthFlow: admin flows aren't valid here]", D)
FLOW_WRONG_OPERATION_TEXT = Fact("§4", "[error text for a flow on the wrong operation UNVERIFIED]", U)
FLOW_NOT_ENABLED = Fact("§4", "[BC ExplicitAuthFlows; 3P real run logs]: InvalidParameterException", D)
FLOW_TEXT_USER_PASSWORD = Fact("§4", "[3P:4597481630 Lambda stack trace; 3P:69115995648]", D)
FLOW_TEXT_ADMIN = Fact("§4", "[3P:62781046983 admin-initiate-auth run; 3P:27532178031]", D)
FLOW_TEXT_SRP = Fact("§4", "[3P:67313773523 real run log]", D)
FLOW_TEXT_CUSTOM = Fact("§12.3", "[3P:41478562252 and three more] (settled)", V)
FLOW_TEXT_REFRESH = Fact("§12.3", "[REFRESH_TOKEN_AUTH-not-enabled text still UNVERIFIED]", U)
LEGACY_FLOWS_ALLOW_SRP_AND_REFRESH = Fact("§4", "[MOTO-V test_jti_in_tokens, user_authentication_flow]", V)
CUSTOM_AUTH_NO_TRIGGER = Fact("§12.3", "[3P:6937919067 and two more] (settled)", V)
SECRET_HASH_MISSING = Fact("§12.2", "[ISS aws-amplify/amplify-android#2504; 3P:52303799375] (settled)", V)
SECRET_HASH_WRONG = Fact("§1", "[ISS pmill/aws-cognito#42; boto/boto3#2736]: Unable to verify secret hash", D)
UNKNOWN_USER_LEGACY = Fact("§7, §12.2", "[3P:3684622224; MINI-1758]: UserNotFoundException with LEGACY", D)
UNKNOWN_USER_PREVENTED = Fact(
    "§1, §7", "[DG cognito-user-pool-managing-errors]: NotAuthorized / simulated SRP", D
)
INCORRECT_PASSWORD = Fact("§1, §7", "[DG managing-errors; ISS ellaisys/aws-cognito#94 real body]", D)
USER_DISABLED = Fact("§6, §7", "[3P:71100220613, 3P:57487522706, 3P:56438157254]: User is disabled.", D)
DISABLED_BEFORE_PASSWORD = Fact("§7", "[which of disabled / wrong password is reported first: UNVERIFIED]", U)
DISABLED_SRP_STEP = Fact(
    "§6", "[whether a disabled user is refused at InitiateAuth or at the verifier: UNVERIFIED]", U
)
FORCE_CHANGE_PASSWORD = Fact("§8", "[MOTO-V test_authorize_user_with_force_password_change_status]", V)
NEW_PASSWORD_PARAMETERS = Fact("§3", "[3P:213558819 real 2024 capture; ACIJ]: JSON strings", D)
PASSWORD_VERIFIER_PARAMETERS = Fact("§1, §3", "[3P:46336862043 capture; ACIJ; MINI-1758]", D)
PASSWORD_VERIFIER_NO_SESSION = Fact("§12.2", "[MINI-1758 measured; SRPH] (likely: none)", D)
SRP_BAD_PROOF = Fact("§1, §7", "[DG managing-errors]: generic NotAuthorizedException", D)
SRP_PADDED_DAY = Fact("§12.2", "[ISS qwigo/warrant#12; MINI-1758] (settled)", V)
SRP_MALFORMED_TIMESTAMP = Fact("§12.2", "[ISS amazon-archives/amazon-cognito-identity-js#683] (likely)", D)
TOKENS_RESULT = Fact("§5", "[BC AuthenticationResultType; CLI initiate-auth; MOTO-V TokenType == Bearer]", V)
TOKENS_EXPIRES_IN = Fact("§5", "[CLI initiate-auth ExpiresIn 3600; BC 1 hour default]", D)
COMPLETED_NO_CHALLENGE = Fact("§3", "[MOTO-V ChallengeParameters == {}; CLI respond-to-auth ex.1]", V)
INITIATE_EMPTY_PARAMETERS = Fact(
    "§3", "[3P:535361096: InitiateAuth success carries {}] (likely, not verified)", U
)
SESSION_SINGLE_USE = Fact(
    "§3", "[3P:67291308035]: Invalid session for the user, session can only be used once.", D
)
SESSION_GARBAGE = Fact("§3", "[3P:70070476267, 3P:71320217842]: Invalid session for the user.", D)
LOCKOUT = Fact("§3", "[DG authentication-flow]: five failures lock the user out", D)

# --- tokens and revocation (§4, §6, §12.4)
REFRESH_NO_NEW_REFRESH_TOKEN = Fact("§4", "[DG using-the-refresh-token; BC GetTokensFromRefreshToken]", D)
REFRESH_REVOKED = Fact("§12.4", "[ISS aws/aws-sdk-net#1936] (settled): Refresh Token has been revoked", V)
INVALID_REFRESH_TOKEN = Fact("§4", "[3P:535361096, 3P:39875646043]: Invalid Refresh Token", D)
ACCESS_REVOKED = Fact("§6", "[BC; ISS aws-amplify/amplify-js#3540, #3435]: Access Token has been revoked", D)
DISABLE_REVOKES_ACCESS = Fact("§6", "[BC AdminDisableUser: revokes all access tokens]", D)
DISABLED_ACCESS_TEXT = Fact("§6", "[the message for a token revoked by AdminDisableUser: UNVERIFIED]", U)
GLOBAL_SIGN_OUT = Fact("§6", "[BC GlobalSignOut/AdminUserGlobalSignOut; CLI: no output]", D)
SIGN_OUT_AFTERMATH = Fact(
    "§6", "[ISS aws/aws-sdk-java#2449: sign-ins right after a sign-out sometimes refused]", U
)
ENABLE_AFTER_DISABLE = Fact("§6, §8", "[what AdminEnableUser restores of earlier tokens: UNVERIFIED]", U)
GET_USER = Fact("§8", "[BC GetUser; CLI]: Username and UserAttributes with sub", D)
DELETED_USER_TOKEN = Fact("§7", "[3P:4677773024]: Invalid Access Token for a deleted user", D)
REVOKED_THEN_DELETED_TEXT = Fact(
    "§6, §7", "[revoked token of a deleted user: which text wins is UNVERIFIED]", U
)
INVALID_ACCESS_TOKEN = Fact("§12.4", "[ISS amazon-archives/aws-cognito-angular-quickstart#137] (settled)", V)

# --- devices (§2, §12.1)
NEW_DEVICE_METADATA = Fact("§2", "[API_DeviceConfigurationType; BC; CLI initiate-auth]", D)
DEVICE_KEY_FORMAT = Fact("§2", "[CLI; DG device-tracking]: Region_UUID", D)
DEVICE_GROUP_KEY_FORMAT = Fact("§12.1", "[CLI; 3P:4635859129 and more]: -[0-9A-Za-z]{8} (likely)", D)
ADMIN_DEVICE_METADATA = Fact("§2", "[DG: AdminInitiateAuth 'doesn't support device tracking'; 3P capture]", U)
DEVICE_SRP_AUTH_FOLLOWS = Fact(
    "§2, §12.1", "[old API text via Paws; SRPH; AMPF-IT]: remembered device -> DEVICE_SRP_AUTH", D
)
NOT_REMEMBERED_SIGN_IN = Fact("§12.1", "[DEVICE_SRP_AUTH for a not-remembered device: still UNVERIFIED]", U)
DEVICE_PASSWORD_VERIFIER_PARAMETERS = Fact("§12.1", "[NETX; AMPF; SRPH; ANDSDK] (settled)", V)
DEVICE_CHALLENGE_SESSION = Fact("§2", "[ACIJ; AMP6: Session from each device step]", D)
DEVICE_WRONG_PROOF = Fact("§12.1", "[ISS aws/aws-sdk-net-extensions-cognito#73, #44] (likely)", D)
DEVICE_DOES_NOT_EXIST = Fact(
    "§2, §12.1", "[AMP6 retryOnResourceNotFoundException; ISS aws/aws-sdk-net#1055] (settled)", V
)
DEVICE_OF_ANOTHER_USER = Fact("§2", "[another user's device key through one's own token: UNVERIFIED]", U)
DEVICE_NOT_CONFIRMED = Fact("§2", "[a key issued but never confirmed: UNVERIFIED]", U)
CONFIRM_DEVICE = Fact("§2", "[BC ConfirmDeviceResponse; CLI confirm-device]", D)
CONFIRM_DEVICE_WRONG_KEY = Fact(
    "§12.1", "[ISS boto/boto3#4059 and more] (likely): Invalid device key given.", D
)
LIST_ONLY_REMEMBERED = Fact("§12.1", "[AMPF-IT; ISS aws-amplify/amplify-js#12171] (settled)", V)
DEVICE_ATTRIBUTES = Fact("§2", "[CLI get-device, admin-get-device, list-devices]", D)
UPDATE_DEVICE_STATUS = Fact("§2", "[BC UpdateDeviceStatus: changes the status without deleting]", D)
FORGET_DEVICE = Fact("§2", "[BC AdminForgetDevice; CLI: empty output]", D)
FORGOTTEN_DEVICE_SIGN_IN = Fact(
    "§2, §12.1", "[AMP6; AMPF-IT 'can login when device is removed'] (settled)", V
)
TRACKING_OFF = Fact(
    "§12.1", "[3P:9290824525 amplify-flutter] (likely): InvalidUserPoolConfigurationException", D
)
TRACKING_OFF_TEXT = Fact("§12.1", "[message text still UNVERIFIED]", U)
