/** One base64url segment as RFC 7515 writes it: the URL-safe alphabet, no padding, no whitespace. */
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/**
 * Whether `token` is a JWS in its one canonical compact form: three non-empty base64url segments
 * without padding, whitespace, the standard alphabet's '+' and '/', or stray bits in a segment's
 * last character. Base64 decoders forgive all of these, so without this check one signature
 * could be spelled many ways (a token whose signature segment is re-spelled still verifies);
 * a token is accepted only as Latchkey wrote it.
 */
export function isCanonicalCompactJws(token: string): boolean {
  const segments = token.split('.');
  return segments.length === 3 && segments.every((segment) => SEGMENT.test(segment) && Buffer.from(segment, 'base64url').toString('base64url') === segment);
}
