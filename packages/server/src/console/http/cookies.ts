export const SESSION_COOKIE = 'latchkey_console';

/** One cookie's value from a Cookie header (values we set are base64url: no quoting or escapes). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/**
 * HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Path=/console
 * (the APIs never see it), Secure on https. Max-Age is the absolute timeout; the idle one is the
 * server's to enforce.
 */
export function sessionCookie(value: string, options: { secure: boolean; maxAge: number }): string {
  return [`${SESSION_COOKIE}=${value}`, 'Path=/console', 'HttpOnly', 'SameSite=Strict', `Max-Age=${options.maxAge}`, ...(options.secure ? ['Secure'] : [])].join('; ');
}
