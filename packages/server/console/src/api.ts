/** The console API (/console/api), with the session's CSRF token on every change. */

export interface ApiError {
  status: number;
  code: string;
  message: string;
}

export class ConsoleApiError extends Error implements ApiError {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

let csrfToken = '';
export const setCsrfToken = (token: string) => {
  csrfToken = token;
};

/** Called when the session has ended: the page goes to the login and comes back afterwards. */
let onSessionEnded: () => void = () => {};
export const whenSessionEnds = (handler: () => void) => {
  onSessionEnded = handler;
};

/** Called for `reauth_required`: resolves once the administrator confirmed with their passkey. */
let onReauthRequired: () => Promise<void> = async () => {
  throw new ConsoleApiError(403, 'reauth_required', 'confirm with your passkey');
};
export const whenReauthRequired = (handler: () => Promise<void>) => {
  onReauthRequired = handler;
};

async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const response = await fetch(`/console/api${path}`, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  const json = text && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string } }).error ?? {};
    throw new ConsoleApiError(response.status, error.code ?? 'unknown_error', error.message ?? `the server answered ${response.status}`);
  }
  return json as T;
}

/** A call that sends the administrator to the login when the session ended, and asks for the passkey again when needed. */
export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  try {
    return await send<T>(method, path, body);
  } catch (error) {
    if (error instanceof ConsoleApiError && error.code === 'session_required') onSessionEnded();
    if (error instanceof ConsoleApiError && error.code === 'reauth_required') {
      await onReauthRequired();
      return send<T>(method, path, body);
    }
    throw error;
  }
}

/** Unauthenticated steps (config, invite, login) never redirect. */
export const plainApi = send;
