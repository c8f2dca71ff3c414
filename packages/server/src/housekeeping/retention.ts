/**
 * How long each kind of row is kept after it expired, in seconds. Expired rows are already refused
 * by every check; they are kept a while so that refusals stay precise ("expired" rather than
 * "unknown"), and so that instances whose clocks differ a little never disagree about a row.
 *
 * spent_tokens is the one that matters for security: a spent `jti` pruned while its token is still
 * alive would let the token verify again. `verifySignedData` refuses a token as `expired` from its
 * `exp` on, before it looks at single use, so a row is only needed until `exp`; the extra hour
 * covers clock differences between the instance that prunes and the one that verifies.
 */
export const RETENTION = {
  challenges: 3600,
  processes: 3600,
  connect_tokens: 86_400,
  spent_tokens: 3600,
} as const;

export type PrunedTable = keyof typeof RETENTION;

/** Primary key of each pruned table. */
export const PRIMARY_KEY: Record<PrunedTable, string> = {
  challenges: 'id',
  processes: 'id',
  connect_tokens: 'id',
  spent_tokens: 'jti',
};

/** Latency samples (the console's latency chart) are kept this long, in seconds: 30 days. */
export const LATENCY_SAMPLE_RETENTION = 30 * 86_400;

/** An instance whose heartbeat is older than this (a day) is gone: its row is removed. */
export const INSTANCE_RETENTION = 86_400;
