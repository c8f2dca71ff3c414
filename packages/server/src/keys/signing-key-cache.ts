import { importJWK, importPKCS8, type CryptoKey, type JWK } from 'jose';
import type { SigningKeyRow } from '../store/schema.js';
import { openPrivateKey } from './key-encryption.js';

/**
 * Importing an RSA key costs more than a signature, so imported keys are kept per kid. A kid's key
 * material never changes, which makes this cache correct across instances; which kid is *active* is
 * always read from the store.
 */
export class SigningKeyCache {
  private readonly privateKeys = new Map<string, Promise<CryptoKey>>();
  private readonly publicKeys = new Map<string, Promise<CryptoKey>>();

  constructor(private readonly kek: Uint8Array | undefined) {}

  privateKey(row: Pick<SigningKeyRow, 'id' | 'private_key'>): Promise<CryptoKey> {
    return this.memo(this.privateKeys, row.id, async () => importPKCS8(await openPrivateKey(row.private_key, this.kek, row.id), 'RS256'));
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
