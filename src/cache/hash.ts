/**
 * 32-bit hash of a 64-bit object id given as two u32 halves, for SHARDS sampling: MurmurHash3's
 * mixing of one block and its finalizer fmix32 (Appleby, MurmurHash3), no BigInt. A weaker
 * multiply-xorshift mix was tried and sampled ids scattered by a golden-ratio multiple (as
 * Zipf generators, ours included, scatter ranks) unevenly: curves off by 0.03.
 */
export function hash64(lo: number, hi: number, seed: number): number {
  let h = Math.imul(lo ^ seed, 0xcc9e2d51);
  h = (h << 15) | (h >>> 17);
  h = Math.imul(h, 0x1b873593) ^ Math.imul(hi + 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
