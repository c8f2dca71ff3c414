import { TEST_ORIGIN, type TestLatchkey, type TestProject } from '@latchkey/test-support';
import { SoftAuthenticator } from '@latchkey/testkit';
import { clientFor } from './latchkey.js';

/**
 * Real passkey ceremonies against a real Latchkey: the app's backend (this SDK) makes a connect
 * token, a "browser" (plain fetch with the page's Origin) drives the Frontend API, and the
 * software authenticator answers with genuine WebAuthn responses.
 */

export async function frontend(latchkey: TestLatchkey, project: TestProject, path: string, body: unknown): Promise<any> {
  const response = await fetch(`${latchkey.url}/v2/connect${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: TEST_ORIGIN, 'x-project-id': project.id },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

/** Adds a passkey for `identifier` (creating the user) with a connect token of type passkey-append. */
export async function appendPasskey(latchkey: TestLatchkey, project: TestProject, authenticator: SoftAuthenticator, identifier: string): Promise<any> {
  const token = await clientFor(latchkey, project).connectTokens.create('passkey-append', { identifier, displayName: identifier });
  const init = await frontend(latchkey, project, '/append/init', { connectToken: token.secret });
  const start = await frontend(latchkey, project, '/append/start', { processId: init.processId });
  const attestationResponse = authenticator.createCredential(start.attestationOptions, { origin: TEST_ORIGIN });
  const finish = await frontend(latchkey, project, '/append/finish', { processId: init.processId, attestationResponse });
  return finish.passkey;
}

/** Identifier-first passkey login; returns the signedPasskeyData the page would send to the app. */
export async function loginWithPasskey(latchkey: TestLatchkey, project: TestProject, authenticator: SoftAuthenticator, identifier: string): Promise<string> {
  const init = await frontend(latchkey, project, '/login/init', {});
  const start = await frontend(latchkey, project, '/login/start', { processId: init.processId, identifier });
  if (start.status !== 'ok') throw new Error(`login/start answered ${JSON.stringify(start)}`);
  const assertionResponse = authenticator.getAssertion(start.assertionOptions, { origin: TEST_ORIGIN });
  const finish = await frontend(latchkey, project, '/login/finish', { processId: init.processId, assertionResponse, isConditionalUI: false });
  return finish.signedPasskeyData as string;
}

const authenticators = new Map<string, SoftAuthenticator>();

/** A fresh signedPasskeyData for `identifier`: appends a passkey on first use, then logs in. */
export async function freshToken(latchkey: TestLatchkey, identifier: string, project: TestProject = latchkey.project): Promise<string> {
  const key = `${project.id}/${identifier}`;
  let authenticator = authenticators.get(key);
  if (!authenticator) {
    authenticator = new SoftAuthenticator();
    authenticators.set(key, authenticator);
    await appendPasskey(latchkey, project, authenticator, identifier);
  }
  return loginWithPasskey(latchkey, project, authenticator, identifier);
}
