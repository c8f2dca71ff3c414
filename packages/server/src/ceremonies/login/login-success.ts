import type { ProcessFact } from '../../adoption/events/record-adoption-event.js';
import type { EventInput } from '../../events/record-event.js';
import type { Project } from '../../projects/project.js';
import type { ChallengeRow, CredentialRow, ProcessRow } from '../../store/schema.js';

/** What a verified login writes (finish-login.ts; on PostgreSQL in one statement: record-success-in-one-statement.ts). */
export interface LoginSuccess {
  project: Project;
  process: ProcessRow;
  credential: CredentialRow;
  challenge: ChallengeRow;
  jti: string;
  newCounter: number;
  backedUp: boolean;
  isCUI: boolean;
  crossDevice: boolean;
}

/** The audit trail's `login-succeeded` entry of a login. */
export function loginSucceededEvent(success: LoginSuccess): EventInput {
  return {
    projectId: success.project.id,
    type: 'login-succeeded',
    userId: success.credential.user_id,
    credentialId: success.credential.id,
    processId: success.process.id,
    detail: { challengeId: success.challenge.id, jti: success.jti, isCUI: success.isCUI },
  };
}

/** The funnel counts the login by method. */
export function loginCompletedFact(success: LoginSuccess): ProcessFact {
  return {
    type: 'login-completed',
    method: success.isCUI ? 'conditional-ui' : (success.process.login_method ?? 'identifier'),
    userId: success.credential.user_id,
  };
}
