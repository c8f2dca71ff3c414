import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USERS_PAGE } from '../src/console/http/user-routes.js';
import { prefixSuccessor } from '../src/users/prefix-successor.js';
import { prefixQuery } from '../src/users/search-users.js';
import { findOrCreateUser } from '../src/users/users.js';
import { signInAdmin, type ConsoleAdmin } from './helpers/console.js';
import { expectError } from './helpers/http-client.js';
import { startTestServer, type TestServer } from './helpers/harness.js';

/** The console's user search by identifier prefix, over real HTTP, on SQLite and PostgreSQL. */
let server: TestServer;
let owner: ConsoleAdmin;
let projectId: string;

const IDENTIFIERS = ['a_%x', 'aXb', 'a_b', 'ab', 'abc', 'Abc', 'b', 'a%', 'a\\_', 'añ', 'a😀'];

beforeAll(async () => {
  server = await startTestServer();
  owner = await signInAdmin(server, 'owner@example.com');
  projectId = server.main.project.id;
  for (const identifier of IDENTIFIERS) await findOrCreateUser(server.ctx, projectId, identifier, identifier);
  // More than two pages that share a prefix, in an order that is not their creation order.
  for (let i = USERS_PAGE * 2 + 5; i > 0; i--) await findOrCreateUser(server.ctx, projectId, `page-${String(i).padStart(3, '0')}@example.com`, `p${i}`);
});
afterAll(async () => server?.close());

const search = async (prefix: string, cursor?: string) => {
  const query = new URLSearchParams({ prefix, ...(cursor ? { cursor } : {}) });
  const answer = await owner.call('GET', `/projects/${projectId}/users?${query}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as { users: Array<{ identifier: string }>; nextCursor: string | null };
};
const identifiers = (page: { users: Array<{ identifier: string }> }) => page.users.map((u) => u.identifier);

describe('user search by identifier prefix', () => {
  it('finds the identifiers that start with the prefix, in code point order, case as stored', async () => {
    expect(identifiers(await search('ab'))).toEqual(['ab', 'abc']);
    expect(identifiers(await search('Ab'))).toEqual(['Abc']);
    expect(identifiers(await search('a'))).toEqual(['a%', 'aXb', 'a\\_', 'a_%x', 'a_b', 'ab', 'abc', 'añ', 'a😀']);
    expect(identifiers(await search('a😀'))).toEqual(['a😀']);
  });

  it('treats LIKE wildcards and backslashes as the characters they are', async () => {
    expect(identifiers(await search('a_%'))).toEqual(['a_%x']);
    expect(identifiers(await search('a_'))).toEqual(['a_%x', 'a_b']);
    expect(identifiers(await search('a%'))).toEqual(['a%']);
    expect(identifiers(await search('a\\'))).toEqual(['a\\_']);
  });

  it('pages across the matches with the cursor, none twice, none missed', async () => {
    const seen: string[] = [];
    let page = await search('page-');
    const pages = [page.users.length];
    seen.push(...identifiers(page));
    while (page.nextCursor) {
      page = await search('page-', page.nextCursor);
      pages.push(page.users.length);
      seen.push(...identifiers(page));
    }
    expect(pages).toEqual([USERS_PAGE, USERS_PAGE, 5]);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(USERS_PAGE * 2 + 5);
    expect(seen[0]).toBe('page-001@example.com');
  });

  it('answers an empty page for a prefix nobody has, and refuses a made-up cursor', async () => {
    expect(await search('zz')).toEqual({ users: [], nextCursor: null });
    expectError(await owner.call('GET', `/projects/${projectId}/users?prefix=a&cursor=idf.%2F%2F`), 400, 'invalid_cursor');
    expectError(await owner.call('GET', `/projects/${projectId}/users?prefix=a&cursor=use-123`), 400, 'invalid_cursor');
    expectError(await owner.call('GET', `/projects/${projectId}/users?prefix=`), 400, 'invalid_request');
  });

  it('reads an index range, not the table', async () => {
    const compiled = prefixQuery(server.ctx, projectId, 'page-', undefined, USERS_PAGE + 1).compile();
    if (server.ctx.store.dialect === 'sqlite') {
      const plan = await server.ctx.store.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]));
      const details = plan.rows.map((r) => r.detail).join('\n');
      expect(details).toMatch(/SEARCH users USING INDEX \S+ \(project_id=\? AND identifier>\? AND identifier<\?\)/);
      expect(details).not.toMatch(/TEMP B-TREE/);
    } else {
      const plan = await server.ctx.store.db.transaction().execute(async (trx) => {
        // A few hundred rows: the planner may prefer reading them all. Asked not to, it must still find an index.
        await trx.executeQuery(CompiledQuery.raw('set local enable_seqscan = off'));
        return trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]));
      });
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toMatch(/Index (Only )?Scan using users_project_identifier_c/);
      expect(text).not.toMatch(/Sort/);
    }
  });
});

describe('prefixSuccessor', () => {
  it('raises the last code point, skipping surrogates and dropping U+10FFFF', () => {
    expect(prefixSuccessor('ab')).toBe('ac');
    expect(prefixSuccessor('a\u{10FFFF}')).toBe('b');
    expect(prefixSuccessor('\u{D7FF}')).toBe('\u{E000}');
    expect(prefixSuccessor('😀')).toBe('😁');
    expect(prefixSuccessor('\u{10FFFF}')).toBeUndefined();
  });
});
