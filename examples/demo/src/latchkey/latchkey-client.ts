import { createClient, type LatchkeyClient } from '@latchkey/node';

export type { LatchkeyClient };

/** The app's one handle on Latchkey's Backend API (project id + API secret; server side only). */
export function connectLatchkey(options: { baseUrl: string; projectId: string; apiSecret: string }): LatchkeyClient {
  return createClient(options);
}
