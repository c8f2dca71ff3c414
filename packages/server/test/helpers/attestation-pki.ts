import { KeyObject, webcrypto } from 'node:crypto';
// @peculiar/x509 needs the reflect-metadata polyfill, which @simplewebauthn/server's helpers load.
import '@simplewebauthn/server/helpers';
import * as x509 from '@peculiar/x509';
import { CompactSign } from 'jose';
import type { AppleAttestationIssuer, AttestationCertificate } from '@latchkey/testkit';

/**
 * Test PKI for attestation: certificate authorities, packed attestation certificates (WebAuthn
 * §8.2.1 requirements, with the AAGUID extension), and FIDO MDS3 BLOBs signed by a test root, so
 * that the mds policy runs end to end against trust roots the tests own. Nothing here reaches
 * production code except through importMdsBlob's trustRoots parameter.
 */
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKeyPair = webcrypto.CryptoKeyPair;

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface TestCa {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
  pem: string;
  /** Base64 DER, as MDS3 attestationRootCertificates carry certificates. */
  base64: string;
}

let serial = 1;
const nextSerial = () => (serial++).toString(16).padStart(2, '0');

async function keyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
}

export async function makeCa(name: string): Promise<TestCa> {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name: `CN=${name}, O=Latchkey Tests, C=US`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    signingAlgorithm: EC,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys, pem: cert.toString('pem'), base64: cert.toString('base64') };
}

/** An authenticator model's attestation certificate, issued by `ca`, for the software authenticator. */
export async function makeAttestationCertificate(ca: TestCa, aaguid: string): Promise<AttestationCertificate> {
  const keys = await keyPair();
  const aaguidBytes = Buffer.from(aaguid.replace(/-/g, ''), 'hex');
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: nextSerial(),
    subject: 'C=US, O=Latchkey Tests, OU=Authenticator Attestation, CN=Test Authenticator',
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    signingAlgorithm: EC,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      // id-fido-gen-ce-aaguid: an OCTET STRING holding the 16 AAGUID bytes.
      new x509.Extension('1.3.6.1.4.1.45724.1.1.4', false, Buffer.concat([Buffer.from([0x04, 0x10]), aaguidBytes])),
    ],
  });
  return { x5c: [new Uint8Array(cert.rawData)], privateKey: KeyObject.from(keys.privateKey), algorithm: 'ES256' };
}

/**
 * An intermediate CA under `root` that issues the software authenticator's Apple-format credential
 * certificates (what "Apple WebAuthn CA 1" is under "Apple WebAuthn Root CA" in life).
 */
export async function makeAppleIssuer(root: TestCa): Promise<AppleAttestationIssuer> {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: nextSerial(),
    subject: 'CN=Test WebAuthn CA 1, O=Latchkey Tests, C=US',
    issuer: root.cert.subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    signingAlgorithm: EC,
    publicKey: keys.publicKey,
    signingKey: root.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { x5c: [new Uint8Array(cert.rawData)], privateKey: KeyObject.from(keys.privateKey) };
}

export interface MdsPayload {
  no: number;
  nextUpdate: string;
  entries: unknown[];
}

/** An MDS3 BLOB: a JWS whose x5c is a signing certificate issued by `root`. */
export async function makeMdsBlob(root: TestCa, payload: MdsPayload): Promise<string> {
  const keys = await keyPair();
  const signer = await x509.X509CertificateGenerator.create({
    serialNumber: nextSerial(),
    subject: 'CN=mds.test, O=Latchkey Tests, C=US',
    issuer: root.cert.subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    signingAlgorithm: EC,
    publicKey: keys.publicKey,
    signingKey: root.keys.privateKey,
    extensions: [new x509.BasicConstraintsExtension(false, undefined, true)],
  });
  return new CompactSign(new TextEncoder().encode(JSON.stringify({ legalHeader: 'test data', ...payload })))
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', x5c: [signer.toString('base64')] })
    .sign(keys.privateKey);
}

/** An MDS3 entry for a FIDO2 authenticator whose attestation chains to `roots`. */
export function mdsEntry(aaguid: string, roots: TestCa[], statuses: string[] = ['FIDO_CERTIFIED']): Record<string, unknown> {
  return {
    aaguid,
    metadataStatement: {
      aaguid,
      description: `Test Authenticator ${aaguid.slice(0, 8)}`,
      attestationRootCertificates: roots.map((r) => r.base64),
      authenticationAlgorithms: ['secp256r1_ecdsa_sha256_raw'],
    },
    statusReports: statuses.map((status) => ({ status, effectiveDate: '2025-01-01' })),
    timeOfLastStatusChange: '2025-01-01',
  };
}

export const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);
