/** What one-tap remembers: the identifier only, on this device only. */
export interface LastAccount {
  identifier: string;
}

const keyOf = (projectId: string): string => `latchkey:last-account:${projectId}`;

export function lastAccount(projectId: string): LastAccount | null {
  try {
    const kept = JSON.parse(globalThis.localStorage.getItem(keyOf(projectId)) ?? 'null') as unknown;
    const identifier = (kept as { identifier?: unknown } | null)?.identifier;
    return typeof identifier === 'string' && identifier !== '' ? { identifier } : null;
  } catch {
    return null;
  }
}

export function rememberLastAccount(projectId: string, identifier: string): void {
  try {
    globalThis.localStorage.setItem(keyOf(projectId), JSON.stringify({ identifier }));
  } catch {
    // Storage blocked: one-tap is simply not offered.
  }
}

export function forgetLastAccount(projectId: string): void {
  try {
    globalThis.localStorage.removeItem(keyOf(projectId));
  } catch {
    // Nothing kept, nothing to forget.
  }
}
