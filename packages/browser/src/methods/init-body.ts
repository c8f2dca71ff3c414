import type { Config } from '../types.js';

/** The body of `login/init` and `append/init`: `clientInfo` only when the app configured one. */
export function initBody(config: Config, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return config.clientInfo === undefined ? fields : { ...fields, clientInfo: config.clientInfo };
}
