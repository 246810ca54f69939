/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32). Deterministic
 * for a seed on every platform; not for cryptography. Everything that must be reproducible
 * (input generation, bootstrap resampling, benchmark round order) draws from it.
 */

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [lo, hi], both ends inclusive. Returns lo when hi < lo. */
  int(lo: number, hi: number): number;
  /** A uniformly chosen element. Throws on an empty array. */
  pick<T>(arr: readonly T[]): T;
  /** A shuffled copy (Fisher–Yates); the argument is left untouched. */
  shuffle<T>(arr: readonly T[]): T[];
  /** true with probability p (default 0.5). */
  bool(p?: number): boolean;
  /** A standard normal deviate (Box–Muller). */
  normal(): number;
  /** An independent generator derived from this one's stream (for sub-tasks that must not shift the parent's sequence). */
  fork(): Rng;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Creates a generator. Any finite number is accepted as a seed (non-integers are hashed by their bits). */
export function createRng(seed: number): Rng {
  let s32: number;
  if (Number.isInteger(seed) && Math.abs(seed) <= 0xffffffff) s32 = seed >>> 0;
  else {
    const buf = new Float64Array([Number.isFinite(seed) ? seed : 0]);
    const words = new Uint32Array(buf.buffer);
    s32 = ((words[0] ?? 0) ^ Math.imul(words[1] ?? 0, 0x9e3779b1)) >>> 0;
  }
  const init = splitmix32(s32);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const next32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  // Discard the first outputs: sfc32 mixes poorly for a few rounds after seeding.
  for (let i = 0; i < 12; i++) next32();

  const next = (): number => next32() / 4294967296;
  let spare: number | null = null;

  const rng: Rng = {
    next,
    int(lo, hi) {
      lo = Math.ceil(lo);
      hi = Math.floor(hi);
      if (!(hi > lo)) return lo;
      return lo + Math.floor(next() * (hi - lo + 1));
    },
    pick<T>(arr: readonly T[]): T {
      if (arr.length === 0) throw new RangeError('pick() from an empty array');
      return arr[Math.floor(next() * arr.length)] as T;
    },
    shuffle<T>(arr: readonly T[]): T[] {
      const out = arr.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = out[i] as T;
        out[i] = out[j] as T;
        out[j] = tmp;
      }
      return out;
    },
    bool(p = 0.5) {
      return next() < p;
    },
    normal() {
      if (spare !== null) {
        const v = spare;
        spare = null;
        return v;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    fork() {
      return createRng(next32() ^ Math.imul(next32(), 0x27d4eb2d));
    },
  };
  return rng;
}
