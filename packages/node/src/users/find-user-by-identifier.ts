import type { Transport } from '../http/transport.js';
import type { User } from '../types/api.js';
import { requireString } from '../util/arguments.js';

/** The user with this identifier (matched exactly, as your app sent it), or null. */
export async function findUserByIdentifier(transport: Transport, identifier: string): Promise<User | null> {
  requireString('identifier', identifier);
  const answer = await transport.send<{ users: User[] }>({ method: 'GET', path: '/v2/users', query: { identifier } });
  return answer.users[0] ?? null;
}
