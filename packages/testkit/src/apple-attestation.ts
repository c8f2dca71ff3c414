/**
 * Apple anonymous attestation (WebAuthn L3 §8.8) for the software authenticator: a fresh
 * credential certificate per credential, whose public key is the credential's own and whose
 * extension 1.2.840.113635.100.8.2 carries nonce = SHA-256(authData || clientDataHash), issued
 * by a CA the test owns (Apple's real intermediate signs with a key no test can hold).
 *
 * The certificate is built with @peculiar/asn1-x509 (the ASN.1 schema @simplewebauthn parses it
 * with) and signed with node:crypto, synchronously, so createCredential stays synchronous.
 */
import { createHash, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { AsnConvert, AsnParser, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  Certificate,
  Extension,
  Extensions,
  Name,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import type { CBORType } from '@levischuck/tiny-cbor';

/** The CA that issues Apple-format credential certificates (Apple's "Apple WebAuthn CA 1" in life). */
export interface AppleAttestationIssuer {
  /** DER certificates: the issuing CA first, then any above it up to (not including) the root. */
  x5c: Uint8Array[];
  /** The issuing CA's private key: an EC P-256 key (ecdsa-with-SHA256, as Apple's CA signs). */
  privateKey: KeyObject;
}

const APPLE_NONCE_OID = '1.2.840.113635.100.8.2';
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const DAY = 86_400_000;

/** attStmt {x5c: [credCert, ...issuer.x5c]} for fmt "apple". The credential key must be ES256. */
export function appleAttestationStatement(
  issuer: AppleAttestationIssuer,
  credentialKey: KeyObject,
  authData: Uint8Array,
  clientDataJSON: Uint8Array,
): Map<string, CBORType> {
  if (credentialKey.asymmetricKeyType !== 'ec') throw new Error('apple attestation needs an ES256 credential key');
  if (issuer.privateKey.asymmetricKeyType !== 'ec') throw new Error('apple attestation issuer key must be EC P-256');
  const clientDataHash = createHash('sha256').update(clientDataJSON).digest();
  const nonce = createHash('sha256').update(authData).update(clientDataHash).digest();
  const issuerCert = AsnParser.parse(issuer.x5c[0]!, Certificate);
  const algorithm = new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f; // a positive INTEGER
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array(serial).buffer,
    signature: algorithm,
    issuer: issuerCert.tbsCertificate.subject,
    validity: new Validity({ notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 3 * DAY) }),
    subject: new Name([]),
    subjectPublicKeyInfo: AsnParser.parse(createPublicKey(credentialKey).export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo),
    extensions: new Extensions([
      // SEQUENCE { [1] EXPLICIT OCTET STRING nonce }: the layout Apple's CA writes (and the
      // verifier reads past its fixed six-byte header: 30 24 a1 22 04 20).
      new Extension({
        extnID: APPLE_NONCE_OID,
        critical: false,
        extnValue: new OctetString(new Uint8Array(Buffer.concat([Buffer.from([0x30, 0x24, 0xa1, 0x22, 0x04, 0x20]), nonce]))),
      }),
    ]),
  });
  const signature = sign('sha256', Buffer.from(AsnConvert.serialize(tbs)), issuer.privateKey);
  const credCert = new Certificate({ tbsCertificate: tbs, signatureAlgorithm: algorithm, signatureValue: new Uint8Array(signature).buffer });
  return new Map<string, CBORType>([['x5c', [new Uint8Array(AsnConvert.serialize(credCert)), ...issuer.x5c.map((der) => new Uint8Array(der))]]]);
}
