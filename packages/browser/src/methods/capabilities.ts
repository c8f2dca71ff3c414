import { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill, platformAuthenticatorIsAvailable } from '@simplewebauthn/browser';
import type { Capabilities } from '../types.js';

/** What this browser can do. Never rejects: anything that throws counts as "no". */
export async function capabilities(): Promise<Capabilities> {
  const webauthn = browserSupportsWebAuthn();
  if (!webauthn) return { webauthn, platformAuthenticator: false, conditionalUI: false };
  const [platformAuthenticator, conditionalUI] = await Promise.all([
    platformAuthenticatorIsAvailable().catch(() => false),
    browserSupportsWebAuthnAutofill().catch(() => false),
  ]);
  return { webauthn, platformAuthenticator, conditionalUI };
}
