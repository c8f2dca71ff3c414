import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { SoftAuthenticator, type CreateCredentialParams, type GetAssertionParams } from '@latchkey/testkit';
import type { HttpAnswer, TestProject } from './harness.js';

/**
 * Whole ceremonies as a browser and an app would run them, over real HTTP. Each step that is not
 * expected to fail is checked, so a test reads as the promise it proves.
 */

export async function connectToken(p: TestProject, type: 'passkey-append' | 'passkey-list' | 'passkey-delete' | 'passkey-rename', identifier: string, displayName?: string): Promise<string> {
  const answer = await p.backend('POST', '/connectTokens', { type, data: { identifier, ...(displayName ? { displayName } : {}) } });
  expectStatus(answer, 201);
  return answer.body.secret as string;
}

export interface StartedAppend {
  processId: string;
  options: PublicKeyCredentialCreationOptionsJSON;
  challengeId: string;
}

export async function startAppend(p: TestProject, identifier: string): Promise<StartedAppend> {
  const token = await connectToken(p, 'passkey-append', identifier);
  const init = await p.frontend('/append/init', { connectToken: token });
  expectStatus(init, 200);
  const start = await p.frontend('/append/start', { processId: init.body.processId });
  expectStatus(start, 200);
  return { processId: init.body.processId, options: start.body.attestationOptions, challengeId: start.body.challengeId };
}

/** Append a passkey end to end; returns the finish answer (200 with {passkey} when all is well). */
export async function appendPasskey(
  p: TestProject,
  authenticator: SoftAuthenticator,
  identifier: string,
  params: Partial<CreateCredentialParams> = {},
): Promise<HttpAnswer> {
  const started = await startAppend(p, identifier);
  const response = authenticator.createCredential(started.options, { origin: p.project.origins[0]!, ...params });
  return p.frontend('/append/finish', { processId: started.processId, attestationResponse: response });
}

export interface StartedLogin {
  processId: string;
  options: PublicKeyCredentialRequestOptionsJSON;
  challengeId: string;
  conditionalUIChallenge: PublicKeyCredentialRequestOptionsJSON;
}

export async function startLogin(p: TestProject, identifier: string): Promise<StartedLogin> {
  const init = await p.frontend('/login/init', {});
  expectStatus(init, 200);
  const start = await p.frontend('/login/start', { processId: init.body.processId, identifier });
  expectStatus(start, 200);
  if (start.body.status !== 'ok') throw new Error(`login/start answered ${JSON.stringify(start.body)}`);
  return { processId: init.body.processId, options: start.body.assertionOptions, challengeId: start.body.challengeId, conditionalUIChallenge: init.body.conditionalUIChallenge };
}

/** Identifier-first login end to end; returns the finish answer. */
export async function login(
  p: TestProject,
  authenticator: SoftAuthenticator,
  identifier: string,
  params: Partial<GetAssertionParams> = {},
): Promise<HttpAnswer> {
  const started = await startLogin(p, identifier);
  const response = authenticator.getAssertion(started.options, { origin: p.project.origins[0]!, ...params });
  return p.frontend('/login/finish', { processId: started.processId, assertionResponse: response, isConditionalUI: false });
}

/** Conditional UI (autofill) login end to end: answers init's challenge, no identifier. */
export async function loginConditional(p: TestProject, authenticator: SoftAuthenticator, params: Partial<GetAssertionParams> = {}): Promise<HttpAnswer> {
  const init = await p.frontend('/login/init', {});
  expectStatus(init, 200);
  const response = authenticator.getAssertion(init.body.conditionalUIChallenge, { origin: p.project.origins[0]!, ...params });
  return p.frontend('/login/finish', { processId: init.body.processId, assertionResponse: response, isConditionalUI: true });
}

/** A fresh signedPasskeyData for `identifier` (appending a passkey first when the authenticator has none). */
export async function signedPasskeyData(p: TestProject, authenticator: SoftAuthenticator, identifier: string): Promise<string> {
  if (authenticator.credentials.length === 0) expectStatus(await appendPasskey(p, authenticator, identifier), 200);
  const answer = await login(p, authenticator, identifier);
  expectStatus(answer, 200);
  return answer.body.signedPasskeyData as string;
}

const authenticators = new Map<string, SoftAuthenticator>();

/** A fresh signedPasskeyData for `identifier`, from one authenticator kept per project and identifier. */
export function tokenFor(p: TestProject, identifier: string): Promise<string> {
  const key = `${p.project.id}/${identifier}`;
  if (!authenticators.has(key)) authenticators.set(key, new SoftAuthenticator());
  return signedPasskeyData(p, authenticators.get(key)!, identifier);
}

/** The claims of a JWS, decoded without any check: for reading tokens in tests. */
export const claimsOf = (jwt: string): any => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));

export function verify(p: TestProject, token: string, username?: string, secret?: string): Promise<HttpAnswer> {
  return p.backend('POST', '/passkey/verifySignedData', { signedPasskeyData: token, ...(username !== undefined ? { username } : {}) }, secret ? { secret } : {});
}

export function expectStatus(answer: HttpAnswer, status: number): void {
  if (answer.status !== status) throw new Error(`expected HTTP ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
}
