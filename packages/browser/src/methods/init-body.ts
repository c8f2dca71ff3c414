import { collectClientInfo } from '../client-info/collect-client-info.js';
import type { Config } from '../types.js';

/**
 * The body of `login/init` and `append/init`: the collected `clientInfo` (what the device can do,
 * its OS and browser family, the device id), with the app's own `clientInfo` keys on top.
 */
export async function initBody<Fields extends object = object>(config: Config, fields?: Fields): Promise<Fields & { clientInfo: Record<string, unknown> }> {
  const collected = await collectClientInfo();
  return { ...(fields as Fields), clientInfo: { ...collected, ...config.clientInfo } };
}
