import { badRequest } from '../errors/latchkey-error.js';

/**
 * The Public Suffix List (tldts) costs ~140 ms of CPU to load: loaded only when a project has
 * related origins to check, not on every CLI start or server boot.
 */
const publicSuffixes = () => import('tldts');

/**
 * Browsers honour a `/.well-known/webauthn` list only up to this many distinct registrable-domain
 * labels (the eTLD+1 without its public suffix: `shop` for shop.com, shop.de and shop.co.uk
 * alike); origins whose label comes after the fifth are ignored (WebAuthn L3 §5.11.1).
 */
export const MAX_RELATED_LABELS = 5;
const MAX_RELATED_ORIGINS = 100;

/**
 * A related origin: another site that uses this project's RP ID (WebAuthn Related Origin
 * Requests). https only (the browser fetches the list over https and only secure contexts run
 * WebAuthn), an origin only, on a registrable domain, and not under the RP ID (those are ordinary
 * origins, allowed with --add-origin).
 */
export async function normalizeRelatedOrigin(input: string, rpId: string): Promise<string> {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw badRequest('invalid_related_origin', `"${input}" is not a URL; a related origin looks like https://shop.example.de`);
  }
  if (url.protocol !== 'https:') throw badRequest('invalid_related_origin', `related origin "${input}" must use https`);
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw badRequest('invalid_related_origin', `"${input}" must be an origin only (https, host, port), without path, query or credentials`);
  }
  const host = url.hostname;
  if (host === rpId || host.endsWith(`.${rpId}`)) {
    throw badRequest('invalid_related_origin', `${url.origin} is under the RP ID ${rpId}: it needs no related-origin entry; allow it with --add-origin`);
  }
  if (!(await publicSuffixes()).getDomain(host)) {
    throw badRequest('invalid_related_origin', `${url.origin} is not on a registrable domain (an IP address, a bare public suffix or a local name); related origins need one`);
  }
  return url.origin;
}

export async function validateRelatedOrigins(origins: string[], rpId: string): Promise<string[]> {
  const normalized: string[] = [];
  for (const origin of origins) normalized.push(await normalizeRelatedOrigin(origin, rpId));
  const listed = [...new Set(normalized)];
  if (listed.length > MAX_RELATED_ORIGINS) {
    throw badRequest('invalid_related_origin', `a project lists at most ${MAX_RELATED_ORIGINS} related origins`);
  }
  return listed;
}

/** The distinct registrable-domain labels of the list, in the order browsers meet them. */
export async function relatedOriginLabels(origins: string[]): Promise<string[]> {
  if (origins.length === 0) return [];
  const { getDomainWithoutSuffix } = await publicSuffixes();
  return [...new Set(origins.map((origin) => getDomainWithoutSuffix(new URL(origin).hostname) ?? new URL(origin).hostname))];
}

/** A warning for the operator when browsers will ignore part of the list, else undefined. */
export async function labelLimitWarning(origins: string[]): Promise<string | undefined> {
  const labels = await relatedOriginLabels(origins);
  if (labels.length <= MAX_RELATED_LABELS) return undefined;
  return (
    `the related origins span ${labels.length} registrable-domain labels (${labels.join(', ')}); browsers honour only the first ` +
    `${MAX_RELATED_LABELS}, so passkeys will not work on origins labelled ${labels.slice(MAX_RELATED_LABELS).join(', ')}`
  );
}
