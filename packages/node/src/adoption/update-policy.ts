import type { Transport } from '../http/transport.js';
import type { Policy, PolicyUpdate } from '../types/adoption.js';

/**
 * Changes part of the policy and returns all of it. Every Latchkey instance obeys within 5 s; the
 * change is audited as a `policy-changed` passkey event naming this API secret.
 */
export async function updatePolicy(transport: Transport, update: PolicyUpdate): Promise<Policy> {
  return transport.send<Policy>({ method: 'PATCH', path: '/v2/policy', body: update });
}
