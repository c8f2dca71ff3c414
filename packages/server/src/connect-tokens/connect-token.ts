import type { ConnectTokenRow } from '../store/schema.js';

export const CONNECT_TOKEN_TYPES = ['passkey-append', 'passkey-list', 'passkey-delete', 'passkey-rename'] as const;
export type ConnectTokenType = (typeof CONNECT_TOKEN_TYPES)[number];
export const CONNECT_TOKEN_TTL = 600;

export type ConnectTokenStatus = 'initial' | 'consumed' | 'revoked' | 'expired';

/** A token is never both consumed and revoked: spending and revoking each require the other unset. */
export function connectTokenStatus(row: ConnectTokenRow, now: number): ConnectTokenStatus {
  if (row.used_at !== null) return 'consumed';
  if (row.revoked_at !== null) return 'revoked';
  return row.expires_at <= now ? 'expired' : 'initial';
}
