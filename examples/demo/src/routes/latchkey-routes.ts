import { LatchkeyApiError } from '@latchkey/node';
import type { FastifyInstance } from 'fastify';
import { normalizeEmail } from '../accounts/account.js';
import { findAccountByEmail } from '../accounts/find-account.js';
import { DemoError } from '../errors.js';
import { currentSession, startSession } from '../http/request-session.js';
import { refusalMessage } from '../latchkey/refusals.js';
import type { RouteDeps } from './deps.js';

const CONNECT_TOKEN_TYPES = ['passkey-append', 'passkey-list', 'passkey-delete', 'passkey-rename'] as const;
type ConnectTokenType = (typeof CONNECT_TOKEN_TYPES)[number];

/** Where the app meets Latchkey on its backend, through `@latchkey/node`. */
export function latchkeyRoutes(app: FastifyInstance, { db, latchkey }: RouteDeps): void {
  /**
   * The web components ask for a connect token before each operation on the logged-in user's
   * passkeys. The app decides who that user is (its own session) and asks Latchkey for a
   * single-use token for that user's e-mail address; the browser never chooses the identifier.
   */
  app.post<{ Body: { type: ConnectTokenType } }>(
    '/api/latchkey/connect-token',
    {
      schema: {
        body: {
          type: 'object',
          required: ['type'],
          additionalProperties: false,
          properties: { type: { type: 'string', enum: [...CONNECT_TOKEN_TYPES] } },
        },
      },
    },
    async (request) => {
      const session = currentSession(db, request);
      if (!session) throw new DemoError('not_logged_in', 'Your session has ended. Log in again.', 401);
      const { email, displayName } = session.account;
      // Latchkey makes its user with the first passkey-append token; before that there is nothing
      // to list (secret: null tells <latchkey-passkey-list> so) and nothing to delete.
      const unknownUser = request.body.type === 'passkey-list' ? null : new DemoError('no_passkeys', 'You have no passkeys yet.', 404);
      const token = await callLatchkey(
        () =>
          request.body.type === 'passkey-append'
            ? latchkey.connectTokens.create('passkey-append', { identifier: email, displayName })
            : latchkey.connectTokens.create(request.body.type, { identifier: email }),
        { user_not_found: unknownUser },
      );
      return token === null ? { secret: null, expires: null } : { secret: token.secret, expires: token.expires };
    },
  );

  /**
   * After `<latchkey-login>` completes, the page hands over `signedPasskeyData`. Latchkey verifies
   * it (signature, project, time window, username, single use); only on `success` does the app look
   * up its own account and start its own session, exactly as after a password check.
   */
  app.post<{ Body: { signedPasskeyData: string; identifier?: string; isConditionalUI?: boolean } }>(
    '/api/passkey-login',
    {
      schema: {
        body: {
          type: 'object',
          required: ['signedPasskeyData'],
          additionalProperties: false,
          properties: {
            signedPasskeyData: { type: 'string', minLength: 1, maxLength: 8192 },
            identifier: { type: 'string', maxLength: 320 },
            isConditionalUI: { type: 'boolean' },
          },
        },
      },
    },
    async (request, reply) => {
      const { signedPasskeyData, identifier, isConditionalUI } = request.body;
      // The identifier is the one the person typed (or Latchkey reported): Latchkey checks that the
      // token was made for that username, so a token of one account cannot open another.
      const username = identifier ? normalizeEmail(identifier) : undefined;
      const result = await callLatchkey(() => latchkey.verifySignedData(signedPasskeyData, username ? { username } : {}));
      if (result.verificationResult !== 'success') {
        request.log.warn({ verificationResult: result.verificationResult }, 'passkey login refused');
        return reply.code(401).send({
          error: { code: 'passkey_login_refused', message: refusalMessage(result.verificationResult) },
          verificationResult: result.verificationResult,
        });
      }
      const account = findAccountByEmail(db, result.username);
      if (!account) {
        throw new DemoError('no_account_for_passkey', 'This passkey is not linked to an account here any more. Log in with your password.', 401);
      }
      // isConditionalUI only labels the session on the account page; the login itself rests on Latchkey's answer.
      startSession(db, request, reply, account.id, isConditionalUI ? 'passkey-autofill' : 'passkey');
      return { verificationResult: 'success', redirect: '/account' };
    },
  );
}

/**
 * Latchkey being down or misconfigured is the app's problem to explain, not a crash: 502 with a
 * message, the details in the log. An answer the app expects (by its error code) becomes the
 * matching DemoError.
 */
/**
 * A Backend API call; the Latchkey error codes in `expected` become the answer given there (a
 * DemoError is thrown, null is returned), anything else a 502 the user can act on.
 */
async function callLatchkey<T>(call: () => Promise<T>, expected?: Record<string, DemoError>): Promise<T>;
async function callLatchkey<T>(call: () => Promise<T>, expected: Record<string, DemoError | null>): Promise<T | null>;
async function callLatchkey<T>(call: () => Promise<T>, expected: Record<string, DemoError | null> = {}): Promise<T | null> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof LatchkeyApiError && error.code in expected) {
      const answer = expected[error.code];
      if (answer) throw answer;
      return null;
    }
    throw Object.assign(new DemoError('latchkey_unavailable', 'Passkeys are unavailable right now. Please try again, or use your password.', 502), {
      cause: error,
    });
  }
}
