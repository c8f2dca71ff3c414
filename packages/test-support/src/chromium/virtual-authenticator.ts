import type { CDPSession, Page } from 'playwright-core';

/** What tests read of a credential the virtual authenticator holds (CDP gives more). */
export interface VirtualCredential {
  /** Standard base64 with padding, as CDP gives it (see toStandardBase64). */
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  userHandle?: string;
  signCount: number;
}

export interface VirtualAuthenticator {
  /** The page's CDP session, for WebAuthn commands these helpers do not wrap. */
  cdp: CDPSession;
  /** CDP's authenticatorId. */
  id: string;
  credentials(): Promise<VirtualCredential[]>;
  /** Credential ids (standard base64, as CDP gives them) the authenticator holds. */
  credentialIds(): Promise<string[]>;
  /** Forget every credential: the next test starts from an empty authenticator. */
  clear(): Promise<void>;
  /** false: the next ceremonies fail user verification, as when a person cancels the prompt. */
  setUserVerified(verified: boolean): Promise<void>;
  /**
   * false: the authenticator waits for a touch that never comes. It otherwise answers a passkey-autofill
   * request at once; with presence off that request stays pending, as it does in front of a real
   * person who has not picked a passkey yet.
   */
  setPresence(automatic: boolean): Promise<void>;
  /** Credential ids CDP reported deleted (e.g. through the WebAuthn Signal API), in order. */
  deleted: string[];
}

/** CDP options over the defaults, e.g. `{ ctap2Version: 'ctap2_1', hasPrf: true }` for the PRF extension. */
export type VirtualAuthenticatorOptions = Record<string, unknown>;

/**
 * Chromium's CDP virtual authenticator for `page` (and its browser context): a platform authenticator
 * with resident keys and user verification, like Touch ID, that answers every ceremony without a dialog.
 */
export async function addVirtualAuthenticator(page: Page, overrides: VirtualAuthenticatorOptions = {}): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId: id } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true, ...overrides },
  });
  const deleted: string[] = [];
  cdp.on('WebAuthn.credentialDeleted', (event) => deleted.push(event.credentialId));
  const credentials = async (): Promise<VirtualCredential[]> => (await cdp.send('WebAuthn.getCredentials', { authenticatorId: id })).credentials;
  return {
    cdp,
    id,
    deleted,
    credentials,
    credentialIds: async () => (await credentials()).map((c) => c.credentialId),
    clear: async () => {
      await cdp.send('WebAuthn.clearCredentials', { authenticatorId: id });
    },
    setUserVerified: async (verified) => {
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId: id, isUserVerified: verified });
    },
    setPresence: async (automatic) => {
      await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: id, enabled: automatic });
    },
  };
}

/** base64url (the Frontend API's form) → standard base64 with padding (CDP's form). */
export function toStandardBase64(base64url: string): string {
  const standard = base64url.replace(/-/g, '+').replace(/_/g, '/');
  return standard + '='.repeat((4 - (standard.length % 4)) % 4);
}
