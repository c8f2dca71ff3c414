import type { JsonClient } from '../lib/http.js';
import type { Target } from '../targets/target.js';
import type { LoadErrors } from './errors.js';
import type { UserPool } from './users.js';

/**
 * One whole identifier-first login as a browser runs it: init → start → the authenticator signs
 * the assertion (here, on the load core) → finish. Returns the signedPasskeyData, or undefined
 * after recording what went wrong.
 */
export async function loginOnce(target: Target, client: JsonClient, users: UserPool, errors: LoadErrors): Promise<string | undefined> {
  const user = await users.acquire();
  const headers = { 'x-project-id': target.projectId, origin: target.origin };
  try {
    const init = await client.post('/v2/connect/login/init', {}, headers);
    if (init.status !== 200) return void errors.add('login/init', `${init.status} ${JSON.stringify(init.body)}`);
    const start = await client.post('/v2/connect/login/start', { processId: init.body.processId, identifier: user.identifier }, headers);
    if (start.status !== 200 || start.body.status !== 'ok') return void errors.add('login/start', `${start.status} ${JSON.stringify(start.body)}`);
    const assertionResponse = user.authenticator.getAssertion(start.body.assertionOptions, { origin: target.origin });
    const finish = await client.post('/v2/connect/login/finish', { processId: init.body.processId, assertionResponse, isConditionalUI: false }, headers);
    if (finish.status !== 200 || typeof finish.body.signedPasskeyData !== 'string') {
      return void errors.add('login/finish', `${finish.status} ${JSON.stringify(finish.body)}`);
    }
    return finish.body.signedPasskeyData as string;
  } catch (error) {
    errors.add('login', (error as Error).message);
    return undefined;
  } finally {
    users.release(user);
  }
}

/** One verification of a fresh token: anything but 200 `success` with a user id is an error. */
export async function verifyOnce(target: Target, client: JsonClient, authorization: string, token: string, errors: LoadErrors): Promise<boolean> {
  try {
    const answer = await client.post('/v2/passkey/verifySignedData', { signedPasskeyData: token }, { authorization });
    if (answer.status !== 200 || answer.body.verificationResult !== 'success' || !answer.body.userID) {
      errors.add('verifySignedData', `${answer.status} ${JSON.stringify(answer.body)}`);
      return false;
    }
    return true;
  } catch (error) {
    errors.add('verifySignedData', (error as Error).message);
    return false;
  }
}

export const basicAuth = (target: Target) => `Basic ${Buffer.from(`${target.projectId}:${target.secret}`).toString('base64')}`;
