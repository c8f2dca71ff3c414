import { badRequest, webauthnFailed } from '../../errors/latchkey-error.js';
import { acceptedOrigins } from '../../projects/accepted-origins.js';
import { appRefused } from '../../projects/origin-refusal.js';
import type { Project } from '../../projects/project.js';

export interface ClientData {
  type: string;
  challenge: string;
  origin: string;
}

/**
 * Reads the challenge, origin and type the browser signed over. These are checked here, before
 * anything is spent, so that a phishing page's response is refused with a precise code and never
 * touches a challenge. @simplewebauthn/server checks them again.
 */
export function readClientData(clientDataJSON: string, expectedType: 'webauthn.create' | 'webauthn.get', project: Project): ClientData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('invalid_client_data', 'response.clientDataJSON is not base64url-encoded JSON');
  }
  const data = parsed as (Partial<Record<keyof ClientData, unknown>> & { crossOrigin?: unknown; topOrigin?: unknown }) | null;
  if (!data || typeof data.type !== 'string' || typeof data.challenge !== 'string' || typeof data.origin !== 'string') {
    throw badRequest('invalid_client_data', 'response.clientDataJSON lacks type, challenge or origin');
  }
  if (data.type !== expectedType) throw webauthnFailed('type_mismatch', `clientDataJSON.type is "${data.type}", expected "${expectedType}"`);
  if (!acceptedOrigins(project).includes(data.origin)) {
    // A native app's ceremony reaches us without an Origin header (no CORS), so this is the only
    // place its origin is checked: refused as a disallowed origin, named, with how to allow it.
    if (!/^https?:/.test(data.origin)) throw appRefused(data.origin, project.id);
    throw webauthnFailed('origin_mismatch', `the response was made on ${data.origin}, which is not an origin of this project`);
  }
  // A ceremony inside a cross-origin iframe runs on our origin for someone else's page: refused,
  // whether or not the browser names the top origin (Safari does not).
  if (data.crossOrigin === true || data.topOrigin !== undefined) {
    throw webauthnFailed('origin_mismatch', 'the response was made inside a cross-origin frame');
  }
  if (!/^[A-Za-z0-9_-]{16,512}$/.test(data.challenge)) {
    throw webauthnFailed('challenge_mismatch', 'clientDataJSON.challenge is not a challenge this API issued');
  }
  return { type: data.type, challenge: data.challenge, origin: data.origin };
}
