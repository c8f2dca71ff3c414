import type { Project } from '../src/projects/project.js';
import { describe, expect, it } from 'vitest';
import { cliSuite, SLOW, type Created } from './helpers/cli-suite.js';
import { httpRequest } from './helpers/http-client.js';

/**
 * `latchkey project` for native apps and related origins: the flags of create and update, the
 * well-known documents the CLI prints and the running server serves, the refusals and the warnings.
 */

const suite = cliSuite();
const { cli, cliJson, cliFails } = suite;

describe('latchkey project: native apps and related origins', () => {
  const FP = 'FA:C6:17:45:DC:09:03:78:6F:B9:ED:E6:2A:96:2B:39:9F:73:48:F0:BB:6F:89:9B:83:32:66:75:91:03:3B:9C';
  const FP2 = Array.from({ length: 32 }, (_, i) => (i * 7 + 3).toString(16).padStart(2, '0').toUpperCase()).join(':');
  const RELATION = ['delegate_permission/common.handle_all_urls', 'delegate_permission/common.get_login_creds'];

  it('create, add and remove apps and related origins; show --json and well-known print them exactly', async () => {
    const created = await cliJson<Created>([
      'project', 'create', '--name', 'Native', '--rp-id', 'localhost', '--origin', 'http://localhost:3000', '--origin', 'https://localhost',
      '--android-app', `com.example.shop:${FP.toLowerCase()}`, '--ios-app', 'ABCDE12345.com.example.shop', '--related-origin', 'https://shop.example.de/',
    ]);
    const id = created.projectId;
    expect(created.project).toMatchObject({
      relatedOrigins: ['https://shop.example.de'],
      androidApps: [{ packageName: 'com.example.shop', sha256CertFingerprint: FP }],
      iosApps: [{ teamId: 'ABCDE12345', bundleId: 'com.example.shop' }],
    });
    const update = (...args: string[]) => cliJson<{ project: Project }>(['project', 'update', id, ...args]);
    const updated = await update('--add-android-app', `com.example.shop:${FP2}`, '--add-android-app', `com.example.admin:${FP}`, '--add-ios-app', 'ABCDE12345.com.example.admin', '--add-related-origin', 'https://shop.example.fr');
    expect(updated.project.androidApps).toEqual([
      { packageName: 'com.example.shop', sha256CertFingerprint: FP },
      { packageName: 'com.example.shop', sha256CertFingerprint: FP2 },
      { packageName: 'com.example.admin', sha256CertFingerprint: FP },
    ]);
    const removed = await update('--remove-android-app', 'com.example.admin', '--remove-ios-app', 'ABCDE12345.com.example.admin', '--remove-related-origin', 'https://shop.example.fr');
    expect(removed.project).toMatchObject({
      relatedOrigins: ['https://shop.example.de'],
      androidApps: [{ packageName: 'com.example.shop', sha256CertFingerprint: FP }, { packageName: 'com.example.shop', sha256CertFingerprint: FP2 }],
      iosApps: [{ teamId: 'ABCDE12345', bundleId: 'com.example.shop' }],
    });

    const documents = {
      assetlinks: [{ relation: RELATION, target: { namespace: 'android_app', package_name: 'com.example.shop', sha256_cert_fingerprints: [FP, FP2] } }],
      appleAppSiteAssociation: { webcredentials: { apps: ['ABCDE12345.com.example.shop'] } },
      webauthn: { origins: ['https://shop.example.de'] },
    };
    expect(await cliJson(['project', 'well-known', id])).toEqual(documents);
    // --only prints the file's content as it is to be hosted.
    const only = await cli(['project', 'well-known', id, '--only', 'assetlinks']);
    expect(only).toMatchObject({ code: 0, stderr: '' });
    expect(only.stdout).toBe(`${JSON.stringify(documents.assetlinks, null, 2)}\n`);
    // Without --json: each document under the URL it is to be served at.
    const human = await cli(['project', 'well-known', id]);
    expect(human.stdout).toContain(`# https://localhost/.well-known/assetlinks.json\n${JSON.stringify(documents.assetlinks, null, 2)}\n`);
    expect(human.stdout).toContain('# https://localhost/.well-known/webauthn\n{\n  "origins": [\n    "https://shop.example.de"\n  ]\n}');
    // The served documents are the same.
    expect((await httpRequest(suite.server.url, 'GET', `/v2/projects/${id}/.well-known/assetlinks.json`)).body).toEqual(documents.assetlinks);
  }, SLOW);

  it('refuses malformed apps and related origins: exit 2, one line naming what is accepted; nothing changes', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Strict apps', '--rp-id', 'localhost', '--origin', 'http://localhost:3000']);
    const id = created.projectId;
    const sha1 = FP.split(':').slice(0, 20).join(':');
    // Every refusal's wording is tested in native-apps.test.ts; here, that the CLI says it in one line and exits 2.
    const refused: Array<[string[], RegExp]> = [
      [['--add-android-app', 'com.example.shop:FA:C6:ZZ'], /^latchkey: "FA:C6:ZZ" is not colon-separated hex pairs; accepted: <package\.name>:<SHA-256 of the signing certificate in colon hex, 32 bytes/],
      [['--add-android-app', `com.example.shop:${sha1}`], /^latchkey: the fingerprint of com\.example\.shop has 20 bytes, a SHA-256 has 32 \(this looks like a SHA-1: copy the SHA-256 line\); accepted: /],
      [['--add-ios-app', 'abcde12345.com.example.shop'], /^latchkey: "abcde12345" is not an Apple team ID; accepted: <TEAMID>\.<bundle\.id>/],
      [['--add-related-origin', 'http://shop.example.de'], /^latchkey: related origin "http:\/\/shop\.example\.de" must use https \(invalid_related_origin\)\n$/],
    ];
    for (const [args, expected] of refused) {
      const run = await cli(['project', 'update', id, ...args]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n'), run.stderr).toHaveLength(1);
      expect(run.stderr).toMatch(expected);
    }
    expect((await cliJson<{ project: Project }>(['project', 'show', id])).project).toEqual(created.project);
  }, SLOW);

  it('warns on stderr when related origins span more than 5 labels, or iOS apps lack https://<RP ID>', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Wide', '--rp-id', 'localhost', '--origin', 'http://localhost:3000']);
    const labels = ['https://a.example', 'https://b.example', 'https://c.example', 'https://a.example.de', 'https://d.example', 'https://e.example'];
    const wide = await cli(['project', 'update', created.projectId, ...labels.flatMap((origin) => ['--add-related-origin', origin]), '--json']);
    expect(wide.code).toBe(0);
    expect(JSON.parse(wide.stdout).project.relatedOrigins).toEqual(labels);
    // Labels are registrable domains without their public suffix: a.example is "a", a.example.de is "example".
    expect(wide.stderr).toBe(
      'latchkey: warning: the related origins span 6 registrable-domain labels (a, b, c, example, d, e); browsers honour only the first 5, so passkeys will not work on origins labelled e\n',
    );
    const ios = await cli(['project', 'update', created.projectId, '--remove-related-origin', 'https://e.example', '--add-ios-app', 'ABCDE12345.com.example.shop', '--json']);
    expect(ios.code).toBe(0);
    expect(ios.stderr).toBe('latchkey: warning: iOS apps sign with origin https://localhost, which is not one of the project\'s origins; allow it with --add-origin https://localhost\n');
  }, SLOW);
});
