import { createLatchkey, type Latchkey } from '@latchkey/browser';
import { plainApi } from './api.js';

let client: Latchkey | undefined;

/** The console is a Latchkey app: its passkeys live in its own project, on this same server. */
async function latchkey(): Promise<Latchkey> {
  if (!client) {
    const { projectId } = await plainApi<{ projectId: string }>('GET', '/config');
    client = createLatchkey({ baseUrl: location.origin, projectId, timeoutMs: 60_000 });
  }
  return client;
}

/** A passkey login for `email`; resolves signedPasskeyData for the console's server to verify. */
export async function passkeyLogin(email: string): Promise<string> {
  const result = await (await latchkey()).login({ identifier: email });
  if (!result.ok) throw new Error(result.reason === 'cancelled' ? 'The passkey prompt was cancelled. Try again.' : result.message);
  return result.signedPasskeyData;
}

export async function appendPasskey(connectToken: string): Promise<void> {
  const result = await (await latchkey()).appendPasskey(connectToken);
  if (!result.ok) throw new Error(result.message);
}
