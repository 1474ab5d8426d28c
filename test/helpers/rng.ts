// Seeded test data: xorshift32, so a failing case reproduces from its seed.

/** A generator of numbers in [0, 1) from `seed` (0 counts as 1: xorshift never leaves 0). */
export function createRng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}
