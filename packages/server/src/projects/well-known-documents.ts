import type { Project } from './project.js';
import { iosAppId } from './validate-apps.js';

export interface AssetLinkStatement {
  relation: string[];
  target: { namespace: 'android_app'; package_name: string; sha256_cert_fingerprints: string[] };
}

/** The documents the app owner hosts on https://<RP ID>/.well-known/…, as this project's settings make them. */
export interface WellKnownDocuments {
  /** `/.well-known/assetlinks.json`: Digital Asset Links tying each Android app to the RP ID's domain. */
  assetlinks: AssetLinkStatement[];
  /** `/.well-known/apple-app-site-association`: the iOS apps that may use the domain's passkeys. */
  appleAppSiteAssociation: { webcredentials: { apps: string[] } };
  /** `/.well-known/webauthn`: the related origins (WebAuthn Related Origin Requests). */
  webauthn: { origins: string[] };
}

/** Where each document must be served, under https://<RP ID>. */
export const WELL_KNOWN_PATHS = {
  assetlinks: '/.well-known/assetlinks.json',
  appleAppSiteAssociation: '/.well-known/apple-app-site-association',
  webauthn: '/.well-known/webauthn',
} as const satisfies Record<keyof WellKnownDocuments, string>;

/**
 * Android's Credential Manager and Apple's AuthenticationServices check that the RP ID's domain
 * names the app (its assetlinks.json, its apple-app-site-association) before they let the app use
 * the domain's passkeys; a browser on a related origin checks the domain's /.well-known/webauthn.
 * Latchkey cannot serve these on the app owner's domain, so it writes them for the owner to host.
 */
export function wellKnownDocuments(project: Project): WellKnownDocuments {
  const fingerprints = new Map<string, string[]>();
  for (const app of project.androidApps) fingerprints.set(app.packageName, [...(fingerprints.get(app.packageName) ?? []), app.sha256CertFingerprint]);
  return {
    assetlinks: [...fingerprints].map(([packageName, sha256]) => ({
      // get_login_creds: passkeys and passwords; handle_all_urls: the app links the domain too.
      relation: ['delegate_permission/common.handle_all_urls', 'delegate_permission/common.get_login_creds'],
      target: { namespace: 'android_app' as const, package_name: packageName, sha256_cert_fingerprints: sha256 },
    })),
    appleAppSiteAssociation: { webcredentials: { apps: project.iosApps.map(iosAppId) } },
    webauthn: { origins: project.relatedOrigins },
  };
}
