import type { Transport } from '../http/transport.js';
import type { User } from '../types/api.js';
import { segment } from '../util/arguments.js';

/** One user by id (`usr-…`); throws LatchkeyApiError `user_not_found` (404) when there is none. */
export async function getUser(transport: Transport, userID: string): Promise<User> {
  return transport.send<User>({ method: 'GET', path: `/v2/users/${segment('userID', userID)}` });
}
