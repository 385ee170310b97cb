/**
 * Maps 64-bit object ids (lo/hi u32 halves) to dense int32 indices 0, 1, 2, ... in order of
 * first appearance, so policies can keep per-object state in typed arrays. Open addressing
 * with linear probing over a power-of-two table, grown at 50% load.
 */
import { hash64 } from "./hash.js";

const SEED = 0x2545f491;

export class IdMap {
  private keyLo: Uint32Array;
  private keyHi: Uint32Array;
  /** dense index + 1; 0 marks an empty slot */
  private val: Int32Array;
  private mask: number;
  /** number of distinct ids seen */
  size = 0;
  /** the original ids by dense index (for writers) */
  lo: Uint32Array;
  hi: Uint32Array;

  constructor(capacity = 1 << 16) {
    let cap = 1024;
    while (cap < capacity * 2) cap *= 2;
    this.keyLo = new Uint32Array(cap);
    this.keyHi = new Uint32Array(cap);
    this.val = new Int32Array(cap);
    this.mask = cap - 1;
    this.lo = new Uint32Array(cap >>> 1);
    this.hi = new Uint32Array(cap >>> 1);
  }

  /** The dense index of (lo, hi), adding it if new. */
  get(lo: number, hi: number): number {
    const mask = this.mask;
    const keyLo = this.keyLo;
    const keyHi = this.keyHi;
    const val = this.val;
    let i = hash64(lo, hi, SEED) & mask;
    for (;;) {
      const v = val[i]!;
      if (v === 0) break;
      if (keyLo[i] === lo && keyHi[i] === hi) return v - 1;
      i = (i + 1) & mask;
    }
    const id = this.size++;
    keyLo[i] = lo;
    keyHi[i] = hi;
    val[i] = id + 1;
    if (id >= this.lo.length) this.growNames();
    this.lo[id] = lo;
    this.hi[id] = hi;
    if (this.size * 2 > mask) this.rehash();
    return id;
  }

  /** The dense index of (lo, hi), or -1 if it was never seen. */
  find(lo: number, hi: number): number {
    const mask = this.mask;
    let i = hash64(lo, hi, SEED) & mask;
    for (;;) {
      const v = this.val[i]!;
      if (v === 0) return -1;
      if (this.keyLo[i] === lo && this.keyHi[i] === hi) return v - 1;
      i = (i + 1) & mask;
    }
  }

  /** Map a batch of records (oracleGeneral layout, 6 u32 per record) to dense ids. */
  mapRecords(rec: Uint32Array, n: number, out: Int32Array): void {
    for (let i = 0, b = 1; i < n; i++, b += 6) out[i] = this.get(rec[b]!, rec[b + 1]!);
  }

  private growNames(): void {
    const lo = new Uint32Array(this.lo.length * 2);
    const hi = new Uint32Array(this.hi.length * 2);
    lo.set(this.lo);
    hi.set(this.hi);
    this.lo = lo;
    this.hi = hi;
  }

  private rehash(): void {
    const cap = (this.mask + 1) * 2;
    const keyLo = new Uint32Array(cap);
    const keyHi = new Uint32Array(cap);
    const val = new Int32Array(cap);
    const mask = cap - 1;
    for (let id = 0; id < this.size; id++) {
      const lo = this.lo[id]!;
      const hi = this.hi[id]!;
      let i = hash64(lo, hi, SEED) & mask;
      while (val[i] !== 0) i = (i + 1) & mask;
      keyLo[i] = lo;
      keyHi[i] = hi;
      val[i] = id + 1;
    }
    this.keyLo = keyLo;
    this.keyHi = keyHi;
    this.val = val;
    this.mask = mask;
  }
}
