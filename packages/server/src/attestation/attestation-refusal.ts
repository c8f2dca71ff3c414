import { LatchkeyError } from '../errors/latchkey-error.js';

/**
 * An append refused by the project's attestation policy: 422 `attestation_not_allowed` (the
 * response verified, but the authenticator is not one the project accepts). `audit` goes into the
 * `append-failed` event, so the trail says which authenticator was refused and why.
 */
export class AttestationRefusal extends LatchkeyError {
  constructor(
    message: string,
    readonly audit: { aaguid: string; why: string },
  ) {
    super(422, 'attestation_not_allowed', message);
  }
}
