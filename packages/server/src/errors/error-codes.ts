/**
 * Every `code` the HTTP API can answer, in the error shape `{error: {code, message, requestId}}`.
 * The one list: LatchkeyError's `code` is typed by it (an unknown code does not compile), the
 * OpenAPI document's ErrorBody declares it as an `enum` (so both SDKs' generated `ErrorCode` type
 * is this list), and test/error-codes.test.ts fails when docs/api.md's error table misses one.
 * Adding a code is a minor change; removing or renaming one is breaking (CHANGELOG.md).
 */
export const ERROR_CODES = [
  // 400
  'invalid_request',
  'invalid_json',
  'invalid_content_length',
  'credential_id_too_long',
  'malformed_http',
  'project_id_missing',
  'origin_missing',
  'invalid_client_data',
  'invalid_cursor',
  'invalid_url',
  'client_info_too_large',
  'invalid_date',
  'invalid_range',
  'request_aborted',
  'invalid_label',
  'invalid_identifier',
  'invalid_display_name',
  'invalid_user_update',
  'invalid_aaguid',
  'invalid_attestation_policy',
  'invalid_android_app',
  'invalid_ios_app',
  'invalid_related_origin',
  'invalid_email',
  'invalid_role',
  'invalid_mds_blob',
  'mds_blob_untrusted',
  'mds_blob_bad_signature',
  'invalid_origin',
  'invalid_rp_id',
  'invalid_token_ttl',
  'invalid_name',
  'nothing_to_change',
  // 401
  'invalid_credentials',
  'connect_token_invalid',
  'connect_token_revoked',
  'session_required',
  'login_refused',
  // 403
  'origin_not_allowed',
  'connect_token_wrong_type',
  'login_not_allowed',
  'append_not_allowed',
  'conditional_create_not_allowed',
  'csrf_refused',
  'forbidden_role',
  'not_an_admin',
  'reauth_mismatch',
  'reauth_required',
  // 404
  'route_not_found',
  'project_not_found',
  'process_not_found',
  'user_not_found',
  'passkey_not_found',
  'connect_token_not_found',
  'invite_not_found',
  'signing_key_not_found',
  'secret_not_found',
  'admin_not_found',
  // 408
  'request_timeout',
  // 409
  'challenge_already_used',
  'process_completed',
  'connect_token_spent',
  'credential_already_registered',
  'identifier_taken',
  'console_project',
  'last_owner',
  'mds_blob_older',
  'signing_key_active',
  // 410
  'process_expired',
  'challenge_expired',
  'connect_token_expired',
  'invite_expired',
  'invite_used',
  // 413, 414, 415, 431
  'body_too_large',
  'uri_too_long',
  'unsupported_media_type',
  'headers_too_large',
  // 422: the WebAuthn check that failed
  'origin_mismatch',
  'rp_id_mismatch',
  'type_mismatch',
  'challenge_mismatch',
  'user_verification_required',
  'user_presence_required',
  'bad_signature',
  'attestation_invalid',
  'attestation_alg_mismatch',
  'unsupported_algorithm',
  'unknown_credential',
  'user_handle_mismatch',
  'counter_regressed',
  'backup_eligibility_changed',
  'invalid_webauthn_response',
  'attestation_not_allowed',
  // 429
  'rate_limited',
  // 500
  'internal_error',
  'signing_key_missing',
  // 503
  'store_unavailable',
  'store_timeout',
  'key_encryption_key_missing',
  'key_encryption_key_wrong',
  'shutting_down',
  'console_not_ready',
  'metrics_unavailable',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Codes only the operator's commands raise and no HTTP route may answer. Empty since the console
 * (src/console) answers the project and secret settings errors over HTTP too; kept so that a
 * future CLI-only code has its place (a listed one reaching a route is answered as a 500).
 */
export const CLI_ERROR_CODES = [] as const;

export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];
