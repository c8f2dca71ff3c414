import type { Transport } from '../http/transport.js';
import type { ListUsersOptions, UserPage } from '../types/api.js';

/** One page of all the project's users; pass `nextCursor` back as `cursor` for the next page. */
export async function listUsers(transport: Transport, options: ListUsersOptions = {}): Promise<UserPage> {
  return transport.send<UserPage>({ method: 'GET', path: '/v2/users', query: { cursor: options.cursor, limit: options.limit } });
}
