import type { Failure, FailureReason } from '../types.js';

/** Build a failure result; optional fields are left out rather than set to undefined. */
export function failure(reason: FailureReason, message: string, extra: Omit<Partial<Failure>, 'ok' | 'reason' | 'message'> = {}): Failure {
  const result: Failure = { ok: false, reason, message };
  if (extra.code !== undefined) result.code = extra.code;
  if (extra.status !== undefined) result.status = extra.status;
  if (extra.requestId !== undefined) result.requestId = extra.requestId;
  if (extra.cause !== undefined) result.cause = extra.cause;
  if (extra.decisionTags !== undefined) result.decisionTags = extra.decisionTags;
  return result;
}

/** The server answered, but not with anything this SDK can use (not JSON, fields missing, …). */
export function invalidResponse(what: string, status?: number): Failure {
  return failure('serverError', `the server's answer could not be used: ${what}`, status === undefined ? { code: 'invalid_response' } : { code: 'invalid_response', status });
}

export function abortedFailure(): Failure {
  return failure('aborted', 'the call was aborted');
}

/** The server decided against this flow here (kill switch, rollout, platform, …): `decisionTags` say why. */
export function notAllowed(flow: 'login' | 'append', decisionTags: string[]): Failure {
  return failure('notAllowed', `the project does not allow passkey ${flow} here (${decisionTags.join(', ') || 'no reason given'})`, { decisionTags });
}

/**
 * The `serverError` for an error answer in the API's shape (`{error: {code, message, requestId}}`),
 * or undefined when `json` is not one.
 */
export function serverFailure(json: unknown, status: number): Failure | undefined {
  const error = (json as { error?: { code?: unknown; message?: unknown; requestId?: unknown } } | null)?.error;
  if (!error || typeof error.code !== 'string') return undefined;
  return failure('serverError', typeof error.message === 'string' ? error.message : error.code, {
    code: error.code,
    status,
    ...(typeof error.requestId === 'string' ? { requestId: error.requestId } : {}),
  });
}
