import { badRequest } from '../errors/latchkey-error.js';
import type { AndroidApp, IosApp } from './project.js';

/** Android's own rule: two or more dot-separated segments, each a letter then letters, digits or _. */
const PACKAGE_NAME = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;
const COLON_HEX = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})*$/;
const SHA256_BYTES = 32;
const TEAM_ID = /^[A-Z0-9]{10}$/;
/** Apple's rule: letters, digits, hyphens and dots (reverse DNS); no empty segment. */
const BUNDLE_ID = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;

const ANDROID_FORM = 'accepted: <package.name>:<SHA-256 of the signing certificate in colon hex, 32 bytes, as the Play Console shows it>, e.g. com.example.shop:FA:C6:17:45:DC:09:03:78:6F:B9:ED:E6:2A:96:2B:39:9F:73:48:F0:BB:6F:89:9B:83:32:66:75:91:03:3B:9C';

/**
 * `com.example.shop:FA:C6:17:…` → an Android app. The fingerprint is taken only in the Play
 * Console's colon-hex form (any case; stored upper case), exactly 32 bytes: a SHA-1 or a
 * base64 value pasted by mistake is refused with what was wrong, never guessed at.
 */
export function parseAndroidApp(input: string): AndroidApp {
  const value = input.trim();
  const colon = value.indexOf(':');
  const packageName = colon < 0 ? value : value.slice(0, colon);
  const fingerprint = colon < 0 ? '' : value.slice(colon + 1);
  if (packageName.length > 255 || !PACKAGE_NAME.test(packageName)) {
    throw badRequest('invalid_android_app', `"${packageName}" is not an Android package name (two or more dot-separated parts, each starting with a letter); ${ANDROID_FORM}`);
  }
  if (fingerprint === '') throw badRequest('invalid_android_app', `"${input}" has no signing-certificate fingerprint; ${ANDROID_FORM}`);
  if (!COLON_HEX.test(fingerprint)) {
    throw badRequest('invalid_android_app', `"${fingerprint}" is not colon-separated hex pairs; ${ANDROID_FORM}`);
  }
  const bytes = fingerprint.split(':').length;
  if (bytes !== SHA256_BYTES) {
    throw badRequest('invalid_android_app', `the fingerprint of ${packageName} has ${bytes} bytes, a SHA-256 has ${SHA256_BYTES}${bytes === 20 ? ' (this looks like a SHA-1: copy the SHA-256 line)' : ''}; ${ANDROID_FORM}`);
  }
  return { packageName, sha256CertFingerprint: fingerprint.toUpperCase() };
}

/** `ABCDE12345.com.example.shop` → an iOS app (the App ID prefix is the team ID). */
export function parseIosApp(input: string): IosApp {
  const value = input.trim();
  const dot = value.indexOf('.');
  const teamId = dot < 0 ? value : value.slice(0, dot);
  const bundleId = dot < 0 ? '' : value.slice(dot + 1);
  const form = 'accepted: <TEAMID>.<bundle.id>, e.g. ABCDE12345.com.example.shop (the team ID is 10 upper-case letters and digits)';
  if (!TEAM_ID.test(teamId)) throw badRequest('invalid_ios_app', `"${teamId}" is not an Apple team ID; ${form}`);
  if (bundleId === '' || bundleId.length > 155 || !BUNDLE_ID.test(bundleId)) {
    throw badRequest('invalid_ios_app', `"${bundleId}" is not a bundle ID (letters, digits, hyphens and dots); ${form}`);
  }
  return { teamId, bundleId };
}

export const iosAppId = (app: IosApp): string => `${app.teamId}.${app.bundleId}`;
export const androidAppKey = (app: AndroidApp): string => `${app.packageName}:${app.sha256CertFingerprint}`;
