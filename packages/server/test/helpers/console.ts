import { SoftAuthenticator } from '@latchkey/testkit';
import { ensureConsoleProject } from '../../src/console/console-project.js';
import { createInvite } from '../../src/console/invites.js';
import { getProject } from '../../src/projects/get-project.js';
import { expectStatus } from './ceremonies.js';
import { httpRequest, projectClient, type HttpAnswer, type TestProject } from './http-client.js';
import type { TestServer } from './harness.js';

/** The console's origin in these tests: what LATCHKEY_PUBLIC_URL would be. */
export const CONSOLE_ORIGIN = 'http://localhost:4400';

export interface ConsoleAdmin {
  email: string;
  cookie: string;
  csrfToken: string;
  authenticator: SoftAuthenticator;
  /** A GET/POST/… to /console/api as this administrator's page would send it. */
  call<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpAnswer<T>>;
  /** A fresh signedPasskeyData of this administrator's passkey. */
  signedPasskeyData(): Promise<string>;
}

export async function consoleProjectOf(server: TestServer): Promise<TestProject> {
  const id = await ensureConsoleProject(server.ctx, CONSOLE_ORIGIN);
  return projectClient(server.url, await getProject(server.ctx, id), '');
}

/** A /console/api request from the console's page (Origin set), with the cookie and CSRF token given. */
export function consoleCall<T = any>(server: TestServer, method: string, path: string, options: { body?: unknown; cookie?: string; csrf?: string; origin?: string | null; headers?: Record<string, string>; raw?: string } = {}): Promise<HttpAnswer<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const origin = options.origin === undefined ? CONSOLE_ORIGIN : options.origin;
  if (origin) headers.origin = origin;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.csrf) headers['x-csrf-token'] = options.csrf;
  return httpRequest<T>(server.url, method, `/console/api${path}`, { headers, ...(options.body !== undefined ? { body: options.body } : {}), ...(options.raw !== undefined ? { raw: options.raw } : {}) });
}

/** Redeems an invite and registers a passkey through the Frontend API, as the invite page does. */
export async function registerAdmin(server: TestServer, email: string, role: 'owner' | 'viewer' = 'owner'): Promise<{ authenticator: SoftAuthenticator; console: TestProject }> {
  const console = await consoleProjectOf(server);
  const invite = await createInvite(server.ctx, email, role);
  const redeemed = await consoleCall(server, 'POST', '/invites/redeem', { body: { token: invite.token } });
  expectStatus(redeemed, 200);
  const authenticator = new SoftAuthenticator();
  const init = await console.frontend('/append/init', { connectToken: redeemed.body.connectToken });
  expectStatus(init, 200);
  const start = await console.frontend('/append/start', { processId: init.body.processId });
  expectStatus(start, 200);
  const finish = await console.frontend('/append/finish', { processId: init.body.processId, attestationResponse: authenticator.createCredential(start.body.attestationOptions, { origin: CONSOLE_ORIGIN }) });
  expectStatus(finish, 200);
  return { authenticator, console };
}

export async function passkeyLogin(console: TestProject, authenticator: SoftAuthenticator, email: string): Promise<string> {
  const init = await console.frontend('/login/init', {});
  const start = await console.frontend('/login/start', { processId: init.body.processId, identifier: email });
  expectStatus(start, 200);
  const finish = await console.frontend('/login/finish', { processId: init.body.processId, assertionResponse: authenticator.getAssertion(start.body.assertionOptions, { origin: CONSOLE_ORIGIN }) });
  expectStatus(finish, 200);
  return finish.body.signedPasskeyData as string;
}

/** Invite → passkey → login: a signed-in administrator. */
export async function signInAdmin(server: TestServer, email: string, role: 'owner' | 'viewer' = 'owner'): Promise<ConsoleAdmin> {
  const { authenticator, console } = await registerAdmin(server, email, role);
  const signedPasskeyData = () => passkeyLogin(console, authenticator, email.toLowerCase());
  const session = await consoleCall(server, 'POST', '/session', { body: { signedPasskeyData: await signedPasskeyData() } });
  expectStatus(session, 200);
  const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0]!;
  const csrfToken = session.body.csrfToken as string;
  return {
    email,
    cookie,
    csrfToken,
    authenticator,
    signedPasskeyData,
    call: (method, path, body, headers) => consoleCall(server, method, path, { cookie, csrf: csrfToken, ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) }),
  };
}
