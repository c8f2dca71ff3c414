import type { CredentialRow } from '../store/schema.js';
import { GENERIC_PASSKEY_ICON } from './generic-passkey-icon.js';
import { passkeyProvider, type PasskeyProvider } from './passkey-provider.js';

/**
 * The icon to show beside a passkey: always there. `source` says whose it is: `dataSet`, the
 * provider's icon from the AAGUID data set built into the server; `mds`, the authenticator's icon
 * from the imported FIDO MDS3 BLOB; `generic`, Latchkey's plain key (no provider icon known).
 */
export interface PasskeyIcon {
  /** data: URI for light backgrounds. */
  light: string;
  /** data: URI for dark backgrounds (the light one again when the source has only one). */
  dark: string;
  source: 'dataSet' | 'mds' | 'generic';
}

/** The `passkey` object of the API contract, with the lifecycle fields (docs/api.md). */
export interface Passkey {
  id: string;
  credentialId: string;
  aaguid: string;
  /** The provider's name (kept for clients written against the first contract; = provider.name). */
  authenticatorName?: string;
  /** Who keeps the passkey, from its AAGUID; absent when the AAGUID is unknown. */
  provider?: PasskeyProvider;
  /** The icon to show: the provider's when known, else the generic one (withIcons adds MDS icons). */
  icon: PasskeyIcon;
  /** The label the user gave it (rename), or null. */
  name: string | null;
  backupEligible: boolean;
  backupState: boolean;
  /** = backupState: the passkey is synced (backed up) now. */
  backedUp: boolean;
  /** = !backupEligible: the passkey can never leave its authenticator. */
  deviceBound: boolean;
  transports: string[];
  createdAt: number;
  lastUsedAt: number | null;
  userAgent?: string;
}

export function toPasskey(row: CredentialRow): Passkey {
  const provider = passkeyProvider(row.aaguid);
  return {
    id: row.id,
    credentialId: row.credential_id,
    aaguid: row.aaguid,
    ...(provider ? { authenticatorName: provider.name, provider: { ...provider } } : {}),
    icon: iconOf(provider),
    name: row.name ?? null,
    backupEligible: row.backup_eligible === 1,
    backupState: row.backup_state === 1,
    backedUp: row.backup_state === 1,
    deviceBound: row.backup_eligible !== 1,
    transports: JSON.parse(row.transports) as string[],
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    ...(row.user_agent ? { userAgent: row.user_agent } : {}),
  };
}

function iconOf(provider: PasskeyProvider | undefined): PasskeyIcon {
  const light = provider?.iconLight ?? provider?.iconDark;
  const dark = provider?.iconDark ?? provider?.iconLight;
  return light && dark ? { light, dark, source: 'dataSet' } : { ...GENERIC_PASSKEY_ICON, source: 'generic' };
}
