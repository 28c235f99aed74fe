/** The torture run's seeded kill schedule: which kill each cycle gets, reproducible from --seed */
import type { CrashPoint } from '../engine/lt-hooks.ts';

/** The env var without which the torture child refuses to run (it SIGKILLs itself on request): test-only */
export const TEST_ONLY_GATE = 'TANDEM_TEST_CRASH_INJECTION';

export const CRASH_POINTS: readonly CrashPoint[] = ['after_intent', 'after_submit', 'after_fill', 'mid_settlement', 'after_redeem_record',
  'after_redeem_send'];

/** An injected kill at a point, or a random one: SIGKILL from outside `fraction` × (the expected busy time) after the go */
export type KillPlan = { kind: 'injected'; point: CrashPoint } | { kind: 'random'; fraction: number };

/** mulberry32: a small seeded PRNG, uniform in [0, 1) */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Half the kills are injected, half random. The intent -> submit window (after_intent) gets a third of the injected ones,
 * the other points share the rest: the window that random kills almost never hit is the one that matters most
 */
export function killSchedule(seed: number, cycles: number): KillPlan[] {
  const next = prng(seed);
  const others = CRASH_POINTS.filter((p) => p !== 'after_intent');
  return Array.from({ length: cycles }, (): KillPlan => {
    if (next() < 0.5) return { kind: 'random', fraction: next() };
    const pick = next();
    if (pick < 1 / 3) return { kind: 'injected', point: 'after_intent' };
    return { kind: 'injected', point: others[Math.min(others.length - 1, Math.floor(((pick - 1 / 3) * 3 / 2) * others.length))]! };
  });
}

export const describePlan = (p: KillPlan): string => (p.kind === 'injected' ? `injected:${p.point}` : `random:${p.fraction.toFixed(3)}`);
