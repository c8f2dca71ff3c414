/** The kinds of connect token an app's backend creates for the browser (docs/api.md). */
export type ConnectTokenType = 'passkey-append' | 'passkey-list' | 'passkey-delete' | 'passkey-rename';

/** A project on a test Latchkey, with its API secret and the Backend API calls tests make most. */
export interface TestProject {
  id: string;
  /** The project's first API secret (`latchkey1_…`), as `project create` prints it once. */
  apiSecret: string;
  /** The origins the project accepts ceremonies from (RP ID `localhost`). */
  origins: string[];
  /** A Backend API call (`path` below /v2) with this project's Basic credentials: status and parsed body. */
  backend<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** A connect token secret (`ctk1_…`) for `identifier`; the user is created by a passkey-append token. */
  connectToken(type: ConnectTokenType, identifier: string): Promise<string>;
}

/**
 * Backend API access for a project of the Latchkey at `url`. Over plain fetch on purpose: the SDK
 * suites test their own client, and their set-up must not depend on the code under test.
 */
export function testProject(url: string, id: string, apiSecret: string, origins: string[]): TestProject {
  const authorization = `Basic ${Buffer.from(`${id}:${apiSecret}`).toString('base64')}`;
  async function backend<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${url}/v2${path}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  }
  async function connectToken(type: ConnectTokenType, identifier: string): Promise<string> {
    const answer = await backend<{ secret: string }>('POST', '/connectTokens', { type, data: { identifier } });
    if (answer.status !== 201) throw new Error(`connect token: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.secret;
  }
  return { id, apiSecret, origins, backend, connectToken };
}
