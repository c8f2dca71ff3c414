import type { Ctx } from '../context.js';
import { forbidden, unauthorized } from '../errors/latchkey-error.js';
import { verifySignedPasskeyData } from '../signed-data/verify-signed-data.js';
import { findAdminByUserId, type Admin } from './admins.js';

/**
 * What any app backend does with signedPasskeyData: verify it once, then map the user to its own
 * account. Here the account is an administrator; a passkey user of the console's project who is not
 * one (their admin row was removed) is refused.
 */
export async function loginAdmin(ctx: Ctx, consoleProjectId: string, signedPasskeyData: string): Promise<Admin> {
  const verdict = await verifySignedPasskeyData(ctx, consoleProjectId, signedPasskeyData, undefined);
  if (verdict.verificationResult !== 'success') throw unauthorized('login_refused', `the passkey login was not accepted (${verdict.verificationResult}): sign in again`);
  const admin = await findAdminByUserId(ctx, verdict.userID);
  if (!admin) throw forbidden('not_an_admin', `${verdict.username} is not an administrator of this console`);
  return admin;
}
