/**
 * A software WebAuthn authenticator (plus the bits of the browser "client" that
 * wrap its output) for driving real registration / authentication ceremonies in
 * tests. Everything it emits is a genuine, verifiable WebAuthn response in the
 * standard JSON form: real keys, real signatures, real CBOR.
 *
 * Keys and signatures come from node:crypto; CBOR comes from @levischuck/tiny-cbor
 * (the same family of encoder @simplewebauthn uses). Only the authenticatorData
 * byte layout is assembled by hand, as it is a plain fixed layout.
 *
 * Spec references: WebAuthn L3 §6.1 (authenticator data), §6.5 (attestation),
 * §8.2 (packed self attestation), RFC 9053 / RFC 8230 (COSE keys).
 */
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import { encodeCBOR, type CBORType } from '@levischuck/tiny-cbor';
import { appleAttestationStatement, type AppleAttestationIssuer } from './apple-attestation.js';
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

export type Algorithm = 'ES256' | 'EdDSA' | 'RS256';
export type AttestationFormat = 'none' | 'packed' | 'apple';
/** @simplewebauthn/server@14 no longer exports AuthenticatorTransportFuture, so mirror it here. */
export type AuthenticatorTransportFuture = AuthenticatorTransport | 'cable' | 'smart-card';

export interface SoftCredential {
  /** base64url credential id */
  id: string;
  rpId: string;
  /** base64url of the user.id bytes from the creation options */
  userHandle: string;
  algorithm: Algorithm;
  privateKey: KeyObject;
  /** Current counter; bumped by each assertion unless counterMode is 'zero'. */
  signCount: number;
  counterMode: 'increment' | 'zero';
}

export interface AuthenticatorOptions {
  /** UUID string, default all zeroes (what most passkey providers report). */
  aaguid?: string;
  /** BE flag, default true (synced passkey). */
  backupEligible?: boolean;
  /** BS flag, default true (synced passkey). */
  backupState?: boolean;
}

export interface CreateCredentialParams {
  /** Put into clientDataJSON.origin. */
  origin: string;
  /** Default: first entry of options.pubKeyCredParams this authenticator supports. Not checked against pubKeyCredParams when given, so tests can force an unrequested algorithm. */
  algorithm?: Algorithm;
  /** Default 'none'. 'packed' = self attestation (no x5c), or basic attestation with `attestationCertificate`. */
  attestation?: AttestationFormat;
  /**
   * Packed basic (full) attestation: the statement is signed with this key and carries `x5c` (DER,
   * attestation certificate first), as a certified authenticator's is. The tests make the chain.
   */
  attestationCertificate?: AttestationCertificate;
  /** Required with attestation 'apple' (ES256 only): the CA that issues the per-credential certificate. */
  appleIssuer?: AppleAttestationIssuer;
  /** UV flag, default true. */
  userVerified?: boolean;
  /**
   * UP flag, default true. false = what a browser's conditional create (automatic passkey upgrade,
   * `mediation: 'conditional'`) may return: a credential made without a user gesture.
   */
  userPresent?: boolean;
  /** Default 'increment'. 'zero' emulates authenticators that never count (e.g. many synced passkeys). */
  counter?: 'increment' | 'zero';
  /** Default ['internal', 'hybrid']. */
  transports?: AuthenticatorTransportFuture[];
  /** base64url credential id to use instead of 32 random bytes. */
  credentialId?: string;
  // --- deliberate corruption knobs for negative tests ---
  /** RP ID hashed into authData (default options.rp.id). The credential is stored under this RP ID. */
  rpId?: string;
  /** Challenge placed in clientDataJSON (default options.challenge). */
  challenge?: string;
  /** clientDataJSON.type (default 'webauthn.create'). */
  type?: string;
  /** clientDataJSON.crossOrigin, as a browser sets it inside a cross-origin iframe (default false). */
  crossOrigin?: boolean;
  /** COSE alg written into a packed self attestation statement (default: the credential's own); the signature is still the credential key's. */
  attestationAlg?: number;
}

export interface AttestationCertificate {
  /** DER certificates, the attestation certificate first, then any intermediates. */
  x5c: Uint8Array[];
  /** The attestation certificate's private key. */
  privateKey: KeyObject;
  algorithm: Algorithm;
}

export interface GetAssertionParams {
  /** Put into clientDataJSON.origin. */
  origin: string;
  /** Which stored credential to use (narrows the choice; must exist). */
  credentialId?: string;
  /** UV flag, default true. UP is always set. */
  userVerified?: boolean;
  // --- deliberate corruption knobs for negative tests ---
  /** RP ID hashed into authData (default options.rpId). */
  rpId?: string;
  /** Challenge placed in clientDataJSON (default options.challenge). */
  challenge?: string;
  /** clientDataJSON.type (default 'webauthn.get'). */
  type?: string;
  /** Flip a bit of the signature after signing. */
  tamperSignature?: boolean;
  /** Force (and store) this counter value, e.g. to simulate a cloned authenticator. */
  signCount?: number;
  /** Override the returned userHandle; null omits it. Default: the credential's userHandle. */
  userHandle?: string | null;
  /** clientDataJSON.crossOrigin, as a browser sets it inside a cross-origin iframe (default false). */
  crossOrigin?: boolean;
  /** COSE alg written into a packed self attestation statement (default: the credential's own); the signature is still the credential key's. */
  attestationAlg?: number;
}

// ---------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------

const COSE_ALG: Record<Algorithm, number> = { ES256: -7, EdDSA: -8, RS256: -257 };

/** authenticatorData flag bits (WebAuthn §6.1). */
const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

const DEFAULT_AAGUID = '00000000-0000-0000-0000-000000000000';

// ---------------------------------------------------------------------------
// Small byte helpers
// ---------------------------------------------------------------------------

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function fromB64url(value: string): Buffer {
  return Buffer.from(value, 'base64url');
}

function sha256(data: Uint8Array | string): Buffer {
  return createHash('sha256').update(data).digest();
}

/** Copy into a plain Uint8Array so the CBOR encoder sees exactly these bytes (Buffers may be pool slices). */
function bytes(data: Uint8Array): Uint8Array {
  return new Uint8Array(data);
}

function uint16BE(n: number): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(n);
  return out;
}

function uint32BE(n: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n >>> 0);
  return out;
}

function parseAaguid(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) {
    throw new Error(`Invalid AAGUID "${uuid}": expected a UUID`);
  }
  return Buffer.from(hex, 'hex');
}

// ---------------------------------------------------------------------------
// Keys, COSE encoding and signing
// ---------------------------------------------------------------------------

function generatePrivateKey(algorithm: Algorithm): KeyObject {
  switch (algorithm) {
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    case 'EdDSA':
      return generateKeyPairSync('ed25519').privateKey;
    case 'RS256':
      return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }
}

/** SubjectPublicKeyInfo DER of the key's public half (what a browser's getPublicKey() returns). */
function spkiDer(privateKey: KeyObject): Buffer {
  return createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
}

/** Read one base64url member of a JWK, failing loudly if the key type was not what we expected. */
function jwkBytes(jwk: Record<string, unknown>, member: string): Uint8Array {
  const value = jwk[member];
  if (typeof value !== 'string') throw new Error(`JWK is missing "${member}"`);
  return bytes(fromB64url(value));
}

/**
 * The credential public key as a COSE_Key (integer-keyed CBOR map). A JS Map is
 * used because tiny-cbor only emits integer keys from Maps.
 */
function coseEncodePublicKey(privateKey: KeyObject, algorithm: Algorithm): Uint8Array {
  const jwk = privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const cose = new Map<number, CBORType>();
  switch (algorithm) {
    case 'ES256': // kty EC2, crv P-256
      cose.set(1, 2).set(3, COSE_ALG.ES256).set(-1, 1);
      cose.set(-2, jwkBytes(jwk, 'x')).set(-3, jwkBytes(jwk, 'y'));
      break;
    case 'EdDSA': // kty OKP, crv Ed25519
      cose.set(1, 1).set(3, COSE_ALG.EdDSA).set(-1, 6).set(-2, jwkBytes(jwk, 'x'));
      break;
    case 'RS256': // kty RSA
      cose.set(1, 3).set(3, COSE_ALG.RS256);
      cose.set(-1, jwkBytes(jwk, 'n')).set(-2, jwkBytes(jwk, 'e'));
      break;
  }
  return encodeCBOR(cose);
}

/**
 * Sign the WebAuthn signature base. Node's defaults already give what WebAuthn
 * wants: DER-encoded ECDSA for EC keys and PKCS#1 v1.5 for RSA keys; Ed25519
 * takes no separate digest (hence `null`).
 */
function signData(algorithm: Algorithm, privateKey: KeyObject, data: Uint8Array): Buffer {
  return sign(algorithm === 'EdDSA' ? null : 'sha256', data, privateKey);
}

/** WebAuthn signature base: authData || SHA-256(clientDataJSON). */
function signatureBase(authData: Uint8Array, clientDataJSON: Uint8Array): Buffer {
  return Buffer.concat([authData, sha256(clientDataJSON)]);
}

function algorithmFromCose(alg: number): Algorithm | undefined {
  return (Object.keys(COSE_ALG) as Algorithm[]).find((name) => COSE_ALG[name] === alg);
}

// ---------------------------------------------------------------------------
// Client data and authenticator data
// ---------------------------------------------------------------------------

/** The serialized CollectedClientData, as the browser would build it. */
function clientDataJSON(type: string, challenge: string, origin: string, crossOrigin = false): Buffer {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin }), 'utf8');
}

interface AuthDataInput {
  rpId: string;
  flags: number;
  signCount: number;
  /** Present only at registration; sets the AT flag. */
  attested?: { aaguid: Buffer; credentialId: Buffer; cosePublicKey: Uint8Array };
}

/** rpIdHash(32) | flags(1) | signCount(4 BE) | [aaguid(16) | credIdLen(2 BE) | credId | COSE key] */
function buildAuthData({ rpId, flags, signCount, attested }: AuthDataInput): Buffer {
  const parts: Uint8Array[] = [sha256(rpId), Buffer.of(attested ? flags | FLAG_AT : flags), uint32BE(signCount)];
  if (attested) {
    parts.push(
      attested.aaguid,
      uint16BE(attested.credentialId.length),
      attested.credentialId,
      attested.cosePublicKey,
    );
  }
  return Buffer.concat(parts);
}

/** attestationObject = CBOR {fmt, attStmt, authData}. Text keys, so a Map keeps key order explicit. */
function buildAttestationObject(fmt: AttestationFormat, attStmt: Map<string, CBORType>, authData: Uint8Array): Uint8Array {
  return encodeCBOR(
    new Map<string, CBORType>([
      ['fmt', fmt],
      ['attStmt', attStmt],
      ['authData', bytes(authData)],
    ]),
  );
}

/** Packed basic attestation (WebAuthn §8.2): signed by the attestation key, with its certificate chain. */
function basicAttestationStatement(cert: AttestationCertificate, authData: Uint8Array, clientData: Uint8Array): Map<string, CBORType> {
  const sig = signData(cert.algorithm, cert.privateKey, signatureBase(authData, clientData));
  return new Map<string, CBORType>([
    ['alg', COSE_ALG[cert.algorithm]],
    ['sig', bytes(sig)],
    ['x5c', cert.x5c.map((der) => bytes(der))],
  ]);
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`attestation 'apple' needs ${name}`);
  return value;
}

// ---------------------------------------------------------------------------
// The authenticator
// ---------------------------------------------------------------------------

export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];
  private readonly aaguid: Buffer;
  private readonly backupEligible: boolean;
  private readonly backupState: boolean;

  constructor(opts: AuthenticatorOptions = {}) {
    this.aaguid = parseAaguid(opts.aaguid ?? DEFAULT_AAGUID);
    this.backupEligible = opts.backupEligible ?? true;
    this.backupState = opts.backupState ?? true;
  }

  /** navigator.credentials.create(): make a new credential and return its RegistrationResponseJSON. */
  createCredential(
    options: PublicKeyCredentialCreationOptionsJSON,
    params: CreateCredentialParams,
  ): RegistrationResponseJSON {
    const rpId = params.rpId ?? options.rp.id ?? new URL(params.origin).hostname;
    this.assertNotExcluded(options, rpId);

    const algorithm = params.algorithm ?? this.pickAlgorithm(options);
    const privateKey = generatePrivateKey(algorithm);
    const credentialId = params.credentialId ? fromB64url(params.credentialId) : randomBytes(32);
    const counterMode = params.counter ?? 'increment';

    const authData = buildAuthData({
      rpId,
      flags: this.flags(params.userVerified ?? true, params.userPresent ?? true),
      signCount: 0,
      attested: {
        aaguid: this.aaguid,
        credentialId,
        cosePublicKey: coseEncodePublicKey(privateKey, algorithm),
      },
    });
    const clientData = clientDataJSON(
      params.type ?? 'webauthn.create',
      params.challenge ?? options.challenge,
      params.origin,
      params.crossOrigin ?? false,
    );
    const fmt = params.attestation ?? 'none';
    const attStmt = fmt === 'apple'
      ? appleAttestationStatement(required(params.appleIssuer, 'appleIssuer'), privateKey, authData, clientData)
      : params.attestationCertificate && fmt === 'packed'
        ? basicAttestationStatement(params.attestationCertificate, authData, clientData)
        : this.attestationStatement(fmt, algorithm, privateKey, authData, clientData, params.attestationAlg);

    const id = b64url(credentialId);
    this.credentials.push({
      id,
      rpId,
      userHandle: options.user.id,
      algorithm,
      privateKey,
      signCount: 0,
      counterMode,
    });

    return {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientData),
        attestationObject: b64url(buildAttestationObject(fmt, attStmt, authData)),
        authenticatorData: b64url(authData),
        transports: params.transports ?? ['internal', 'hybrid'],
        publicKeyAlgorithm: COSE_ALG[algorithm],
        publicKey: b64url(spkiDer(privateKey)),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** navigator.credentials.get(): sign an assertion and return its AuthenticationResponseJSON. */
  getAssertion(
    options: PublicKeyCredentialRequestOptionsJSON,
    params: GetAssertionParams,
  ): AuthenticationResponseJSON {
    const credential = this.findCredential(options, params);
    credential.signCount = this.nextSignCount(credential, params.signCount);

    const authData = buildAuthData({
      rpId: params.rpId ?? options.rpId ?? credential.rpId,
      flags: this.flags(params.userVerified ?? true),
      signCount: credential.signCount,
    });
    const clientData = clientDataJSON(
      params.type ?? 'webauthn.get',
      params.challenge ?? options.challenge,
      params.origin,
      params.crossOrigin ?? false,
    );
    const signature = signData(credential.algorithm, credential.privateKey, signatureBase(authData, clientData));
    if (params.tamperSignature) {
      // Flip the lowest bit of the final byte: keeps DER framing intact so the
      // verifier reaches the actual signature check (and fails it).
      const last = signature.length - 1;
      signature[last] = (signature[last] ?? 0) ^ 0x01;
    }

    const userHandle = params.userHandle === undefined ? credential.userHandle : params.userHandle;
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientData),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        ...(userHandle === null ? {} : { userHandle }),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  // --- internals -----------------------------------------------------------

  /** UP unless a creation asks for none; UV on request; BE/BS per authenticator configuration. */
  private flags(userVerified: boolean, userPresent = true): number {
    let flags = userPresent ? FLAG_UP : 0;
    if (userVerified) flags |= FLAG_UV;
    if (this.backupEligible) flags |= FLAG_BE;
    if (this.backupState) flags |= FLAG_BS;
    return flags;
  }

  /** Like a real authenticator, refuse to create a second credential for an RP that already knows one of ours. */
  private assertNotExcluded(options: PublicKeyCredentialCreationOptionsJSON, rpId: string): void {
    const excluded = new Set((options.excludeCredentials ?? []).map((c) => c.id));
    if (this.credentials.some((c) => c.rpId === rpId && excluded.has(c.id))) {
      throw new Error('InvalidStateError: credential excluded');
    }
  }

  /** The RP lists algorithms in preference order; take the first we can do. */
  private pickAlgorithm(options: PublicKeyCredentialCreationOptionsJSON): Algorithm {
    for (const param of options.pubKeyCredParams) {
      const algorithm = algorithmFromCose(param.alg);
      if (algorithm) return algorithm;
    }
    throw new Error('NotSupportedError: no supported algorithm in pubKeyCredParams');
  }

  private attestationStatement(
    fmt: AttestationFormat,
    algorithm: Algorithm,
    privateKey: KeyObject,
    authData: Uint8Array,
    clientData: Uint8Array,
    declaredAlg: number = COSE_ALG[algorithm],
  ): Map<string, CBORType> {
    if (fmt === 'none') return new Map();
    // Packed self attestation: signed with the credential key itself, so no x5c.
    const sig = signData(algorithm, privateKey, signatureBase(authData, clientData));
    return new Map<string, CBORType>([
      ['alg', declaredAlg],
      ['sig', bytes(sig)],
    ]);
  }

  /**
   * allowCredentials non-empty: first stored credential that is listed.
   * Otherwise (discoverable / conditional UI): first stored credential for the RP.
   * params.credentialId narrows either choice to that one credential.
   */
  private findCredential(options: PublicKeyCredentialRequestOptionsJSON, params: GetAssertionParams): SoftCredential {
    const allowed = (options.allowCredentials ?? []).map((c) => c.id);
    let candidates: SoftCredential[];
    if (allowed.length > 0) {
      candidates = this.credentials.filter((c) => allowed.includes(c.id));
    } else if (params.credentialId !== undefined) {
      candidates = this.credentials;
    } else {
      const rpId = options.rpId ?? new URL(params.origin).hostname;
      candidates = this.credentials.filter((c) => c.rpId === rpId);
    }
    if (params.credentialId !== undefined) {
      candidates = candidates.filter((c) => c.id === params.credentialId);
    }
    const credential = candidates[0];
    if (!credential) throw new Error('NotAllowedError: no matching credential');
    return credential;
  }

  private nextSignCount(credential: SoftCredential, forced: number | undefined): number {
    if (forced !== undefined) return forced;
    return credential.counterMode === 'zero' ? 0 : credential.signCount + 1;
  }
}

