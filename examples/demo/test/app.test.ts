import { join } from 'node:path';
import { createClient } from '@latchkey/node';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './helpers/stack.js';

/**
 * The app's own auth over plain HTTP (no browser): how it stores passwords and sessions, what its
 * cookie looks like, and how its Latchkey routes guard themselves.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
  redirect: 'manual' as const,
});

function sessionFrom(response: Response): string | undefined {
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('demo_session='));
  return cookie?.slice('demo_session='.length).split(';')[0] || undefined;
}

async function signUp(email: string, password = 'correct horse battery'): Promise<{ response: Response; cookie: string }> {
  const response = await fetch(`${stack.demo.url}/signup`, form({ email, displayName: 'Test Person', password }));
  return { response, cookie: sessionFrom(response)! };
}

const get = (path: string, cookie?: string) =>
  fetch(`${stack.demo.url}${path}`, { redirect: 'manual', headers: cookie ? { cookie: `demo_session=${cookie}` } : {} });

const db = () => new Database(join(stack.dir, 'demo', 'demo.sqlite'), { readonly: true });

describe('password accounts', () => {
  it('signs up, sets an HttpOnly SameSite=Lax session cookie and shows the account page', async () => {
    const { response, cookie } = await signUp(' Alice@Example.com ');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account?welcome');
    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('demo_session='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\//);
    const page = await get('/account', cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('alice@example.com'); // normalised once, used everywhere
    expect(html).toContain('<latchkey-append');
    expect(html).toContain('<latchkey-passkey-list');
  });

  it('stores a salted scrypt hash, never the password, and only a hash of the session id', async () => {
    const { cookie } = await signUp('bob@example.com', 'another long password');
    await signUp('carol@example.com', 'another long password');
    const conn = db();
    try {
      const rows = conn.prepare("SELECT email, password_hash FROM accounts WHERE email IN ('bob@example.com','carol@example.com')").all() as Array<{ password_hash: string }>;
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
        expect(row.password_hash).not.toContain('another long password');
      }
      expect(rows[0]!.password_hash.split('$')[4]).not.toBe(rows[1]!.password_hash.split('$')[4]); // per-user salt
      const sessions = conn.prepare('SELECT id_hash FROM sessions').all() as Array<{ id_hash: string }>;
      expect(sessions.length).toBeGreaterThan(0);
      expect(sessions.some((s) => s.id_hash === cookie)).toBe(false);
      expect(cookie).toMatch(/^[\w-]{43}$/); // 32 random bytes
    } finally {
      conn.close();
    }
  });

  it('refuses a second account for the same address, and weak passwords', async () => {
    const again = await signUp('ALICE@example.com');
    expect(again.response.status).toBe(409);
    expect(again.cookie).toBeUndefined();
    expect(await again.response.text()).toContain('already exists');
    const weak = await fetch(`${stack.demo.url}/signup`, form({ email: 'dave@example.com', password: 'short' }));
    expect(weak.status).toBe(400);
    expect(await weak.text()).toContain('at least 10 characters');
  });

  it('logs in with the password; a wrong password or unknown address gets the same answer and no cookie', async () => {
    const ok = await fetch(`${stack.demo.url}/login`, form({ email: 'alice@example.com', password: 'correct horse battery' }));
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/account');
    expect(sessionFrom(ok)).toBeDefined();
    for (const fields of [
      { email: 'alice@example.com', password: 'wrong password!!' },
      { email: 'nobody@example.com', password: 'correct horse battery' },
    ]) {
      const refused = await fetch(`${stack.demo.url}/login`, form(fields));
      expect(refused.status).toBe(401);
      expect(sessionFrom(refused)).toBeUndefined();
      const html = await refused.text();
      expect(html).toContain('That e-mail address and password do not match an account.');
      expect(html).toContain(`value="${fields.email}"`); // prefilled for the next try
    }
  });

  it('shows the password form without script when asked (?password)', async () => {
    const plain = await (await get('/login')).text();
    expect(plain).toMatch(/<section [^>]*id="password-login" hidden>/);
    const asked = await (await get('/login?password')).text();
    expect(asked).toMatch(/<section [^>]*id="password-login">/);
    expect(asked).toContain('<a href="/login?password" id="use-password" hidden>');
  });

  it('logging out deletes the session: the old cookie no longer opens the account page', async () => {
    const { cookie } = await signUp('erin@example.com');
    expect((await get('/account', cookie)).status).toBe(200);
    const out = await fetch(`${stack.demo.url}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie: `demo_session=${cookie}` } });
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie().join()).toMatch(/demo_session=;/);
    const after = await get('/account', cookie);
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/login?expired');
  });
});

describe('guards', () => {
  it('refuses state-changing requests from another origin', async () => {
    const response = await fetch(`${stack.demo.url}/login`, {
      ...form({ email: 'alice@example.com', password: 'correct horse battery' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.localhost:1234' },
    });
    expect(response.status).toBe(403);
    expect(sessionFrom(response)).toBeUndefined();
  });

  it('gives connect tokens only to a logged-in user, for that user', async () => {
    const anonymous = await fetch(`${stack.demo.url}/api/latchkey/connect-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'passkey-append' }),
    });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('not_logged_in');

    const { cookie } = await signUp('frank@example.com');
    const post = (body: unknown) =>
      fetch(`${stack.demo.url}/api/latchkey/connect-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: `demo_session=${cookie}` },
        body: JSON.stringify(body),
      });
    const token = await post({ type: 'passkey-append' });
    expect(token.status).toBe(200);
    expect(((await token.json()) as { secret: string }).secret).toMatch(/^ctk1_/);
    // The browser names the operation, never the user: an identifier it sends is ignored.
    expect((await post({ type: 'passkey-append', identifier: 'alice@example.com' })).status).toBe(200);
    expect((await post({ type: 'admin' })).status).toBe(400);
    const latchkey = createClient({ baseUrl: stack.latchkey.url, projectId: stack.projectId, apiSecret: stack.apiSecret });
    expect(await latchkey.connectTokens.list('frank@example.com')).toHaveLength(2);
    expect(await latchkey.connectTokens.list('alice@example.com')).toHaveLength(0);
  });

  it('refuses a made-up signedPasskeyData with Latchkey\'s verdict and sets no cookie', async () => {
    const response = await fetch(`${stack.demo.url}/api/passkey-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ signedPasskeyData: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln', identifier: 'alice@example.com' }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ verificationResult: 'invalidSignature', error: { code: 'passkey_login_refused' } });
    expect(sessionFrom(response)).toBeUndefined();
  });

  it('serves pages with a strict CSP, and the web components bundle', async () => {
    const page = await get('/login');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ${new URL(stack.latchkey.url).origin}`);
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).toContain(`<latchkey-login base-url="${stack.latchkey.url}" project-id="${stack.projectId}">`);
    const bundle = await get('/latchkey-elements.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect(await bundle.text()).toContain('latchkey-login');
  });
});
