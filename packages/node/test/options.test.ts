import { readFileSync } from 'node:fs';
import { startLatchkey } from '@latchkey/test-support';
import { describe, expect, it } from 'vitest';
import { createClient, LatchkeyConfigError, LatchkeyError, SDK_VERSION, type ClientOptions } from '../src/index.js';

/** createClient refuses options that could never work, at start-up, before any request. */
const good: ClientOptions = { baseUrl: 'https://auth.example.com', projectId: 'pro-1234567890123456789', apiSecret: 'latchkey1_secret' };

const refusal = (options: unknown) => {
  try {
    createClient(options as ClientOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(LatchkeyConfigError);
    expect(error).toBeInstanceOf(LatchkeyError);
    return (error as LatchkeyConfigError).code;
  }
  return 'accepted';
};

describe('createClient options', () => {
  it('accepts good options, with a base URL path prefix and trailing slash', () => {
    expect(refusal(good)).toBe('accepted');
    expect(refusal({ ...good, baseUrl: 'http://127.0.0.1:4000/auth/' })).toBe('accepted');
    expect(refusal({ ...good, timeoutMs: 1, retries: 0, localJwksCheck: { cooldownMs: 0, cacheMaxAgeMs: 1000 }, fetch })).toBe('accepted');
    expect(createClient(good).projectId).toBe(good.projectId);
  });

  it('refuses a missing or malformed baseUrl', () => {
    for (const baseUrl of [undefined, '', 'auth.example.com', 'ftp://auth.example.com', 'https://user:pw@auth.example.com', 'https://auth.example.com/?x=1', 'https://auth.example.com/#top']) {
      expect(refusal({ ...good, baseUrl })).toBe('invalid_base_url');
    }
  });

  it('refuses a project id that is not pro- and 19 digits', () => {
    for (const projectId of [undefined, '', 'pro-123', 'pro-12345678901234567890', 'usr-1234567890123456789', ' pro-1234567890123456789', 42]) {
      expect(refusal({ ...good, projectId })).toBe('invalid_project_id');
    }
  });

  it('refuses a missing API secret', () => {
    for (const apiSecret of [undefined, '', '   ', 'abc\ndef', 7]) expect(refusal({ ...good, apiSecret })).toBe('invalid_api_secret');
  });

  it('refuses out-of-range numbers and wrong types', () => {
    for (const bad of [{ timeoutMs: 0 }, { timeoutMs: 1.5 }, { timeoutMs: '100' }, { retries: -1 }, { retries: 11 }, { retries: NaN }, { localJwksCheck: 'yes' }, { localJwksCheck: { cooldownMs: -1 } }, { fetch: 'fetch' }]) {
      expect(refusal({ ...good, ...bad })).toBe('invalid_option');
    }
    expect(refusal(undefined)).toBe('invalid_option');
  });

  it('error messages name the problem', () => {
    expect(() => createClient({ ...good, projectId: 'pro-1' })).toThrow(/pro-.*19 digits/);
  });
});

describe('requests', () => {
  it('go through the fetch given, with Basic auth of project id and secret, and a User-Agent', async () => {
    const latchkey = await startLatchkey();
    try {
      const seen: Array<{ url: string; headers: Headers }> = [];
      const client = createClient({
        baseUrl: `${latchkey.url}/`,
        projectId: latchkey.project.id,
        apiSecret: latchkey.project.apiSecret,
        fetch: (input, init) => {
          seen.push({ url: String(input), headers: new Headers(init?.headers) });
          return fetch(input, init);
        },
      });
      expect((await client.users.list()).users).toEqual([]);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.url).toBe(`${latchkey.url}/v2/users`);
      expect(seen[0]!.headers.get('authorization')).toBe(`Basic ${Buffer.from(`${latchkey.project.id}:${latchkey.project.apiSecret}`).toString('base64')}`);
      expect(seen[0]!.headers.get('user-agent')).toBe(`latchkey-node/${SDK_VERSION}`);
    } finally {
      await latchkey.close();
    }
  });

  it('SDK_VERSION is the package’s version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(SDK_VERSION).toBe(pkg.version);
  });
});
