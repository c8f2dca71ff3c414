import { cose, decodeCredentialPublicKey } from '@simplewebauthn/server/helpers';
import { MAX_CREDENTIAL_ID_BYTES } from '../ceremonies/append/credential-limits.js';
import { SUPPORTED_ALGORITHMS } from '../ceremonies/shared/lifetimes.js';
import { LatchkeyError } from '../errors/latchkey-error.js';
import { passkeyLabel } from '../passkeys/passkey-label.js';
import { ID_PATTERNS } from '../util/ids.js';

/**
 * One passkey as `latchkey passkeys export` writes it and `import` reads it: one JSON object per
 * line (JSON Lines), field names in the API's camelCase (docs/portability.md).
 */
export interface PasskeyLine {
  /** The user's login identifier, as the app knows it (the API's `identifier`). */
  identifier: string;
  /** `usr-…`; optional on import (a new one is made when absent). */
  userId?: string;
  /** The WebAuthn user handle as text: `user.id` in creation options is its UTF-8 bytes. */
  webauthnId: string;
  displayName: string;
  /** WebAuthn credential id, base64url. */
  credentialId: string;
  /** COSE_Key, base64url (what the authenticator put in its attested credential data). */
  publicKey: string;
  counter: number;
  transports: string[];
  aaguid: string;
  backupEligible: boolean;
  backupState: boolean;
  /** Unix seconds. */
  createdAt: number;
  lastUsedAt: number | null;
  /**
   * The label the user gave the passkey (rename), or null. Optional on import (files from other
   * services have none); checked by the rename route's rules (passkey-label.ts) and stored as that
   * route stores it: trimmed and NFC-normalised.
   */
  name?: string | null;
}

/** A line, checked, with what the store needs that the line only implies. */
export interface CheckedLine extends PasskeyLine {
  line: number;
  algorithm: number;
}

export interface LineError {
  line: number;
  /** The field at fault, or '' for the line as a whole. */
  field: string;
  message: string;
}

const TRANSPORTS = ['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'];
const AAGUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;
const MAX_COUNTER = 2 ** 32 - 1;

class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Checks one line completely (every field, the COSE key parsed by @simplewebauthn/server's
 * decoder), or returns the first fault, named by field. `userHandle` (base64url bytes, as
 * SimpleWebAuthn-style stores keep `webAuthnUserID`) is accepted in place of `webauthnId` when its
 * bytes are UTF-8 text.
 */
export function checkPasskeyLine(text: string, line: number): CheckedLine | LineError {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { line, field: '', message: 'not a JSON object' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { line, field: '', message: 'not a JSON object' };
  try {
    return { line, ...readLine(value as Record<string, unknown>) };
  } catch (error) {
    if (error instanceof FieldError) return { line, field: error.field, message: error.message };
    throw error;
  }
}

function readLine(o: Record<string, unknown>): Omit<CheckedLine, 'line'> {
  const identifier = text(o, 'identifier', 1, 256);
  const userId = o.userId === undefined || o.userId === null ? undefined : text(o, 'userId', 1, 64);
  if (userId !== undefined && !ID_PATTERNS.user.test(userId)) throw new FieldError('userId', 'not a Latchkey user id (usr- and 18-19 digits); leave it out to make a new one');
  const webauthnId = readWebauthnId(o);
  const displayName = o.displayName === undefined || o.displayName === null ? identifier : text(o, 'displayName', 0, 256);
  const credentialId = base64url(o, 'credentialId');
  const idBytes = Buffer.from(credentialId, 'base64url').length;
  if (idBytes < 16 || idBytes > MAX_CREDENTIAL_ID_BYTES) throw new FieldError('credentialId', `${idBytes} bytes; a WebAuthn credential id has 16 to ${MAX_CREDENTIAL_ID_BYTES}`);
  const publicKey = base64url(o, 'publicKey');
  const algorithm = coseAlgorithm(publicKey);
  const counter = wholeNumber(o, 'counter', MAX_COUNTER);
  const transports = o.transports === undefined || o.transports === null ? [] : o.transports;
  if (!Array.isArray(transports) || transports.some((t) => typeof t !== 'string' || !TRANSPORTS.includes(t))) {
    throw new FieldError('transports', `a list of ${TRANSPORTS.join(', ')}`);
  }
  const aaguid = typeof o.aaguid === 'string' ? o.aaguid.toLowerCase() : '';
  if (!AAGUID.test(aaguid)) throw new FieldError('aaguid', 'not an AAGUID (a UUID; 00000000-0000-0000-0000-000000000000 when unknown)');
  const backupEligible = flag(o, 'backupEligible');
  const backupState = flag(o, 'backupState');
  if (backupState && !backupEligible) throw new FieldError('backupState', 'true needs backupEligible true (a passkey that cannot be backed up is not backed up)');
  const createdAt = wholeNumber(o, 'createdAt', 2 ** 40);
  const lastUsedAt = o.lastUsedAt === undefined || o.lastUsedAt === null ? null : wholeNumber(o, 'lastUsedAt', 2 ** 40);
  const name = readName(o);
  return { identifier, ...(userId !== undefined ? { userId } : {}), webauthnId, displayName, credentialId, publicKey, algorithm, counter, transports: [...new Set(transports as string[])], aaguid, backupEligible, backupState, createdAt, lastUsedAt, name };
}

/** The passkey's label: absent or null is none; anything else must pass the rename route's check. */
function readName(o: Record<string, unknown>): string | null {
  if (o.name === undefined || o.name === null) return null;
  try {
    return passkeyLabel(o.name);
  } catch (error) {
    // The same words the rename route answers with (400 invalid_label), named by line and field.
    if (error instanceof LatchkeyError) throw new FieldError('name', error.message.replace(/^name /, ''));
    throw error;
  }
}

function readWebauthnId(o: Record<string, unknown>): string {
  if (o.webauthnId !== undefined) return text(o, 'webauthnId', 1, 64);
  if (o.userHandle === undefined) throw new FieldError('webauthnId', 'missing (or give userHandle: the user handle bytes, base64url)');
  const bytes = Buffer.from(base64url(o, 'userHandle'), 'base64url');
  const decoded = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (bytes.length > 64 || !Buffer.from(decoded, 'utf8').equals(bytes)) {
    throw new FieldError('userHandle', 'not UTF-8 text of at most 64 bytes: Latchkey keeps user handles as text (webauthnId), see docs/portability.md');
  }
  return decoded;
}

function coseAlgorithm(publicKey: string): number {
  let alg: unknown;
  try {
    const key = decodeCredentialPublicKey(new Uint8Array(Buffer.from(publicKey, 'base64url')));
    if (!(key instanceof Map) || key.get(cose.COSEKEYS.kty) === undefined) throw new Error('no kty');
    alg = key.get(cose.COSEKEYS.alg);
  } catch {
    throw new FieldError('publicKey', 'not a COSE key');
  }
  if (typeof alg !== 'number' || !SUPPORTED_ALGORITHMS.includes(alg)) {
    throw new FieldError('publicKey', `COSE algorithm ${String(alg)} is not one Latchkey verifies (${SUPPORTED_ALGORITHMS.join(', ')})`);
  }
  return alg;
}

function text(o: Record<string, unknown>, field: string, min: number, max: number): string {
  const v = o[field];
  if (typeof v !== 'string') throw new FieldError(field, v === undefined ? 'missing' : 'not a string');
  if (v.length < min || v.length > max) throw new FieldError(field, `${min} to ${max} characters`);
  return v;
}

function base64url(o: Record<string, unknown>, field: string): string {
  const v = o[field];
  if (typeof v !== 'string' || v === '') throw new FieldError(field, v === undefined ? 'missing' : 'not a base64url string');
  const trimmed = v.replace(/=+$/, '');
  if (!B64URL.test(trimmed)) throw new FieldError(field, 'not base64url (A-Z a-z 0-9 - _)');
  return trimmed;
}

function wholeNumber(o: Record<string, unknown>, field: string, max: number): number {
  const v = o[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw new FieldError(field, v === undefined ? 'missing' : `a whole number from 0 to ${max}`);
  return v;
}

function flag(o: Record<string, unknown>, field: string): boolean {
  const v = o[field];
  if (typeof v !== 'boolean') throw new FieldError(field, v === undefined ? 'missing' : 'true or false');
  return v;
}
