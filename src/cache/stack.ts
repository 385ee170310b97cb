/**
 * LRU stack distances in O(log n) per request (Bennett and Kruskal, "LRU stack processing",
 * IBM J. R&D 1975; Mattson et al. 1970 for the stack): a Fenwick tree over the positions of
 * every object's last access holds its weight there, so the distance of a re-access is the
 * weight of the objects touched since (a suffix sum) plus its own. Positions only grow; when
 * they run out the live ones are renumbered 1..live (compaction), so memory follows the number
 * of objects, not the trace length.
 */
import { doubledLength, grown } from "./grow.js";
export class LruStack {
  private tree = new Float64Array(1025);
  /** position -> id, to renumber on compaction */
  private owner = new Int32Array(1025);
  /** id -> position of its last access (0: none) */
  private last = new Int32Array(1024);
  private weight = new Float64Array(1024);
  private m = 1024;
  private t = 0;
  /** objects on the stack and their total weight */
  live = 0;
  totalWeight = 0;

  private ensureIds(nIds: number): void {
    if (nIds <= this.last.length) return;
    const n = doubledLength(this.last.length, nIds);
    this.last = grown(this.last, n);
    this.weight = grown(this.weight, n);
  }

  /**
   * Access `id` (below `nIds`) with weight `w`: returns its stack distance (the weight of the
   * distinct objects accessed since its last access, its own included) or -1 on a first access.
   */
  access(id: number, w: number, nIds: number): number {
    if (id >= this.last.length) this.ensureIds(nIds);
    if (this.t === this.m) this.compact();
    const tree = this.tree;
    const p = this.last[id]!;
    let d = -1;
    if (p > 0) {
      let s = 0;
      for (let i = p; i > 0; i &= i - 1) s += tree[i]!;
      d = this.totalWeight - s + w;
      const old = this.weight[id]!;
      for (let i = p, m = this.m; i <= m; i += i & -i) tree[i]! -= old;
      this.totalWeight -= old;
    } else this.live++;
    const q = ++this.t;
    for (let i = q, m = this.m; i <= m; i += i & -i) tree[i]! += w;
    this.totalWeight += w;
    this.last[id] = q;
    this.owner[q] = id;
    this.weight[id] = w;
    return d;
  }

  /** Forget `id` (SHARDS drops objects when it lowers its sampling rate). */
  remove(id: number): void {
    const p = this.last[id] ?? 0;
    if (p === 0) return;
    const w = this.weight[id]!;
    for (let i = p; i <= this.m; i += i & -i) this.tree[i]! -= w;
    this.totalWeight -= w;
    this.live--;
    this.last[id] = 0;
  }

  /** Renumber the live positions 1..live in order and rebuild the tree in linear time. */
  private compact(): void {
    let m = 1024;
    while (m < this.live * 2 + 2) m *= 2;
    const tree = new Float64Array(m + 1);
    const owner = new Int32Array(m + 1);
    let k = 0;
    for (let pos = 1; pos <= this.t; pos++) {
      const id = this.owner[pos]!;
      if (this.last[id] !== pos) continue;
      this.last[id] = ++k;
      owner[k] = id;
      tree[k] = this.weight[id]!;
    }
    for (let i = 1; i <= m; i++) {
      const j = i + (i & -i);
      if (j <= m) tree[j]! += tree[i]!;
    }
    this.tree = tree;
    this.owner = owner;
    this.m = m;
    this.t = k;
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * The same stack distances when every object weighs 1 (object-counted curves), faster: the
 * marks of last accesses are bits in a bitmap, and the Fenwick tree counts set bits per 32-bit
 * word, so both stay small enough for the CPU caches (a million objects: 256 KiB of bits).
 * Positions are handed out downwards (the newest is the lowest), so counting the marks newer
 * than a recent access is a short prefix walk: most re-accesses in real traces are recent.
 */
export class UnitLruStack {
  private bits = new Int32Array(32);
  /** Fenwick tree over the words' bit counts (1-based) */
  private tree = new Int32Array(33);
  private owner = new Int32Array(1024);
  /** id -> position of its last access + 1 (0: none) */
  private last = new Int32Array(1024);
  private m = 1024;
  /** positions handed out so far: the next is m - 1 - t */
  private t = 0;
  live = 0;

  access(id: number, nIds: number): number {
    if (id >= this.last.length) {
      this.last = grown(this.last, doubledLength(this.last.length, nIds));
    }
    if (this.t === this.m) this.compact();
    const bits = this.bits;
    const tree = this.tree;
    const words = bits.length;
    const p = this.last[id]! - 1;
    let d = -1;
    if (p >= 0) {
      const w = p >>> 5;
      const b = p & 31;
      // marks newer than p: in lower words, plus in p's word below bit b; and p itself
      let newer = 0;
      for (let i = w; i > 0; i &= i - 1) newer += tree[i]!;
      d = newer + popcount(bits[w]! << (31 - b));
      bits[w] = bits[w]! & ~(1 << b);
      for (let i = w + 1; i <= words; i += i & -i) tree[i]!--;
    } else this.live++;
    const q = this.m - 1 - this.t++;
    const wq = q >>> 5;
    bits[wq] = bits[wq]! | (1 << (q & 31));
    for (let i = wq + 1; i <= words; i += i & -i) tree[i]!++;
    this.last[id] = q + 1;
    this.owner[q] = id;
    return d;
  }

  /** Renumber the live positions to the top m-live..m-1, in order; rebuild bitmap and tree. */
  private compact(): void {
    let m = 1024;
    while (m < this.live * 2 + 64) m *= 2;
    const owner = new Int32Array(m);
    const words = m >>> 5;
    const bits = new Int32Array(words);
    let k = m;
    // Oldest (highest position) first, so the order is kept.
    for (let w = this.bits.length - 1; w >= 0; w--) {
      let x = this.bits[w]!;
      while (x !== 0) {
        const b = 31 - Math.clz32(x);
        x &= ~(1 << b);
        const id = this.owner[(w << 5) | b]!;
        k--;
        owner[k] = id;
        bits[k >>> 5]! |= 1 << (k & 31);
        this.last[id] = k + 1;
      }
    }
    const tree = new Int32Array(words + 1);
    for (let w = 0; w < words; w++) tree[w + 1] = popcount(bits[w]!);
    for (let i = 1; i <= words; i++) {
      const j = i + (i & -i);
      if (j <= words) tree[j]! += tree[i]!;
    }
    this.bits = bits;
    this.tree = tree;
    this.owner = owner;
    this.m = m;
    this.t = m - k;
  }
}
