/**
 * The tests' one seeded pseudo-random source: a seed in, a reproducible stream of 32-bit unsigned
 * integers out (Marsaglia's xorshift32, shifts 13/17/5), so that a fuzz or robustness failure
 * reproduces from its seed. Not for anything but tests.
 */
export function xorshift32(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}
