import { startLatchkey, type TestLatchkey, type TestProject } from '@latchkey/test-support';
import { createClient, type LatchkeyClient } from '../../src/index.js';

/** This SDK's client for a project of a test Latchkey (the first one unless told), with options on top. */
export function clientFor(latchkey: TestLatchkey, project: TestProject = latchkey.project, extra: Partial<Parameters<typeof createClient>[0]> = {}): LatchkeyClient {
  return createClient({ baseUrl: latchkey.url, projectId: project.id, apiSecret: project.apiSecret, ...extra });
}

/** A real Latchkey for a test file (start it in beforeAll, close it in afterAll) and a client of its first project. */
export async function latchkeyWithClient(): Promise<{ latchkey: TestLatchkey; client: LatchkeyClient }> {
  const latchkey = await startLatchkey();
  return { latchkey, client: clientFor(latchkey) };
}

/** The verify request, as `latchkey.count(...VERIFY)` counts it: how often a token reached the server. */
export const VERIFY = ['POST', '/v2/passkey/verifySignedData'] as const;
