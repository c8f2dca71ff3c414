import { createHash } from 'node:crypto';

/**
 * The user's place in a flow's rollout, 0–99: the first 4 bytes of SHA-256(projectId:flow:userId)
 * as an unsigned integer, mod 100. It depends on nothing but those ids, so every instance, before
 * and after a restart, puts a user on the same side; raising the percentage only ever adds users.
 */
export function rolloutBucket(projectId: string, flow: 'login' | 'append', userId: string): number {
  return createHash('sha256').update(`${projectId}:${flow}:${userId}`).digest().readUInt32BE(0) % 100;
}

export const inRollout = (projectId: string, flow: 'login' | 'append', userId: string, percent: number): boolean =>
  rolloutBucket(projectId, flow, userId) < percent;
