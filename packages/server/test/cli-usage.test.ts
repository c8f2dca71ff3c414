import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENVIRONMENT } from '../src/config/environment.js';
import { killAllCliProcesses, runCli, runCliFails, runCliJson, type RunOptions } from './helpers/cli-process.js';

/**
 * The `latchkey` command's own surface, in child processes: --version, --help, usage errors and
 * reading its configuration. None of it depends on the store, so this file runs once (in the
 * `sqlite` project; vitest.config.ts keeps it out of the `postgres` one), on SQLite files of its
 * own. Commands that work on a store are in cli.test.ts, which runs on both stores.
 */

const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-usage-'));
  dirs.push(dir);
  return dir;
}

/** A directory without a .env, with a SQLite file of its own. */
const quietDir = tempDir();
const defaults = (options: Partial<RunOptions> = {}): RunOptions => ({ db: `file:${join(quietDir, 'latchkey.sqlite')}`, cwd: quietDir, ...options });
const cli = (args: string[], options?: Partial<RunOptions>) => runCli(args, defaults(options));
const cliJson = <T = any>(args: string[], options?: Partial<RunOptions>) => runCliJson<T>(args, defaults(options));
const cliFails = (args: string[], options?: Partial<RunOptions>) => runCliFails(args, defaults(options));

/** For tests that run several CLI processes one after another. */
const SLOW = 180_000;

afterAll(() => {
  killAllCliProcesses();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('latchkey --version and --help', () => {
  it('--version prints the package.json version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const run = await cli([flag]);
      expect(run).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  }, SLOW);

  it('--help lists every environment variable with its default, and the exit codes', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    for (const variable of ENVIRONMENT) {
      expect(run.stdout).toMatch(new RegExp(`^  ${variable.name} +${variable.default.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +\\S`, 'm'));
    }
    expect(run.stdout).toMatch(/LATCHKEY_PORT +4000 /);
    expect(run.stdout).toMatch(/^Exit codes:$/m);
    for (const code of ['0', '1', '2', '3']) expect(run.stdout).toMatch(new RegExp(`^  ${code}  \\S`, 'm'));
    // Every command, including project delete and serve --demo, explains itself.
    expect((await cli(['project', 'delete', '--help'])).stdout).toContain('--yes');
    expect((await cli(['serve', '--help'])).stdout).toMatch(/--demo +create a demo project/);
  }, SLOW);
});

describe('bad command lines: one line saying what was wrong and what is accepted, exit code 2', () => {
  const P = 'pro-1000000000000000000';
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown command', ['frobnicate'], /^latchkey: unknown command 'frobnicate'; accepted: latchkey serve\|migrate\|project\|secret\|keys\|prune\|policy\|report\|attestation\|mds\|passkeys\|admin /],
    ['a group without its command', ['project'], /^latchkey: a command is missing; accepted: latchkey project create\|list\|show\|update\|well-known\|delete /],
    ['unknown option', ['keys', 'list', '--project', P, '--verbose'], /^latchkey: unknown option '--verbose'; accepted: latchkey keys list --project <id> \[--json\] /],
    ['a misspelt required option', ['project', 'create', '--nme', 'Shop', '--rp-id', 'localhost'], /^latchkey: unknown option '--nme'; accepted: latchkey project create --name <name> --rp-id <domain> --origin <url> \[--rp-name <name>\] \[--token-ttl <seconds>\] \[--related-origin <url>\] \[--android-app <package:sha256>\] \[--ios-app <teamid.bundle>\] \[--json\] /],
    ['a missing required option', ['secret', 'list'], /^latchkey: required option '--project <id>' not specified; accepted: latchkey secret list --project <id> \[--json\] /],
    ['an option without its value', ['project', 'create', '--name'], /^latchkey: option '--name <name>' argument missing; accepted: latchkey project create /],
    ['a missing argument', ['project', 'show'], /^latchkey: missing required argument 'id'; accepted: latchkey project show <id> \[--json\] /],
    ['too many arguments', ['project', 'show', P, 'extra'], /^latchkey: too many arguments for 'show'\. Expected 1 argument but got 2; accepted: latchkey project show <id> /],
    ['a malformed project id argument', ['project', 'show', 'shop'], /^latchkey: command-argument value 'shop' is invalid for argument 'id'\. expected a project id: "pro-" and 19 digits/],
    ['a malformed --project', ['keys', 'rotate', '--project', 'pro-12'], /^latchkey: option '--project <id>' argument 'pro-12' is invalid\. expected a project id: "pro-" and 19 digits/],
    ['a malformed secret id', ['secret', 'revoke', '--project', P, 'latchkey1_abc'], /^latchkey: command-argument value 'latchkey1_abc' is invalid for argument 'secretId'\. expected an API secret id: "sec-" and 19 digits/],
    ['a token lifetime that is not a number', ['project', 'update', P, '--token-ttl', '5m'], /^latchkey: option '--token-ttl <seconds>' argument '5m' is invalid\. expected a whole number/],
    ['update with nothing to change', ['project', 'update', P], /^latchkey: nothing to change; accepted: latchkey project update <id> \[--name <name>\] \[--rp-name <name>\] \[--origin <url>\] \[--add-origin <url>\] \[--remove-origin <url>\] \[--token-ttl <seconds>\] \[--add-related-origin <url>\] \[--remove-related-origin <url>\] \[--add-android-app <package:sha256>\] \[--remove-android-app <package\[:sha256\]>\] \[--add-ios-app <teamid.bundle>\] \[--remove-ios-app <teamid.bundle>\] \[--json\] /],
    ['--origin together with --add-origin', ['project', 'update', P, '--origin', 'https://a.localhost', '--add-origin', 'https://b.localhost'], /^latchkey: --origin replaces the list: use it alone, or --add-origin \/ --remove-origin; accepted: /],
    ['an unknown well-known document', ['project', 'well-known', P, '--only', 'robots.txt'], /^latchkey: option '--only <document>' argument 'robots\.txt' is invalid\. expected one of assetlinks, apple-app-site-association, webauthn/],
    ['delete without --yes and without a terminal', ['project', 'delete', P], /^latchkey: project delete asks for confirmation in a terminal; pass --yes to delete pro-1000000000000000000 without asking\n$/],
  ];

  it.each(cases)('%s', async (_, args, expected) => {
    const run = await cli(args);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.endsWith('\n')).toBe(true);
    expect(run.stderr.trimEnd().split('\n'), run.stderr).toHaveLength(1);
    expect(run.stderr).toMatch(expected);
  });

  it('a well-formed id that does not exist is not a usage error: exit 3', async () => {
    const run = await cli(['project', 'show', P]);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(`latchkey: no project ${P} (project_not_found)\n`);
  });
});

describe('configuration', () => {
  it('reads a .env file in the working directory; a real environment variable wins over it', async () => {
    const fromFile = tempDir();
    const overridden = tempDir();
    for (const dir of [fromFile, overridden]) writeFileSync(join(dir, '.env'), 'LATCHKEY_DATABASE_URL=file:./from-env.sqlite\n');
    const realFile = join(overridden, 'from-real-env.sqlite');
    const [a, b] = await Promise.all([
      cliJson<{ applied: string[] }>(['migrate'], { cwd: fromFile, env: { LATCHKEY_DATABASE_URL: undefined } }),
      cliJson<{ applied: string[] }>(['migrate'], { cwd: overridden, db: `file:${realFile}` }),
    ]);
    expect(a.applied).toContain('0001-initial');
    expect(b.applied).toContain('0001-initial');
    expect(existsSync(join(fromFile, 'from-env.sqlite'))).toBe(true);
    expect(existsSync(realFile)).toBe(true);
    expect(existsSync(join(overridden, 'from-env.sqlite'))).toBe(false);
  });

  it('refuses a bad setting, naming the variable and what it should be', async () => {
    const [port, url] = await Promise.all([
      cliFails(['serve'], { env: { LATCHKEY_PORT: 'abc' } }),
      cliFails(['serve'], { db: 'mysql://x' }),
    ]);
    expect(port).toMatch(/LATCHKEY_PORT/);
    expect(port).toContain('"abc"');
    expect(url).toMatch(/LATCHKEY_DATABASE_URL/);
    expect(url).toMatch(/file:/);
    expect(url).toMatch(/postgres:\/\//);
  });
});
