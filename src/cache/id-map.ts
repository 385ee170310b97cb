/**
 * Maps 64-bit object ids (lo/hi u32 halves) to dense int32 indices 0, 1, 2, ... in order of
 * first appearance, so policies can keep per-object state in typed arrays. Open addressing
 * with linear probing over a power-of-two table, grown at 50% load; each slot is 4 int32
 * (lo, hi, index + 1, unused) so a probe touches one cache line. Slots are chosen by
 * Fibonacci hashing (Knuth, TAOCP vol. 3, 6.4): the top bits of a multiplicative hash.
 * While ids are small and dense (below 2^32, and the largest below 8x the count plus 2^22, as
 * block numbers and table rows often are) a direct table indexed by the id replaces the
 * hash: one small array access instead of a probe in a table 8x larger. The first id that
 * breaks the rule moves every id to the hash table for good.
 */
import { doubledLength, grown } from "./grow.js";
const GOLDEN = 0x9e3779b1;
const DIRECT_FREE = 1 << 22;

export class IdMap {
  /** slots of 4 int32: lo, hi, dense index + 1 (0: empty), unused */
  private tab: Int32Array;
  private shift: number;
  /** id -> dense index + 1 (0: unseen) while in direct mode, else null */
  private direct: Int32Array | null = new Int32Array(1 << 16);
  /** number of distinct ids seen */
  size = 0;
  /** the original ids by dense index */
  lo: Uint32Array;
  hi: Uint32Array;

  constructor() {
    // The hash table is sized when the direct table is given up (growDirect).
    this.tab = new Int32Array(4 << 10);
    this.shift = 22;
    this.lo = new Uint32Array(1 << 16);
    this.hi = new Uint32Array(1 << 16);
  }

  /** The dense index of (lo, hi), adding it if new. */
  get(lo: number, hi: number): number {
    const direct = this.direct;
    if (direct !== null) {
      if (hi === 0 && lo < direct.length) {
        const v = direct[lo]!;
        return v !== 0 ? v - 1 : this.addDirect(lo);
      }
      if (!this.growDirect(lo, hi)) return this.get(lo, hi);
      return this.addDirect(lo);
    }
    const l = lo | 0;
    const h = hi | 0;
    const s = this.probe(l, h);
    const v = this.tab[s + 2]!;
    return v !== 0 ? v - 1 : this.insert(l, h, s);
  }

  /** The dense index of (lo, hi), or -1 if it was never seen. */
  find(lo: number, hi: number): number {
    if (this.direct !== null) return hi === 0 && lo < this.direct.length ? this.direct[lo]! - 1 : -1;
    const v = this.tab[this.probe(lo | 0, hi | 0) + 2]!;
    return v - 1;
  }

  /** The hash slot holding (l, h), or the empty slot where it would go. */
  private probe(l: number, h: number): number {
    const tab = this.tab;
    const mask = tab.length - 4;
    let s = (Math.imul(l ^ Math.imul(h, GOLDEN), GOLDEN) >>> this.shift) << 2;
    while (tab[s + 2] !== 0 && (tab[s] !== l || tab[s + 1] !== h)) s = (s + 4) & mask;
    return s;
  }

  /** Map a batch of records (oracleGeneral layout, 6 u32 per record) to dense ids. */
  mapRecords(rec: Uint32Array, n: number, out: Int32Array): void {
    let i = 0;
    for (let direct = this.direct; direct !== null && i < n; direct = this.direct) {
      const len = direct.length;
      for (let b = 1 + 6 * i; i < n; i++, b += 6) {
        const lo = rec[b]!;
        if (rec[b + 1] !== 0 || lo >= len) break;
        const v = direct[lo]!;
        out[i] = v !== 0 ? v - 1 : this.addDirect(lo);
      }
      if (i < n) {
        out[i] = this.get(rec[1 + 6 * i]!, rec[2 + 6 * i]!);
        i++;
      }
    }
    // probe() inlined: this loop runs once per request.
    let tab = this.tab;
    let mask = tab.length - 4;
    let shift = this.shift;
    for (let b = 1 + 6 * i; i < n; i++, b += 6) {
      const l = rec[b]! | 0;
      const h = rec[b + 1]! | 0;
      let s = (Math.imul(l ^ Math.imul(h, GOLDEN), GOLDEN) >>> shift) << 2;
      for (;;) {
        const v = tab[s + 2]!;
        if (v === 0) {
          out[i] = this.insert(l, h, s);
          tab = this.tab;
          mask = tab.length - 4;
          shift = this.shift;
          break;
        }
        if (tab[s] === l && tab[s + 1] === h) {
          out[i] = v - 1;
          break;
        }
        s = (s + 4) & mask;
      }
    }
  }

  private addDirect(lo: number): number {
    const id = this.size++;
    this.direct![lo] = id + 1;
    if (id >= this.lo.length) this.growNames();
    this.lo[id] = lo;
    this.hi[id] = 0;
    return id;
  }

  /** Make the direct table hold `lo`; false if the id breaks the rule (then all ids move to the hash). */
  private growDirect(lo: number, hi: number): boolean {
    const limit = 8 * this.size + DIRECT_FREE;
    if (hi === 0 && lo < limit) {
      this.direct = grown(this.direct!, doubledLength(this.direct!.length, lo + 1));
      return true;
    }
    this.direct = null;
    let bits = 10;
    while (1 << bits < this.size * 2 + 2) bits++;
    this.tab = new Int32Array(4 << (bits + 1));
    this.shift = 32 - (bits + 1);
    this.rehashInto();
    return false;
  }

  private insert(l: number, h: number, s: number): number {
    const id = this.size++;
    const tab = this.tab;
    tab[s] = l;
    tab[s + 1] = h;
    tab[s + 2] = id + 1;
    if (id >= this.lo.length) this.growNames();
    this.lo[id] = l;
    this.hi[id] = h;
    if (this.size * 8 > tab.length) this.rehash();
    return id;
  }

  private growNames(): void {
    this.lo = grown(this.lo, this.lo.length * 2);
    this.hi = grown(this.hi, this.hi.length * 2);
  }

  private rehash(): void {
    this.tab = new Int32Array(this.tab.length * 2);
    this.shift -= 1;
    this.rehashInto();
  }

  /** Put every known id into the (empty) hash table. */
  private rehashInto(): void {
    const tab = this.tab;
    for (let id = 0; id < this.size; id++) {
      const l = this.lo[id]! | 0;
      const h = this.hi[id]! | 0;
      const s = this.probe(l, h);
      tab[s] = l;
      tab[s + 1] = h;
      tab[s + 2] = id + 1;
    }
  }
}
