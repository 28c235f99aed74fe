/** The one small seeded PRNG (mulberry32) for simulations and property tests: replayable from its seed */

/** Deterministic for a seed; floats exist only here and in the price walk, and are turned into ticks at once */
export class Prng {
  private state: number;

  /** `salt` separates streams of different users of the same seed */
  constructor(seed: number, salt = 0x5eed_1e55) {
    this.state = (Math.trunc(seed) ^ salt) >>> 0;
  }

  /** Uniform in [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [low, high) */
  between(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** An integer in [low, high] */
  int(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A standard normal draw (Box–Muller) */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** `n` random bytes as lower-case hex */
  hex(bytes: number): string {
    let out = '';
    for (let i = 0; i < bytes; i += 1) out += this.int(0, 255).toString(16).padStart(2, '0');
    return out;
  }

  /** A decimal string of `digits` digits without a leading zero, like a CLOB token id */
  digits(digits: number): string {
    let out = String(this.int(1, 9));
    while (out.length < digits) out += String(this.int(0, 9));
    return out;
  }

  /** An independent generator for one purpose, so adding draws elsewhere does not shift this stream */
  fork(label: string): Prng {
    let h = this.state ^ 0x811c9dc5;
    for (let i = 0; i < label.length; i += 1) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
    return new Prng(h >>> 0);
  }
}

/** A bare generator function, for property tests: `mulberry32(seed)()` is uniform in [0, 1) */
export function mulberry32(seed: number): () => number {
  const prng = new Prng(seed, 0);
  return () => prng.next();
}
