import { isIP } from 'node:net';
import { badRequest } from '../errors/latchkey-error.js';
import { MAX_TOKEN_TTL, MIN_TOKEN_TTL } from './project.js';

/**
 * Turns user input into a canonical origin ("https://app.example.com:8443", no path), or refuses it.
 * WebAuthn only runs in secure contexts: https everywhere, plain http only on localhost.
 */
export function normalizeOrigin(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw badRequest('invalid_origin', `"${input}" is not a URL; an origin looks like https://app.example.com`);
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw badRequest('invalid_origin', `"${input}" must be an origin only (scheme, host, port), without path, query or credentials`);
  }
  const local = isLocalhost(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw badRequest('invalid_origin', `"${input}" must use https (plain http is allowed only for localhost)`);
  }
  return url.origin;
}

/** RP ID: a domain (no scheme, port or IP) that every origin's host equals or ends with. */
export function validateRpId(rpId: string, origins: string[]): string {
  const id = rpId.trim().toLowerCase();
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(id) || isIP(id) !== 0) {
    throw badRequest('invalid_rp_id', `RP ID "${rpId}" must be a domain name such as example.com (no scheme, port or IP address)`);
  }
  for (const origin of origins) {
    const host = new URL(origin).hostname;
    if (host !== id && !host.endsWith(`.${id}`)) {
      throw badRequest('invalid_rp_id', `RP ID "${id}" does not cover origin ${origin}: the host must equal it or be a subdomain of it`);
    }
  }
  return id;
}

export function validateOrigins(origins: string[]): string[] {
  if (origins.length === 0) throw badRequest('invalid_origin', 'a project needs at least one origin');
  return [...new Set(origins.map(normalizeOrigin))];
}

export function validateTokenTtl(ttl: number): number {
  if (!Number.isInteger(ttl) || ttl < MIN_TOKEN_TTL || ttl > MAX_TOKEN_TTL) {
    throw badRequest('invalid_token_ttl', `token lifetime must be a whole number of seconds from ${MIN_TOKEN_TTL} to ${MAX_TOKEN_TTL}`);
  }
  return ttl;
}

export function validateName(name: string, what: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 200) throw badRequest('invalid_name', `${what} must be 1 to 200 characters`);
  return trimmed;
}

function isLocalhost(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost');
}
