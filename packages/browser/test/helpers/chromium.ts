import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';

/** Debian's Chromium, headless, with nothing that talks to the network on its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.LATCHKEY_TEST_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface VirtualAuthenticator {
  cdp: CDPSession;
  id: string;
  /** Credential ids (standard base64, as CDP gives them) the authenticator holds. */
  credentialIds(): Promise<string[]>;
  clear(): Promise<void>;
  /** false: the next ceremonies fail user verification, as when a user cancels. */
  setUserVerified(verified: boolean): Promise<void>;
  /** Credential ids CDP reported deleted (e.g. through the WebAuthn Signal API). */
  deleted: string[];
}

/**
 * Chromium's CDP virtual authenticator for `page`: a platform authenticator with resident keys and
 * user verification that answers every ceremony without a dialog.
 */
export async function addVirtualAuthenticator(page: Page): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId: id } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  const deleted: string[] = [];
  cdp.on('WebAuthn.credentialDeleted', (event) => deleted.push(event.credentialId));
  return {
    cdp,
    id,
    deleted,
    credentialIds: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId: id })).credentials.map((c) => c.credentialId),
    clear: async () => {
      await cdp.send('WebAuthn.clearCredentials', { authenticatorId: id });
    },
    setUserVerified: async (verified) => {
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId: id, isUserVerified: verified });
    },
  };
}

/** base64url (the Frontend API's form) → standard base64 with padding (CDP's form). */
export function toStandardBase64(base64url: string): string {
  const standard = base64url.replace(/-/g, '+').replace(/_/g, '/');
  return standard + '='.repeat((4 - (standard.length % 4)) % 4);
}

/** The claims of a JWS compact token, unverified (the Backend API verifies; tests only read). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
