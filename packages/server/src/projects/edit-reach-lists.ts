import { badRequest } from '../errors/latchkey-error.js';
import type { AndroidApp, IosApp, Project } from './project.js';
import { normalizeRelatedOrigin, validateRelatedOrigins } from './related-origins.js';
import { androidAppKey, iosAppId, parseAndroidApp, parseIosApp } from './validate-apps.js';

/** Additions and removals of a project's related origins and apps, in the CLI's text forms. */
export interface ReachChanges {
  addRelatedOrigins?: string[];
  removeRelatedOrigins?: string[];
  /** `<package.name>:<SHA-256 colon hex>` each. */
  addAndroidApps?: string[];
  /** `<package.name>:<SHA-256 colon hex>`, or `<package.name>` alone for every fingerprint of that package. */
  removeAndroidApps?: string[];
  /** `<TEAMID>.<bundle.id>` each. */
  addIosApps?: string[];
  removeIosApps?: string[];
}

export interface ReachLists {
  relatedOrigins: string[];
  androidApps: AndroidApp[];
  iosApps: IosApp[];
}

/** The lists after the changes, every entry validated; a removal of something not listed is refused. */
export async function editReachLists(current: Pick<Project, 'rpId' | 'relatedOrigins' | 'androidApps' | 'iosApps'>, changes: ReachChanges): Promise<ReachLists> {
  let relatedOrigins = [...current.relatedOrigins, ...(changes.addRelatedOrigins ?? [])];
  for (const input of changes.removeRelatedOrigins ?? []) {
    const removed = await normalizeRelatedOrigin(input, current.rpId);
    if (!relatedOrigins.includes(removed)) throw badRequest('invalid_related_origin', `${removed} is not one of the project's related origins`);
    relatedOrigins = relatedOrigins.filter((origin) => origin !== removed);
  }

  let androidApps = uniqueBy([...current.androidApps, ...(changes.addAndroidApps ?? []).map(parseAndroidApp)], androidAppKey);
  for (const input of changes.removeAndroidApps ?? []) {
    const whole = input.includes(':');
    const removed = whole ? androidAppKey(parseAndroidApp(input)) : input.trim();
    const kept = androidApps.filter((app) => (whole ? androidAppKey(app) !== removed : app.packageName !== removed));
    if (kept.length === androidApps.length) throw badRequest('invalid_android_app', `${removed} is not one of the project's Android apps`);
    androidApps = kept;
  }

  let iosApps = uniqueBy([...current.iosApps, ...(changes.addIosApps ?? []).map(parseIosApp)], iosAppId);
  for (const input of changes.removeIosApps ?? []) {
    const removed = iosAppId(parseIosApp(input));
    if (!iosApps.some((app) => iosAppId(app) === removed)) throw badRequest('invalid_ios_app', `${removed} is not one of the project's iOS apps`);
    iosApps = iosApps.filter((app) => iosAppId(app) !== removed);
  }

  return { relatedOrigins: await validateRelatedOrigins(relatedOrigins, current.rpId), androidApps, iosApps };
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}
