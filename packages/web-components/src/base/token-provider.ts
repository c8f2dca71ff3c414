import type { Failure } from '@latchkey/browser';

export type ConnectTokenType = 'passkey-append' | 'passkey-list' | 'passkey-delete' | 'passkey-rename';

/**
 * Your function that asks your backend for a fresh connect token of `type` for the logged-in user
 * and resolves to its secret (`ctk1_…`). Called once per operation: tokens are single use.
 *
 * For `passkey-list` it may resolve to `null`: Latchkey does not know this user yet (no passkey was
 * ever added, so the Backend API answers `user_not_found`), and the list shows that there are none.
 */
export type TokenProvider = (type: ConnectTokenType) => Promise<string | null>;

/** The token (or, for `passkey-list` only, `null`: nothing to list), or a failure an element reports as `latchkey-error`. */
export async function requestToken(provider: TokenProvider | undefined, type: 'passkey-list', element: string): Promise<string | null | Failure>;
export async function requestToken(provider: TokenProvider | undefined, type: 'passkey-append' | 'passkey-delete' | 'passkey-rename', element: string): Promise<string | Failure>;
export async function requestToken(provider: TokenProvider | undefined, type: ConnectTokenType, element: string): Promise<string | null | Failure> {
  if (typeof provider !== 'function') {
    return { ok: false, reason: 'unsupported', code: 'not_configured', message: `<${element}> needs a tokenProvider property` };
  }
  try {
    const token = await provider(type);
    if (token === null && type === 'passkey-list') return null;
    if (typeof token !== 'string' || token === '') throw new TypeError(`tokenProvider('${type}') did not resolve to a connect token secret`);
    return token;
  } catch (error) {
    return { ok: false, reason: 'serverError', code: 'token_provider_failed', message: `tokenProvider('${type}') failed: ${(error as Error)?.message ?? String(error)}`, cause: error };
  }
}
