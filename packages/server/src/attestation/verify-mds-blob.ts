import { X509Certificate } from 'node:crypto';
import { validateCertificatePath } from '@simplewebauthn/server/helpers';
import { compactVerify, decodeProtectedHeader, importX509 } from 'jose';
import { badRequest } from '../errors/latchkey-error.js';
import { FIDO_MDS_ROOT_PEM } from './fido-mds-root.js';
import type { MdsEntry } from './mds-entry.js';

export interface VerifiedMdsBlob {
  /** The BLOB's serial number: a newer BLOB has a greater one. */
  no: number;
  /** YYYY-MM-DD: when the FIDO Alliance publishes the next BLOB. */
  nextUpdate: string;
  entries: MdsEntry[];
}

/** The signature algorithms an MDS3 BLOB may use (FIDO MDS3 §3.1.7: RS256, ES256 and kin). */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

/**
 * Checks a FIDO Metadata Service (MDS3) BLOB offline, as its spec says (§3.2): the `x5c` chain in
 * the JWS header must lead to the trust root (SimpleWebAuthn's `validateCertificatePath`, which
 * also checks validity periods and, where it can reach them, CRLs), and the JWS must verify with
 * the chain's leaf key (jose). Only then is the payload read.
 *
 * `trustRoots` is the embedded FIDO root; tests pass a root of their own. There is deliberately no
 * setting or environment variable for it.
 */
export async function verifyMdsBlob(blob: string, trustRoots: string[] = [FIDO_MDS_ROOT_PEM]): Promise<VerifiedMdsBlob> {
  const jws = blob.trim();
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    throw badRequest('invalid_mds_blob', 'the file is not an MDS BLOB: expected a JWS (three base64url parts separated by dots), as downloaded from https://mds3.fidoalliance.org/');
  }
  if (!Array.isArray(header.x5c) || header.x5c.length === 0 || typeof header.alg !== 'string' || !ALGORITHMS.includes(header.alg)) {
    throw badRequest('invalid_mds_blob', 'the MDS BLOB header needs an x5c certificate chain and a signature algorithm (RS256, ES256, …)');
  }
  let chain: string[];
  try {
    chain = header.x5c.map((der) => new X509Certificate(Buffer.from(der, 'base64')).toString());
  } catch {
    throw badRequest('invalid_mds_blob', 'the MDS BLOB header\'s x5c holds something that is not an X.509 certificate');
  }
  try {
    await validateCertificatePath(chain, trustRoots);
  } catch (error) {
    throw badRequest('mds_blob_untrusted', `the MDS BLOB's certificate chain does not lead to the FIDO Alliance root: ${(error as Error).message}`);
  }
  let payload: unknown;
  try {
    const key = await importX509(chain[0]!, header.alg);
    const verified = await compactVerify(jws, key, { algorithms: ALGORITHMS });
    payload = JSON.parse(new TextDecoder().decode(verified.payload));
  } catch {
    throw badRequest('mds_blob_bad_signature', 'the MDS BLOB\'s signature does not verify with its certificate: the file was altered or is not an MDS BLOB');
  }
  return readPayload(payload);
}

function readPayload(payload: unknown): VerifiedMdsBlob {
  const p = payload as { no?: unknown; nextUpdate?: unknown; entries?: unknown };
  if (typeof p !== 'object' || p === null || !Number.isInteger(p.no) || typeof p.nextUpdate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(p.nextUpdate) || !Array.isArray(p.entries)) {
    throw badRequest('invalid_mds_blob', 'the MDS BLOB payload needs no (a whole number), nextUpdate (YYYY-MM-DD) and entries (a list)');
  }
  return { no: p.no as number, nextUpdate: p.nextUpdate, entries: p.entries as MdsEntry[] };
}
