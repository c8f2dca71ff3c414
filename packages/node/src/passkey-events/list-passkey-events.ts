import type { Transport } from '../http/transport.js';
import type { ListPasskeyEventsOptions, PasskeyEventPage } from '../types/api.js';

/**
 * One page of the audit trail, oldest first. Keep the last `nextCursor` and call again with it to
 * read what happened since: it is returned even when the page reached the end.
 */
export async function listPasskeyEvents(transport: Transport, options: ListPasskeyEventsOptions = {}): Promise<PasskeyEventPage> {
  return transport.send<PasskeyEventPage>({
    method: 'GET',
    path: '/v2/passkeyEvents',
    query: { userID: options.userID, cursor: options.cursor, limit: options.limit },
  });
}
