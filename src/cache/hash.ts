/**
 * 32-bit hash of a 64-bit object id given as two u32 halves, for SHARDS sampling: a
 * multiply-xorshift mix in the style of the murmur3 finalizer (Appleby, MurmurHash3 fmix32),
 * three multiplications, no BigInt.
 */
export function hash64(lo: number, hi: number, seed: number): number {
  let h = Math.imul(lo ^ seed, 0x9e3779b1) ^ Math.imul(hi ^ (seed >>> 7), 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 13;
  return h >>> 0;
}
