/**
 * The route families the console charts, from Fastify's route pattern. Families, not routes: an
 * operator asks "are logins slow", and one line per family keeps the table small (a row per
 * family per instance per minute). Anything else (health checks, /metrics, static files) is not
 * sampled: it says nothing about what users wait for.
 */
export const ROUTE_FAMILIES = ['login', 'append', 'verify', 'connectTokens', 'backend', 'console'] as const;
export type RouteFamily = (typeof ROUTE_FAMILIES)[number];

export function routeFamilyOf(route: string): RouteFamily | undefined {
  if (route.startsWith('/v2/connect/login/')) return 'login';
  if (route.startsWith('/v2/connect/append/')) return 'append';
  if (route.endsWith('/verifySignedData')) return 'verify';
  if (route.startsWith('/v2/connectTokens')) return 'connectTokens';
  if (route.startsWith('/v2/')) return 'backend';
  if (route.startsWith('/console/api/')) return 'console';
  return undefined;
}
