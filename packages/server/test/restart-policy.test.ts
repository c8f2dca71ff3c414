import { expect, it } from 'vitest';
import { RestartPolicy } from '../src/cluster/restart-policy.js';

/** When `serve --workers` replaces a dead worker, and when it stops trying (times are given, not waited for). */

it('replaces a worker that served for a while at once, every time', () => {
  const policy = new RestartPolicy();
  for (let i = 0; i < 20; i++) expect(policy.delayAfterExit(1_000_000 + i * 1000, 0)).toBe(0);
});

it('backs off after quick failures and gives up on the fifth within a minute', () => {
  const policy = new RestartPolicy();
  const t = 1_000_000;
  expect(policy.delayAfterExit(t, undefined)).toBe(100); // died before it listened
  expect(policy.delayAfterExit(t + 200, t + 150)).toBe(200); // died 50 ms after it listened
  expect(policy.delayAfterExit(t + 500, undefined)).toBe(400);
  expect(policy.delayAfterExit(t + 1000, undefined)).toBe(800);
  expect(policy.delayAfterExit(t + 2000, undefined)).toBeUndefined();
  expect(policy.describe()).toMatch(/^5 workers exited within 10 s of starting/);
});

it('forgets quick failures older than a minute', () => {
  const policy = new RestartPolicy();
  for (let i = 0; i < 4; i++) policy.delayAfterExit(i * 1000, undefined);
  expect(policy.delayAfterExit(10 * 60_000, undefined)).toBe(100);
});
