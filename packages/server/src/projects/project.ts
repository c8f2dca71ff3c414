import type { ProjectRow } from '../store/schema.js';

/** A project as the CLI and the services see it. */
export interface Project {
  id: string;
  name: string;
  rpId: string;
  rpName: string;
  origins: string[];
  /** Other domains' origins that share this RP ID (WebAuthn Related Origin Requests). */
  relatedOrigins: string[];
  /** Android apps whose Credential Manager ceremonies are accepted (origin `android:apk-key-hash:…`). */
  androidApps: AndroidApp[];
  /** iOS apps, for the apple-app-site-association document (they sign with origin https://RP ID). */
  iosApps: IosApp[];
  tokenTtl: number;
  createdAt: number;
  updatedAt: number;
}

export interface AndroidApp {
  /** e.g. com.example.shop */
  packageName: string;
  /** The signing certificate's SHA-256 in colon hex, upper case, as the Play Console shows it. */
  sha256CertFingerprint: string;
}

export interface IosApp {
  /** Apple Developer team ID: 10 upper-case letters and digits. */
  teamId: string;
  /** e.g. com.example.shop */
  bundleId: string;
}

export const DEFAULT_TOKEN_TTL = 300;
export const MIN_TOKEN_TTL = 10;
/** The contract's ceiling for signedPasskeyData lifetimes; key retirement relies on it. */
export const MAX_TOKEN_TTL = 600;

export function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    name: row.name,
    rpId: row.rp_id,
    rpName: row.rp_name,
    origins: JSON.parse(row.origins) as string[],
    relatedOrigins: JSON.parse(row.related_origins) as string[],
    androidApps: JSON.parse(row.android_apps) as AndroidApp[],
    iosApps: JSON.parse(row.ios_apps) as IosApp[],
    tokenTtl: row.token_ttl,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
