import { LatchkeyApiError } from '../errors/latchkey-api-error.js';
import type { Transport } from '../http/transport.js';
import type { VerificationResult, VerifySignedDataOptions, VerifySignedDataResult } from '../types/api.js';
import { requireString } from '../util/arguments.js';
import type { LocalJwksCheck } from './local-jwks-check.js';

const RESULTS: ReadonlySet<string> = new Set<VerificationResult>([
  'success', 'invalidSignature', 'expired', 'alreadyUsed', 'usernameMismatch', 'projectMismatch',
]);

const INVALID_SIGNATURE: VerifySignedDataResult = { verificationResult: 'invalidSignature', userID: '', username: '' };

/**
 * Asks Latchkey whether `signedPasskeyData` is genuine, in its time window, for this project (and
 * `username`), and used for the first time. The first `success` spends the token: only then may
 * the app create its session. Refusals are results, not exceptions; errors are thrown only when
 * there is no verdict (bad credentials, unreachable server, …).
 */
export async function verifySignedData(
  transport: Transport,
  localCheck: LocalJwksCheck | undefined,
  signedPasskeyData: string,
  options: VerifySignedDataOptions = {},
): Promise<VerifySignedDataResult> {
  requireString('signedPasskeyData', signedPasskeyData, { allowEmpty: true });
  const username = options?.username;
  if (username !== undefined) requireString('username', username, { allowEmpty: true });

  if (localCheck && (await localCheck.refuses(signedPasskeyData, username))) return { ...INVALID_SIGNATURE };

  const answer = await transport.send<Record<string, unknown>>({
    method: 'POST',
    path: '/v2/passkey/verifySignedData',
    body: { signedPasskeyData, ...(username !== undefined ? { username } : {}) },
  });
  return readResult(answer);
}

/** The app branches on this answer to let someone in: anything off-contract is an error, never a guess. */
function readResult(answer: Record<string, unknown>): VerifySignedDataResult {
  const { verificationResult, userID, username } = answer ?? {};
  if (typeof verificationResult !== 'string' || !RESULTS.has(verificationResult) || typeof userID !== 'string' || typeof username !== 'string') {
    throw new LatchkeyApiError({ status: 200, code: 'unexpected_response', message: `verifySignedData answered an unknown shape: ${JSON.stringify(answer).slice(0, 200)}`, attempts: 1 });
  }
  if (verificationResult === 'success') {
    if (userID === '') throw new LatchkeyApiError({ status: 200, code: 'unexpected_response', message: 'verifySignedData answered success without a userID', attempts: 1 });
    return { verificationResult, userID, username };
  }
  return { verificationResult: verificationResult as Exclude<VerificationResult, 'success'>, userID: '', username: '' };
}
