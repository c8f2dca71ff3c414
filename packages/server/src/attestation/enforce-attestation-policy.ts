import { createHash, X509Certificate } from 'node:crypto';
import { convertCertBufferToPEM, decodeAttestationObject, validateCertificatePath } from '@simplewebauthn/server/helpers';
import type { Ctx } from '../context.js';
import type { AttestationPolicy } from './attestation-policy.js';
import { AttestationRefusal } from './attestation-refusal.js';
import { REFUSED_STATUSES, type MdsEntry } from './mds-entry.js';

const ZERO_AAGUID = '00000000-0000-0000-0000-000000000000';

export interface VerifiedAttestation {
  fmt: string;
  aaguid: string;
  /** The raw attestationObject, as verifyRegistrationResponse's registrationInfo carries it. */
  attestationObject: Uint8Array<ArrayBuffer>;
}

/**
 * Applies the project's attestation policy to a registration that @simplewebauthn/server has
 * already verified (signature, format rules, the AAGUID extension of the attestation certificate).
 * Throws an AttestationRefusal (422 attestation_not_allowed) naming the AAGUID and the reason.
 *
 * For `mds` the trust anchors are per authenticator and per project, so they are checked here
 * with the library's `validateCertificatePath` against the entry's attestationRootCertificates,
 * rather than through its process-wide MetadataService singleton (which would apply one MDS
 * configuration to every project, and which fido-u2f and apple statements never consult).
 */
export async function enforceAttestationPolicy(ctx: Ctx, policy: AttestationPolicy, attestation: VerifiedAttestation): Promise<void> {
  const aaguid = attestation.aaguid.toLowerCase();
  if (policy.mode === 'none') return;
  if (policy.mode === 'allow' && !policy.aaguids.includes(aaguid)) {
    throw refuse(aaguid, 'not-allowed', `authenticator ${aaguid} is not on this project's list of allowed authenticators`);
  }
  if (policy.mode === 'deny' && policy.aaguids.includes(aaguid)) {
    throw refuse(aaguid, 'denied', `authenticator ${aaguid} is on this project's list of refused authenticators`);
  }
  if (policy.mode === 'mds') await enforceMds(ctx, aaguid, attestation);
}

async function enforceMds(ctx: Ctx, aaguid: string, attestation: VerifiedAttestation): Promise<void> {
  const statement = decodeAttestationObject(attestation.attestationObject).get('attStmt');
  const x5c = statement.get('x5c');
  if (!x5c || x5c.length === 0) {
    throw refuse(aaguid, 'no-attestation', `authenticator ${aaguid} gave no certified attestation (format ${attestation.fmt}${attestation.fmt === 'packed' ? ', self attestation' : ''}); this project requires one the FIDO Metadata Service vouches for`);
  }
  const chain = x5c.map((der) => convertCertBufferToPEM(der));
  const key = aaguid === ZERO_AAGUID ? u2fKeyIdentifier(chain[0]!) : aaguid;
  const entry = await findMdsEntry(ctx, key);
  const name = entry?.metadataStatement?.description ? `${entry.metadataStatement.description} (${aaguid})` : `authenticator ${aaguid}`;
  if (!entry) throw refuse(aaguid, 'not-in-mds', `${name} is not in the imported FIDO Metadata Service BLOB`);
  const bad = (entry.statusReports ?? []).find((r) => (REFUSED_STATUSES as readonly string[]).includes(r.status));
  if (bad) throw refuse(aaguid, bad.status, `${name} is refused: the FIDO Metadata Service reports ${bad.status}`);
  const roots = (entry.metadataStatement?.attestationRootCertificates ?? []).map((der) => convertCertBufferToPEM(Buffer.from(der, 'base64')));
  // validateCertificatePath skips the check when given no roots: an entry without any proves nothing.
  if (roots.length === 0) throw refuse(aaguid, 'no-roots', `${name} has no attestation root certificates in the FIDO Metadata Service`);
  // Some authenticators send the root too; the chain below a listed root is what needs checking
  // (the library refuses a trust anchor that also sits in x5c).
  const below = [chain[0]!, ...chain.slice(1).filter((pem) => !roots.includes(pem))];
  try {
    await validateCertificatePath(below, roots);
  } catch (error) {
    throw refuse(aaguid, 'untrusted-chain', `${name}: its attestation certificate does not chain to the roots the FIDO Metadata Service lists for it (${(error as Error).message})`);
  }
}

async function findMdsEntry(ctx: Ctx, key: string): Promise<MdsEntry | undefined> {
  const row = await ctx.store.db.selectFrom('mds_entries').select('entry').where('key', '=', key).executeTakeFirst();
  return row ? (JSON.parse(row.entry) as MdsEntry) : undefined;
}

/**
 * U2F authenticators have no AAGUID; MDS names them by the SHA-1 of their attestation
 * certificate's public key (the subjectKeyIdentifier method of RFC 5280 §4.2.1.2: the key's
 * BIT STRING, for an EC key its uncompressed point).
 */
function u2fKeyIdentifier(leafPem: string): string {
  const jwk = new X509Certificate(leafPem).publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || !jwk.x || !jwk.y) return `key:`;
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
  return `key:${createHash('sha1').update(point).digest('hex')}`;
}

function refuse(aaguid: string, why: string, message: string): AttestationRefusal {
  return new AttestationRefusal(message, { aaguid, why });
}
