import { importJWK, importPKCS8, type CryptoKey, type JWK } from 'jose';
import type { SigningKeyRow } from '../store/schema.js';
import { openPrivateKey } from './key-encryption.js';

/** How long a key row read for verification is reused; at most 15 s (see `row`). */
export const ROW_CACHE_MS = 5000;

/**
 * Importing an RSA key costs more than a signature, so imported keys are kept per kid. A kid's key
 * material never changes, which makes this cache correct across instances; which kid is *active* is
 * always read from the store.
 */
export class SigningKeyCache {
  private readonly privateKeys = new Map<string, Promise<CryptoKey>>();
  private readonly publicKeys = new Map<string, Promise<CryptoKey>>();

  /** Key rows by kid, as read at `at` (ms): see `row`. */
  private readonly rows = new Map<string, { at: number; row: SigningKeyRow }>();

  constructor(private readonly kek: Uint8Array | undefined) {}

  /**
   * A key row by kid, read from the store at most every ROW_CACHE_MS per kid (what a verification
   * needs: the public key, the project, when it was rotated). Only `rotated_at` ever changes, and a
   * row at most ROW_CACHE_MS old accepts no token that the fresh row would refuse: a token passes
   * `nbf` only when its `iat` ≤ now + 10 s, and a key rotated less than ROW_CACHE_MS ago still
   * signs within its 30 s grace anyway. Rotations through this instance forget the rows at once.
   */
  async row(kid: string, nowMs: number, load: () => Promise<SigningKeyRow | undefined>): Promise<SigningKeyRow | undefined> {
    const cached = this.rows.get(kid);
    if (cached && nowMs >= cached.at && nowMs - cached.at < ROW_CACHE_MS) return cached.row;
    const row = await load();
    if (row) this.rows.set(kid, { at: nowMs, row });
    else this.rows.delete(kid);
    return row;
  }

  /** After a rotation through this instance. */
  forgetRows(): void {
    this.rows.clear();
  }

  privateKey(row: Pick<SigningKeyRow, 'id' | 'private_key'>): Promise<CryptoKey> {
    return this.privateKeyOf(row.id, async () => row.private_key);
  }

  /** The imported private key of `kid`; `load` reads the stored (maybe sealed) key, only when it is not cached yet. */
  privateKeyOf(kid: string, load: () => Promise<string>): Promise<CryptoKey> {
    return this.memo(this.privateKeys, kid, async () => importPKCS8(await openPrivateKey(await load(), this.kek, kid), 'RS256'));
  }

  publicKey(row: Pick<SigningKeyRow, 'id' | 'public_jwk'>): Promise<CryptoKey> {
    return this.memo(this.publicKeys, row.id, async () => (await importJWK(JSON.parse(row.public_jwk) as JWK, 'RS256')) as CryptoKey);
  }

  private memo(map: Map<string, Promise<CryptoKey>>, kid: string, load: () => Promise<CryptoKey>): Promise<CryptoKey> {
    let pending = map.get(kid);
    if (!pending) {
      pending = load();
      // A failed import (say, a missing key encryption key) must not stick: the operator may fix it.
      pending.catch(() => map.delete(kid));
      map.set(kid, pending);
    }
    return pending;
  }
}
