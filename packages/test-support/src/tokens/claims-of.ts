/**
 * The claims and header of a JWS compact token, decoded without any check: tests only read them
 * (verifying is the Backend API's job, and the thing under test).
 */
export function claimsOf(token: string): Record<string, any> {
  return decodePart(token, 1);
}

export function headerOf(token: string): Record<string, any> {
  return decodePart(token, 0);
}

function decodePart(token: string, index: number): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8')) as Record<string, any>;
}
