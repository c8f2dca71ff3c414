/** Small shape checks for server answers: enough to never hand a caller `undefined` as a success. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isPasskey(value: unknown): boolean {
  return isRecord(value) && typeof value.id === 'string' && typeof value.credentialId === 'string';
}

/** A decisionTags field as the SDK hands it on: the strings in it, or [] for anything else. */
export function tagsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((tag): tag is string => typeof tag === 'string') : [];
}
