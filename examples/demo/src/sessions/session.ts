import { createHash } from 'node:crypto';
import type { CookieSerializeOptions } from '@fastify/cookie';

export const SESSION_COOKIE = 'demo_session';
export const SESSION_LIFETIME_SECONDS = 7 * 24 * 3600;

/** How the session began: shown on the account page, and a fact a real app would audit. */
export type LoginMethod = 'password' | 'passkey' | 'passkey-autofill' | 'signup';

/**
 * Only a hash of the session id is stored: someone who reads the database (a backup, a leaked
 * file) cannot turn its rows into live cookies.
 */
export const hashSessionId = (id: string): string => createHash('sha256').update(id).digest('base64url');

/**
 * HttpOnly: page scripts (and anything injected into them) never see it. SameSite=Lax: other sites
 * cannot make the browser send it with their POSTs. Secure whenever the app is served over HTTPS.
 */
export function sessionCookieOptions(secure: boolean, maxAge = SESSION_LIFETIME_SECONDS): CookieSerializeOptions {
  return { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge };
}
