/**
 * FBGEMM's HBM embedding cache (fbgemm_gpu split_embeddings_cache_cuda.cu, `lru_cache_*`): a
 * set-associative LRU with 32 ways (its ASSOC, one warp's lanes). A row's set is
 * `cache_slot(linear index, sets)`: MurmurHash3's 64-bit finalizer fmix64 of the index, mod the
 * number of sets; here the index is the trace's original 64-bit object id (ID_LO, ID_HI), as
 * FBGEMM hashes the linearised row index (table offset + row). On a miss the way with the oldest
 * last-use stamp is replaced (empty ways first). Object mode only.
 *
 * Sets: max(1, floor(capacity / 32)), so the cache never holds more than `capacity` rows
 * (FBGEMM sizes the cache in whole sets too); a capacity below 32 is one set of `capacity` ways.
 * The cache is then 32 * sets rows, up to 31 fewer than asked for.
 *
 * Not modelled: FBGEMM serves a whole batch at once (its rows are all fetched before any of
 * them can be evicted, and a set with more distinct misses than ways in one batch leaves some
 * uncached); this is the one-request-at-a-time cache.
 */
import { UserError } from "../../spec/errors.js";
import { doubledLength, grown } from "../grow.js";
import { ID_HI, ID_LO, STRIDE } from "../trace.js";
import type { Policy, PolicyOptions } from "./policy.js";

/** FBGEMM's associativity. */
export const SET_LRU_WAYS = 32;

/** Low 64 bits of (ah:al) * (bh:bl), all u32 halves, as [hi, lo]. */
function mul64(ah: number, al: number, bh: number, bl: number): [number, number] {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const t = a0 * b0;
  const mid = a1 * b0 + a0 * b1 + Math.floor(t / 65536);
  const hiLL = a1 * b1 + Math.floor(mid / 65536);
  const lo = Math.imul(al, bl) >>> 0;
  const hi = (hiLL + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
  return [hi, lo];
}

/** (a * b) mod m for a, b, m below 2^32 without losing precision. */
function mulmod(a: number, b: number, m: number): number {
  return (((a * Math.floor(b / 65536)) % m) * 65536 + a * (b % 65536)) % m;
}

/**
 * FBGEMM's `cache_slot`: fmix64 (MurmurHash3's 64-bit finalizer) of the id (u32 halves lo, hi),
 * mod `sets` (1 to 2^32-1), without BigInt.
 */
export function cacheSlot(lo: number, hi: number, sets: number): number {
  // h ^= h >> 33: the high half shifted by 1 lands in the low half.
  let l = (lo ^ (hi >>> 1)) >>> 0;
  let h = hi >>> 0;
  [h, l] = mul64(h, l, 0xff51afd7, 0xed558ccd);
  l = (l ^ (h >>> 1)) >>> 0;
  [h, l] = mul64(h, l, 0xc4ceb9fe, 0x1a85ec53);
  l = (l ^ (h >>> 1)) >>> 0;
  return (mulmod(h % sets, 4294967296 % sets, sets) + (l % sets)) % sets;
}

/** Sets and ways of a set-lru cache of `capacity` rows. */
export function setLruShape(capacity: number): { sets: number; ways: number } {
  const c = Math.max(1, Math.floor(capacity));
  return c < SET_LRU_WAYS ? { sets: 1, ways: c } : { sets: Math.floor(c / SET_LRU_WAYS), ways: SET_LRU_WAYS };
}

export class SetLru implements Policy {
  private readonly sets: number;
  private readonly ways: number;
  /** per slot (set * ways + way): the dense id held (-1: empty) and its last use (-1: never) */
  private readonly tag: Int32Array;
  private readonly stamp: Float64Array;
  /** per dense id: its set (-1: not hashed yet) and its slot (-1: not cached) */
  private setOf = new Int32Array(1024).fill(-1);
  private slotOf = new Int32Array(1024).fill(-1);
  private now = 0;

  constructor(o: PolicyOptions) {
    if (o.bytes) throw new UserError("set-lru works in objects (rows): give --size as a number of rows, not bytes");
    const { sets, ways } = setLruShape(o.capacity);
    this.sets = sets;
    this.ways = ways;
    this.tag = new Int32Array(sets * ways).fill(-1);
    this.stamp = new Float64Array(sets * ways).fill(-1);
  }

  /** Rows held now (at most sets * ways). */
  resident(): number {
    let n = 0;
    for (let k = 0; k < this.tag.length; k++) if (this.tag[k]! >= 0) n++;
    return n;
  }

  run(ids: Int32Array, rec: Uint32Array, n: number, nIds: number): number {
    if (nIds > this.setOf.length) {
      const len = doubledLength(this.setOf.length, nIds);
      this.setOf = grown(this.setOf, len, -1);
      this.slotOf = grown(this.slotOf, len, -1);
    }
    const setOf = this.setOf;
    const slotOf = this.slotOf;
    const tag = this.tag;
    const stamp = this.stamp;
    const ways = this.ways;
    const sets = this.sets;
    let now = this.now;
    let misses = 0;
    for (let i = 0; i < n; i++, now++) {
      const id = ids[i]!;
      const slot = slotOf[id]!;
      if (slot >= 0) {
        stamp[slot] = now;
        continue;
      }
      misses++;
      let s = setOf[id]!;
      if (s < 0) {
        s = sets === 1 ? 0 : cacheSlot(rec[i * STRIDE + ID_LO]!, rec[i * STRIDE + ID_HI]!, sets);
        setOf[id] = s;
      }
      // The victim: the way with the oldest stamp (an empty way's -1 is older than any use).
      const base = s * ways;
      let v = base;
      let oldest = stamp[base]!;
      for (let w = base + 1; w < base + ways; w++) {
        const t = stamp[w]!;
        if (t < oldest) {
          oldest = t;
          v = w;
        }
      }
      const old = tag[v]!;
      if (old >= 0) slotOf[old] = -1;
      tag[v] = id;
      stamp[v] = now;
      slotOf[id] = v;
    }
    this.now = now;
    return misses;
  }
}
