/**
 * Proves the SoftAuthenticator test helper against the real @simplewebauthn/server
 * verifier (no HTTP server involved): if these pass, responses produced by the
 * helper are genuine WebAuthn responses.
 */
import { describe, expect, it } from 'vitest';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { PublicKeyCredentialCreationOptionsJSON, WebAuthnCredential } from '@simplewebauthn/server';
import { SoftAuthenticator } from '@latchkey/testkit';
import type { Algorithm, AttestationFormat } from '@latchkey/testkit';

const RP_ID = 'localhost';
const ORIGIN = 'http://localhost:3000';
const SUPPORTED_ALGS = [-8, -7, -257];

function registrationOptions(
  excludeCredentials: { id: string }[] = [],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: 'Latchkey test',
    rpID: RP_ID,
    userName: 'alice@example.com',
    attestationType: 'none',
    supportedAlgorithmIDs: SUPPORTED_ALGS,
    excludeCredentials,
  });
}

function verifyRegistration(
  response: Parameters<typeof verifyRegistrationResponse>[0]['response'],
  expectedChallenge: string,
  requireUserVerification = true,
) {
  return verifyRegistrationResponse({
    response,
    expectedChallenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    requireUserVerification,
    supportedAlgorithmIDs: SUPPORTED_ALGS,
  });
}

/** Register one credential and return what a server would store for it. */
async function register(
  authenticator: SoftAuthenticator,
  params: Partial<Parameters<SoftAuthenticator['createCredential']>[1]> = {},
): Promise<{ credential: WebAuthnCredential; userId: string }> {
  const options = await registrationOptions();
  const response = authenticator.createCredential(options, { origin: ORIGIN, ...params });
  const result = await verifyRegistration(response, options.challenge);
  if (!result.verified) throw new Error('registration did not verify');
  return { credential: result.registrationInfo.credential, userId: options.user.id };
}

async function authenticate(
  authenticator: SoftAuthenticator,
  credential: WebAuthnCredential,
  params: Partial<Parameters<SoftAuthenticator['getAssertion']>[1]> = {},
  allowCredentials: { id: string }[] = [{ id: credential.id }],
) {
  const options = await generateAuthenticationOptions({
    rpID: RP_ID,
    allowCredentials,
    userVerification: 'required',
  });
  const response = authenticator.getAssertion(options, { origin: ORIGIN, ...params });
  const result = await verifyAuthenticationResponse({
    response,
    expectedChallenge: options.challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    credential,
    requireUserVerification: true,
  });
  return { response, result };
}

const ALGORITHMS: [Algorithm, number][] = [
  ['ES256', -7],
  ['EdDSA', -8],
  ['RS256', -257],
];
const FORMATS: AttestationFormat[] = ['none', 'packed'];

describe('SoftAuthenticator round trips against @simplewebauthn/server', () => {
  for (const [algorithm, coseAlg] of ALGORITHMS) {
    for (const fmt of FORMATS) {
      it(`${algorithm} with '${fmt}' attestation registers and authenticates`, async () => {
        const authenticator = new SoftAuthenticator();
        const options = await registrationOptions();
        const regResponse = authenticator.createCredential(options, {
          origin: ORIGIN,
          algorithm,
          attestation: fmt,
        });
        expect(regResponse.response.publicKeyAlgorithm).toBe(coseAlg);

        const reg = await verifyRegistration(regResponse, options.challenge);
        expect(reg.verified).toBe(true);
        if (!reg.verified) return;
        const info = reg.registrationInfo;
        expect(info.fmt).toBe(fmt);
        expect(info.aaguid).toBe('00000000-0000-0000-0000-000000000000');
        expect(info.credentialDeviceType).toBe('multiDevice');
        expect(info.credentialBackedUp).toBe(true);
        expect(info.userVerified).toBe(true);
        expect(info.credential.counter).toBe(0);
        expect(info.credential.id).toBe(regResponse.id);
        expect(authenticator.credentials[0]?.userHandle).toBe(options.user.id);

        const { result } = await authenticate(authenticator, info.credential);
        expect(result.verified).toBe(true);
        expect(result.authenticationInfo.newCounter).toBe(1);
        expect(result.authenticationInfo.userVerified).toBe(true);
      });
    }
  }

  it('picks the first supported algorithm from pubKeyCredParams by default', async () => {
    const authenticator = new SoftAuthenticator();
    const response = authenticator.createCredential(await registrationOptions(), { origin: ORIGIN });
    expect(response.response.publicKeyAlgorithm).toBe(-8);
    expect(authenticator.credentials[0]?.algorithm).toBe('EdDSA');
  });

  it('honours aaguid and backup flag options', async () => {
    const aaguid = 'adce0002-35bc-c60a-648b-0b25f1f05503';
    const authenticator = new SoftAuthenticator({ aaguid, backupEligible: false, backupState: false });
    const options = await registrationOptions();
    const reg = await verifyRegistration(authenticator.createCredential(options, { origin: ORIGIN }), options.challenge);
    expect(reg.verified).toBe(true);
    expect(reg.registrationInfo?.aaguid).toBe(aaguid);
    expect(reg.registrationInfo?.credentialDeviceType).toBe('singleDevice');
    expect(reg.registrationInfo?.credentialBackedUp).toBe(false);
  });

  it('keeps counting across assertions, or stays at 0 in zero-counter mode', async () => {
    const counting = new SoftAuthenticator();
    const a = await register(counting);
    const first = await authenticate(counting, a.credential);
    const second = await authenticate(counting, { ...a.credential, counter: 1 });
    expect(first.result.authenticationInfo.newCounter).toBe(1);
    expect(second.result.authenticationInfo.newCounter).toBe(2);

    const zero = new SoftAuthenticator();
    const b = await register(zero, { counter: 'zero' });
    const z1 = await authenticate(zero, b.credential);
    const z2 = await authenticate(zero, b.credential);
    expect(z1.result.verified && z2.result.verified).toBe(true);
    expect(z2.result.authenticationInfo.newCounter).toBe(0);
  });

  it('answers discoverable (empty allowCredentials) requests with the userHandle', async () => {
    const authenticator = new SoftAuthenticator();
    const { credential, userId } = await register(authenticator);
    const { response, result } = await authenticate(authenticator, credential, {}, []);
    expect(result.verified).toBe(true);
    expect(response.id).toBe(credential.id);
    expect(response.response.userHandle).toBe(userId);
  });

  it('can override or omit the userHandle', async () => {
    const authenticator = new SoftAuthenticator();
    const { credential } = await register(authenticator);
    const omitted = await authenticate(authenticator, credential, { userHandle: null });
    expect('userHandle' in omitted.response.response).toBe(false);
    const other = await authenticate(authenticator, { ...credential, counter: 1 }, { userHandle: 'b3RoZXI' });
    expect(other.response.response.userHandle).toBe('b3RoZXI');
  });

  it('returns the standard JSON shapes', async () => {
    const authenticator = new SoftAuthenticator();
    const options = await registrationOptions();
    const reg = authenticator.createCredential(options, { origin: ORIGIN, transports: ['usb'] });
    expect(reg).toMatchObject({
      rawId: reg.id,
      type: 'public-key',
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
      response: { transports: ['usb'] },
    });
    expect(Buffer.from(reg.id, 'base64url')).toHaveLength(32);
    const clientData: unknown = JSON.parse(Buffer.from(reg.response.clientDataJSON, 'base64url').toString('utf8'));
    expect(clientData).toEqual({
      type: 'webauthn.create',
      challenge: options.challenge,
      origin: ORIGIN,
      crossOrigin: false,
    });
  });
});

describe('the verifier refuses corrupted responses', () => {
  it('rejects a tampered signature', async () => {
    for (const [algorithm] of ALGORITHMS) {
      const authenticator = new SoftAuthenticator();
      const { credential } = await register(authenticator, { algorithm });
      const outcome = await authenticate(authenticator, credential, { tamperSignature: true }).then(
        ({ result }) => result.verified,
        () => false,
      );
      expect(outcome, algorithm).toBe(false);
    }
  });

  it('rejects a packed self-attestation whose signature does not cover the clientDataJSON', async () => {
    const authenticator = new SoftAuthenticator();
    const options = await registrationOptions();
    const response = authenticator.createCredential(options, { origin: ORIGIN, attestation: 'packed' });
    // Splice in a clientDataJSON for another challenge: every client-data check passes,
    // so only the attestation signature (over the original clientDataJSON hash) can catch it.
    const forged = { origin: ORIGIN, type: 'webauthn.create', challenge: 'b3RoZXI', crossOrigin: false };
    const spliced = {
      ...response,
      response: { ...response.response, clientDataJSON: Buffer.from(JSON.stringify(forged)).toString('base64url') },
    };
    const verified = await verifyRegistration(spliced, 'b3RoZXI').then(
      (result) => result.verified,
      () => false,
    );
    expect(verified).toBe(false);
  });

  it('rejects missing user verification when it is required', async () => {
    const authenticator = new SoftAuthenticator();
    const options = await registrationOptions();
    const noUvReg = authenticator.createCredential(options, { origin: ORIGIN, userVerified: false });
    await expect(verifyRegistration(noUvReg, options.challenge)).rejects.toThrow(/verification/i);
    // Still acceptable when the RP does not require UV.
    const lenient = await verifyRegistration(noUvReg, options.challenge, false);
    expect(lenient.verified).toBe(true);

    const { credential } = await register(authenticator);
    await expect(authenticate(authenticator, credential, { userVerified: false })).rejects.toThrow(/verification/i);
  });

  it('rejects a wrong origin', async () => {
    const authenticator = new SoftAuthenticator();
    const options = await registrationOptions();
    const reg = authenticator.createCredential(options, { origin: 'https://evil.example' });
    await expect(verifyRegistration(reg, options.challenge)).rejects.toThrow(/origin/i);

    const { credential } = await register(authenticator);
    await expect(authenticate(authenticator, credential, { origin: 'https://evil.example' })).rejects.toThrow(/origin/i);
  });

  it('rejects a wrong RP ID', async () => {
    const authenticator = new SoftAuthenticator();
    const options = await registrationOptions();
    const reg = authenticator.createCredential(options, { origin: ORIGIN, rpId: 'evil.example' });
    await expect(verifyRegistration(reg, options.challenge)).rejects.toThrow(/RP ID/i);

    const { credential } = await register(authenticator);
    await expect(authenticate(authenticator, credential, { rpId: 'evil.example' })).rejects.toThrow(/RP ID/i);
  });

  it('rejects a wrong challenge or ceremony type', async () => {
    const authenticator = new SoftAuthenticator();
    const options = await registrationOptions();
    const wrongChallenge = authenticator.createCredential(options, { origin: ORIGIN, challenge: 'bm9wZQ' });
    await expect(verifyRegistration(wrongChallenge, options.challenge)).rejects.toThrow(/challenge/i);
    const wrongType = authenticator.createCredential(options, { origin: ORIGIN, type: 'webauthn.get' });
    await expect(verifyRegistration(wrongType, options.challenge)).rejects.toThrow(/type/i);

    const { credential } = await register(authenticator);
    await expect(authenticate(authenticator, credential, { challenge: 'bm9wZQ' })).rejects.toThrow(/challenge/i);
    await expect(authenticate(authenticator, credential, { type: 'webauthn.create' })).rejects.toThrow(/type/i);
  });

  it('rejects a counter regression (cloned authenticator)', async () => {
    const authenticator = new SoftAuthenticator();
    const { credential } = await register(authenticator);
    await expect(authenticate(authenticator, { ...credential, counter: 5 }, { signCount: 3 })).rejects.toThrow(
      /counter/i,
    );
    expect(authenticator.credentials[0]?.signCount).toBe(3);
  });
});

describe('SoftAuthenticator client-side errors', () => {
  it('throws InvalidStateError when excludeCredentials lists a stored credential', async () => {
    const authenticator = new SoftAuthenticator();
    const { credential } = await register(authenticator);
    const options = await registrationOptions([{ id: credential.id }]);
    expect(() => authenticator.createCredential(options, { origin: ORIGIN })).toThrow(
      'InvalidStateError: credential excluded',
    );
    expect(authenticator.credentials).toHaveLength(1);
  });

  it('throws NotAllowedError when no stored credential is allowed', async () => {
    const authenticator = new SoftAuthenticator();
    await register(authenticator);
    const options = await generateAuthenticationOptions({ rpID: RP_ID, allowCredentials: [{ id: 'dW5rbm93bg' }] });
    expect(() => authenticator.getAssertion(options, { origin: ORIGIN })).toThrow(
      'NotAllowedError: no matching credential',
    );
    const discoverable = await generateAuthenticationOptions({ rpID: 'other.example' });
    expect(() => authenticator.getAssertion(discoverable, { origin: ORIGIN })).toThrow('NotAllowedError');
  });

  it('uses params.credentialId to choose among discoverable credentials', async () => {
    const authenticator = new SoftAuthenticator();
    await register(authenticator);
    const { credential } = await register(authenticator);
    const { response, result } = await authenticate(authenticator, credential, { credentialId: credential.id }, []);
    expect(response.id).toBe(credential.id);
    expect(result.verified).toBe(true);
  });
});
