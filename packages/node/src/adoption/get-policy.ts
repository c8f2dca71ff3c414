import type { Transport } from '../http/transport.js';
import type { Policy } from '../types/adoption.js';

/** The project's adoption policy (kill switches, rollout, platforms, nudges). */
export async function getPolicy(transport: Transport): Promise<Policy> {
  return transport.send<Policy>({ method: 'GET', path: '/v2/policy' });
}
