import type { Transport } from '../http/transport.js';
import type { Funnel, FunnelOptions } from '../types/adoption.js';

/** The adoption funnel per day and/or OS family (default: the last 30 days, per day). */
export async function getFunnel(transport: Transport, options: FunnelOptions = {}): Promise<Funnel> {
  return transport.send<Funnel>({ method: 'GET', path: '/v2/analytics/funnel', query: { from: options.from, to: options.to, groupBy: options.groupBy } });
}
