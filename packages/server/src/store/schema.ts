import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/**
 * The tables, as Kysely sees them. Times are Unix seconds; flags are 0/1 integers and lists are JSON
 * text, so that the same rows mean the same thing on SQLite and PostgreSQL.
 */
export interface Database {
  projects: ProjectTable;
  api_secrets: ApiSecretTable;
  signing_keys: SigningKeyTable;
  users: UserTable;
  credentials: CredentialTable;
  connect_tokens: ConnectTokenTable;
  processes: ProcessTable;
  challenges: ChallengeTable;
  spent_tokens: SpentTokenTable;
  passkey_events: PasskeyEventTable;
  health_probe: HealthProbeTable;
  project_policies: ProjectPolicyTable;
  user_devices: UserDeviceTable;
  adoption_events: AdoptionEventTable;
  adoption_daily: AdoptionDailyTable;
  adoption_rollups: AdoptionRollupTable;
  attestation_policies: AttestationPolicyTable;
  mds_blobs: MdsBlobTable;
  mds_entries: MdsEntryTable;
  console_settings: ConsoleSettingsTable;
  console_admins: ConsoleAdminTable;
  console_invites: ConsoleInviteTable;
  console_sessions: ConsoleSessionTable;
  instances: InstanceTable;
  latency_samples: LatencySampleTable;
}

export interface ProjectTable {
  id: string;
  name: string;
  rp_id: string;
  rp_name: string;
  /** JSON array of origins, e.g. ["https://app.example.com"]. */
  origins: string;
  /** JSON array of related origins (other domains under this RP ID), e.g. ["https://shop.example.de"]. */
  related_origins: Generated<string>;
  /** JSON array of {packageName, sha256CertFingerprint} (colon hex, as the Play Console shows it). */
  android_apps: Generated<string>;
  /** JSON array of {teamId, bundleId}. */
  ios_apps: Generated<string>;
  token_ttl: number;
  created_at: number;
  updated_at: number;
}

export interface ApiSecretTable {
  id: string;
  project_id: string;
  /** base64url salt and HMAC-SHA-256(salt, secret): the secret itself is never stored. */
  salt: string;
  hash: string;
  /** The last 4 characters, so that an operator can tell secrets apart in `secret list`. */
  hint: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface SigningKeyTable {
  id: string;
  project_id: string;
  /** Public JWK as JSON. */
  /** 1, 2, 3 … per project: orders keys exactly (creation times are whole seconds). */
  generation: number;
  public_jwk: string;
  /** PKCS#8 PEM, or a JWE (dir, A256GCM) of it when a key encryption key is configured. */
  private_key: string;
  created_at: number;
  /** Set when a newer key took over signing. */
  rotated_at: number | null;
  /** After this time no token signed by the key can be alive: it leaves the JWKS. */
  retire_at: number | null;
}

export interface UserTable {
  id: string;
  project_id: string;
  identifier: string;
  display_name: string;
  webauthn_id: string;
  created_at: number;
}

export interface CredentialTable {
  id: string;
  project_id: string;
  user_id: string;
  /** WebAuthn credential id, base64url. */
  credential_id: string;
  /** COSE public key, base64url. */
  public_key: string;
  algorithm: number;
  counter: number;
  transports: string;
  aaguid: string;
  backup_eligible: number;
  backup_state: number;
  attestation_format: string;
  user_agent: string | null;
  created_at: number;
  last_used_at: number | null;
  /** The browser SDK's device id of the device the passkey was created on, when it sent one. */
  device_id: string | null;
  /** The label the user gave the passkey (0004-passkey-lifecycle); null until renamed. Optional on insert. */
  name: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ConnectTokenTable {
  id: string;
  project_id: string;
  user_id: string;
  type: string;
  /** SHA-256 of the secret, base64url; the secret is a 178-bit random string, so a fast hash suffices. */
  secret_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  /** Set by `DELETE /v2/connectTokens/{id}`: the row stays so that status and refusals say `revoked`. */
  revoked_at: number | null;
}

export interface ProcessTable {
  id: string;
  project_id: string;
  /** 'login' | 'append' */
  kind: string;
  user_id: string | null;
  connect_token_id: string | null;
  client_info: string | null;
  user_agent: string | null;
  created_at: number;
  expires_at: number;
  completed_at: number | null;
  /** From clientInfo, normalised (see adoption/client-info.ts). */
  device_id: string | null;
  os_family: string | null;
  browser_family: string | null;
  /** 'identifier' | 'one-tap' for a login process, as login/start said. */
  login_method: string | null;
  /** 1 when append/init allowed conditional create for this process. */
  conditional_create: Generated<number>;
}

export interface ChallengeTable {
  id: string;
  project_id: string;
  process_id: string;
  /** 'append' | 'login' | 'login-cui' */
  kind: string;
  /** The challenge bytes as base64url, exactly as they appear in clientDataJSON. */
  challenge: string;
  user_id: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface SpentTokenTable {
  jti: string;
  project_id: string;
  user_id: string;
  spent_at: number;
  /** The token's `exp`: the row must outlive it, or the token would verify again. */
  expires_at: number;
}

export interface PasskeyEventTable {
  id: Generated<number>;
  project_id: string;
  user_id: string | null;
  type: string;
  credential_id: string | null;
  process_id: string | null;
  /** JSON object with event-specific details (reason of a failure, verification result …). */
  detail: string | null;
  created_at: number;
}

export interface ProjectPolicyTable {
  project_id: string;
  /** The whole policy as JSON (adoption/policy/policy.ts). */
  policy: string;
  updated_at: number;
}

export interface UserDeviceTable {
  project_id: string;
  user_id: string;
  device_id: string;
  dismissals: number;
  next_offer_at: number | null;
  cross_device_at: number | null;
  updated_at: number;
}

export interface AdoptionEventTable {
  id: Generated<number>;
  project_id: string;
  day: number;
  source: string;
  type: string;
  method: string;
  reason: string;
  result: string;
  os_family: string;
  browser_family: string;
  device_id: string | null;
  process_id: string | null;
  user_id: string | null;
  identifier_hash: string | null;
  created_at: number;
}

export interface AdoptionDailyTable {
  project_id: string;
  day: number;
  os_family: string;
  source: string;
  type: string;
  method: string;
  reason: string;
  result: string;
  count: number;
}

export interface AdoptionRollupTable {
  day: number;
  rolled_at: number;
}

export type ProjectRow = Selectable<ProjectTable>;
export type ApiSecretRow = Selectable<ApiSecretTable>;
export type SigningKeyRow = Selectable<SigningKeyTable>;
export type UserRow = Selectable<UserTable>;
export type CredentialRow = Selectable<CredentialTable>;
export type ConnectTokenRow = Selectable<ConnectTokenTable>;
export type ProcessRow = Selectable<ProcessTable>;
export type ChallengeRow = Selectable<ChallengeTable>;
export type UserDeviceRow = Selectable<UserDeviceTable>;
export type NewAdoptionEvent = Insertable<AdoptionEventTable>;
export type NewPasskeyEvent = Insertable<PasskeyEventTable>;

/** The row readiness checks write (id "readiness"): proof that the store takes writes. */
export interface HealthProbeTable {
  id: string;
  probed_at: number;
}

/** A project's attestation policy (src/attestation); no row = `none`. */
export interface AttestationPolicyTable {
  project_id: string;
  mode: string;
  /** JSON array of AAGUIDs. */
  aaguids: string;
  updated_at: number;
}

/** The imported FIDO MDS3 blob's facts (one row, id "current"). */
export interface MdsBlobTable {
  id: string;
  no: number;
  next_update: string;
  entries: number;
  imported_at: number;
}

export interface MdsEntryTable {
  key: string;
  entry: string;
}
/** The operator console (0004-console): which project its administrators log in with. */
export interface ConsoleSettingsTable {
  id: string;
  project_id: string;
  created_at: number;
}

export interface ConsoleAdminTable {
  id: string;
  email: string;
  /** 'owner' | 'viewer' */
  role: string;
  /** Their user in the console's project, once they registered a passkey. */
  user_id: string | null;
  created_at: number;
  last_login_at: number | null;
}

export interface ConsoleInviteTable {
  id: string;
  /** SHA-256 of the link's secret: a database reader cannot redeem an invite. */
  token_hash: string;
  email: string;
  role: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface ConsoleSessionTable {
  /** SHA-256 of the cookie's value: a database reader cannot take over a session. */
  id_hash: string;
  admin_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  /** Absolute end, whatever the activity. */
  expires_at: number;
  /** Last passkey login in this session: destructive actions need it recent. */
  authenticated_at: number;
}

export type ConsoleAdminRow = Selectable<ConsoleAdminTable>;
export type ConsoleSessionRow = Selectable<ConsoleSessionTable>;

/** A serving process's heartbeat (0005-ops-samples): one row per instance id. */
export interface InstanceTable {
  id: string;
  host: string;
  pid: number;
  started_at: number;
  last_seen_at: number;
}

/** One instance's requests of one route family in one sample period (0005-ops-samples). */
export interface LatencySampleTable {
  id: string;
  instance_id: string;
  family: string;
  minute: number;
  count: number;
  p50_ms: number;
  p99_ms: number;
  /** JSON object: bucket index → count. */
  buckets: string;
}
