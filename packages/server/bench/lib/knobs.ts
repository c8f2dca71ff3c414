/**
 * The bench's knobs, all from the environment, read once. BENCH_QUICK=1 turns every default down to
 * a smoke run of about a minute (correctness, not figures); any knob set explicitly still wins.
 */
const QUICK = process.env.BENCH_QUICK === '1';

function whole(name: string, normal: number, quick: number, min = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return QUICK ? quick : normal;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min}, got "${raw}"`);
  return value;
}

export const SECTIONS = ['crypto', 'baseline', 'floor', 'sqlite', 'postgres', 'soak', 'workers', 'growth'] as const;
export type Section = (typeof SECTIONS)[number];

function sections(): ReadonlySet<Section> {
  const raw = process.env.BENCH_ONLY;
  if (!raw) return new Set(SECTIONS);
  const wanted = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown section(s) ${unknown.join(', ')}; accepted: ${SECTIONS.join(', ')}`);
  return new Set(wanted as Section[]);
}

export const knobs = {
  quick: QUICK,
  /** Seconds of each timed load phase (login peak, login at half peak). */
  seconds: whole('BENCH_SECONDS', 8, 2, 1),
  /**
   * Seconds of login + verify load each server gets before it is measured, the same for every
   * server: V8 is still compiling hot code for tens of seconds after a start (measured: CPU per
   * login+verify more than halved over the first 30 s of Latchkey, where the smaller baseline
   * levelled off within 10 s), so a short warm-up charges the larger server for its compiler.
   */
  warmupSeconds: whole('BENCH_WARMUP_SECONDS', 60, 2, 1),
  /** Milliseconds each crypto microbenchmark runs. */
  cryptoMs: whole('BENCH_CRYPTO_MS', 2000, 400, 100),
  /** Concurrent login ceremonies in the closed-loop (peak) phase. */
  lanes: whole('BENCH_LANES', 8, 8, 1),
  /** Concurrent verifications in flight during the verify phase. */
  verifyConcurrency: whole('BENCH_VERIFY_CONCURRENCY', 16, 16, 1),
  /** Seconds of steady load for the memory soak (the full figure is 600). */
  soakSeconds: whole('BENCH_SOAK_SECONDS', 60, 5, 1),
  /** Passkeys (and as many live spent tokens) in the pre-filled store of the growth section. */
  prefill: whole('BENCH_PREFILL', 1_000_000, 20_000, 0),
  /** PostgreSQL server where a fresh database is created per run (and dropped after). */
  postgresUrl: process.env.BENCH_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  sections: sections(),
};
