import type { Project } from '../src/projects/project.js';
import { describe, expect, it } from 'vitest';
import type { Run } from './helpers/cli-process.js';
import { cliSuite, ORIGINS, SLOW, type Created } from './helpers/cli-suite.js';
import { projectClient } from './helpers/http-client.js';

/**
 * `latchkey project create / list / show / update` as an operator runs them: `node bin/latchkey.js …`
 * in child processes, on the store this run tests, with `latchkey serve` beside them to show that
 * the running server honours a change. (The CLI suite is split by concern: cli-*.test.ts.)
 */

const suite = cliSuite();
const { cli, cliJson, cliFails } = suite;

describe('latchkey project', () => {
  it('create --json prints exactly one JSON object with the project id and the API secret', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Shop', '--rp-id', 'localhost', ...ORIGINS]);
    expect(created.projectId).toMatch(/^pro-\d{19}$/);
    expect(created.apiSecret).toMatch(/^latchkey1_[0-9A-Za-z]{40}$/);
    expect(created.project).toMatchObject({
      id: created.projectId,
      name: 'Shop',
      rpId: 'localhost',
      rpName: 'Shop',
      origins: ['http://localhost:3000', 'http://localhost:4000'],
      tokenTtl: 300,
    });
  });

  it('create honours --rp-name and --token-ttl', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Blog', '--rp-id', 'localhost', '--origin', 'http://localhost:3000', '--rp-name', 'My Blog', '--token-ttl', '120']);
    const shown = await cliJson<{ project: Project }>(['project', 'show', created.projectId]);
    expect(shown.project).toMatchObject({ id: created.projectId, name: 'Blog', rpName: 'My Blog', tokenTtl: 120, origins: ['http://localhost:3000'] });
  });

  it('list, show and update (--origin replaces the whole list)', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Forum', '--rp-id', 'localhost', ...ORIGINS]);
    const [listed, shown] = await Promise.all([cliJson<{ projects: Project[] }>(['project', 'list']), cliJson<{ project: Project }>(['project', 'show', created.projectId])]);
    expect(listed.projects).toContainEqual(created.project);
    expect(shown.project).toEqual(created.project);

    const updated = await cliJson<{ project: Project }>(['project', 'update', created.projectId, '--origin', 'https://a.localhost', '--token-ttl', '200']);
    expect(updated.project).toMatchObject({ id: created.projectId, name: 'Forum', rpId: 'localhost', origins: ['https://a.localhost'], tokenTtl: 200 });
    expect((await cliJson<{ project: Project }>(['project', 'show', created.projectId])).project).toEqual(updated.project);
  });

  it('refuses bad input with a non-zero exit, the reason on stderr and nothing on stdout', async () => {
    const before = await cliJson<{ projects: Project[] }>(['project', 'list']);
    const create = (...extra: string[]) => ['project', 'create', '--name', 'Bad', '--json', ...extra];
    const [insecureOrigin, uncovered, longTtl, unknown] = await Promise.all([
      cliFails(create('--rp-id', 'evil.com', '--origin', 'http://evil.com')),
      cliFails(create('--rp-id', 'example.com', '--origin', 'https://app.other.com')),
      cliFails(create('--rp-id', 'localhost', '--origin', 'http://localhost:3000', '--token-ttl', '601')),
      cliFails(['project', 'show', 'pro-1000000000000000000', '--json']),
    ]);
    expect(insecureOrigin).toContain('http://evil.com');
    expect(insecureOrigin).toMatch(/must use https/);
    expect(uncovered).toMatch(/RP ID "example\.com" does not cover origin https:\/\/app\.other\.com/);
    expect(longTtl).toMatch(/token lifetime .* 10 to 600/);
    expect(unknown).toMatch(/no project pro-1000000000000000000/);
    // Nothing was half-created.
    expect((await cliJson<{ projects: Project[] }>(['project', 'list'])).projects).toEqual(before.projects);
  });
});

describe('latchkey project update', () => {
  it('changes every setting: name, RP name, origins added / removed / replaced, token lifetime', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Settings', '--rp-id', 'localhost', ...ORIGINS]);
    const update = (...args: string[]) => cliJson<{ project: Project }>(['project', 'update', created.projectId, ...args]);
    expect((await update('--name', 'Renamed', '--rp-name', 'Renamed shop')).project).toMatchObject({ name: 'Renamed', rpName: 'Renamed shop', origins: created.project.origins });
    // Added origins are normalised (no trailing slash, lower-case host) and listed once.
    expect((await update('--add-origin', 'https://App.localhost/', '--add-origin', 'http://localhost:3000')).project.origins).toEqual([
      'http://localhost:3000', 'http://localhost:4000', 'https://app.localhost',
    ]);
    expect((await update('--remove-origin', 'http://localhost:4000/', '--token-ttl', '60')).project).toMatchObject({ origins: ['http://localhost:3000', 'https://app.localhost'], tokenTtl: 60 });
    expect((await update('--origin', 'https://login.localhost')).project.origins).toEqual(['https://login.localhost']);
    const shown = (await cliJson<{ project: Project }>(['project', 'show', created.projectId])).project;
    expect(shown).toMatchObject({ id: created.projectId, name: 'Renamed', rpName: 'Renamed shop', rpId: 'localhost', origins: ['https://login.localhost'], tokenTtl: 60 });
    expect(shown.updatedAt).toBeGreaterThanOrEqual(shown.createdAt);
    // The running server honours the new origins at once.
    const p = projectClient(suite.server.url, shown, created.apiSecret);
    expect((await p.frontend('/login/init', {}, { origin: 'https://login.localhost' })).status).toBe(200);
    expect((await p.frontend('/login/init', {}, { origin: 'http://localhost:3000' })).body.error.code).toBe('origin_not_allowed');
  }, SLOW);

  it('validates like create: refused changes exit 2 with the reason, and change nothing', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Strict', '--rp-id', 'localhost', '--origin', 'http://localhost:3000']);
    const id = created.projectId;
    const refused = [
      ['--add-origin', 'http://app.example.com'],
      ['--add-origin', 'https://app.example.com'],
      ['--remove-origin', 'http://localhost:3000'],
      ['--remove-origin', 'http://localhost:9999'],
      ['--token-ttl', '601'],
      ['--name', '   '],
      ['--origin', 'https://a.localhost/path'],
      ['--name', 'Never', '--add-origin', 'ftp://localhost'],
    ];
    // One after another: a loaded machine must not turn this into a test of process start-up.
    const refusals: Run[] = [];
    for (const args of refused) refusals.push(await cli(['project', 'update', id, ...args]));
    const messages = refusals.map((run: Run) => {
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toBe('');
      return run.stderr;
    });
    expect(messages).toEqual([
      expect.stringMatching(/"http:\/\/app\.example\.com" must use https/),
      expect.stringMatching(/RP ID "localhost" does not cover origin https:\/\/app\.example\.com/),
      expect.stringMatching(/a project needs at least one origin/),
      expect.stringMatching(/http:\/\/localhost:9999 is not one of the project's origins \(http:\/\/localhost:3000\)/),
      expect.stringMatching(/token lifetime .* 10 to 600/),
      expect.stringMatching(/project name must be 1 to 200 characters/),
      expect.stringMatching(/must be an origin only/),
      expect.stringMatching(/must use https/),
    ]);
    expect((await cliJson<{ project: Project }>(['project', 'show', id])).project).toEqual(created.project);
  }, SLOW);

  it('concurrent --add-origin updates all land', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Concurrent', '--rp-id', 'localhost', '--origin', 'http://localhost:3000']);
    const added = ['https://a.localhost', 'https://b.localhost', 'https://c.localhost'];
    await Promise.all(added.map((origin) => cliJson(['project', 'update', created.projectId, '--add-origin', origin])));
    const { project } = await cliJson<{ project: Project }>(['project', 'show', created.projectId]);
    expect([...project.origins].sort()).toEqual(['http://localhost:3000', ...added].sort());
  }, SLOW);

  it('an unknown project: exit 3', async () => {
    expect(await cliFails(['project', 'update', 'pro-1000000000000000000', '--name', 'X'])).toMatch(/no project pro-1000000000000000000/);
  });
});
