import { isRecord } from '../results/shape.js';

/** PRF inputs, as the WebAuthn `prf` extension takes them (salts: any BufferSource). */
export interface PrfValues {
  first: BufferSource;
  second?: BufferSource;
}

export interface PrfInputs {
  /** Evaluated with whichever passkey answers. */
  eval?: PrfValues;
  /** Per passkey (keys: credential ids, base64url); only with an allow list (identifier-first login). */
  evalByCredential?: Record<string, PrfValues>;
}

/** What the page gets back: the secrets themselves, which never leave the page. */
export interface PrfOutputs {
  /** At creation: the passkey supports PRF. */
  enabled?: boolean;
  results?: { first: ArrayBuffer; second?: ArrayBuffer };
}

/** The `extensions` of WebAuthn options with `prf` added (creation: `{}` asks the authenticator to enable it). */
export function withPrf<T extends { extensions?: unknown }>(options: T, prf: PrfInputs | true | undefined): T {
  if (prf === undefined) return options;
  const extensions = isRecord(options.extensions) ? options.extensions : {};
  return { ...options, extensions: { ...extensions, prf: prf === true ? {} : prf } };
}

/**
 * Splits a credential response into what goes to Latchkey — the same response with
 * `clientExtensionResults.prf.results` removed — and the PRF outputs, which stay on the page. The
 * response is copied, never changed in place.
 */
export function splitPrf<T extends { clientExtensionResults?: unknown }>(response: T): { response: T; prf: PrfOutputs | undefined } {
  const extensions = response.clientExtensionResults;
  if (!isRecord(extensions) || !isRecord(extensions.prf)) return { response, prf: undefined };
  const { results, ...rest } = extensions.prf;
  const prf: PrfOutputs = {};
  if (typeof rest.enabled === 'boolean') prf.enabled = rest.enabled;
  if (isRecord(results) && results.first instanceof ArrayBuffer) {
    prf.results = { first: results.first, ...(results.second instanceof ArrayBuffer ? { second: results.second } : {}) };
  }
  return { response: { ...response, clientExtensionResults: { ...extensions, prf: rest } }, prf };
}
