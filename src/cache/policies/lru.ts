/**
 * LRU: evict the least recently used object (Mattson et al., IBM Systems Journal 1970).
 * With `promote` false it is FIFO: hits change nothing, evict the oldest inserted.
 * Object mode has its own loop over one interleaved link array (prev, next of node k at 2k,
 * 2k+1; prev -1 = not cached), so a hit touches as few cache lines as possible.
 */
import { doubledLength, grown } from "../grow.js";
import { Lists } from "./lists.js";
import { weightOf, type Policy, type PolicyOptions } from "./policy.js";

export class Lru implements Policy {
  private readonly l: Lists;
  /** object mode: node k = id + 1, node 0 the sentinel (its next is the head, its prev the tail) */
  private link = new Int32Array(2048).fill(-1);
  private used = 0;

  constructor(
    private readonly o: PolicyOptions,
    private readonly promote = true,
  ) {
    this.l = new Lists(1, o.bytes);
    this.link[0] = 0;
    this.link[1] = 0;
  }

  run(ids: Int32Array, rec: Uint32Array, n: number, nIds: number): number {
    return this.o.bytes ? this.runBytes(ids, rec, n, nIds) : this.runObjects(ids, n, nIds);
  }

  private runObjects(ids: Int32Array, n: number, nIds: number): number {
    if (2 * (nIds + 1) > this.link.length) {
      this.link = grown(this.link, doubledLength(this.link.length, 2 * (nIds + 1)), -1);
    }
    const link = this.link;
    const cap = this.o.capacity;
    const promote = this.promote;
    let used = this.used;
    let misses = 0;
    for (let i = 0; i < n; i++) {
      const k = ids[i]! + 1;
      const k2 = k << 1;
      const p = link[k2]!;
      if (p >= 0) {
        // Hit: unlink and relink at the head (nothing to do when it is already there).
        if (p === 0 || !promote) continue;
        const q = link[k2 + 1]!;
        link[(p << 1) + 1] = q;
        link[q << 1] = p;
        const h = link[1]!;
        link[k2] = 0;
        link[k2 + 1] = h;
        link[h << 1] = k;
        link[1] = k;
        continue;
      }
      misses++;
      if (used >= cap) {
        const t = link[0]!;
        const tp = link[t << 1]!;
        link[(tp << 1) + 1] = 0;
        link[0] = tp;
        link[t << 1] = -1;
      } else used++;
      const h = link[1]!;
      link[k2] = 0;
      link[k2 + 1] = h;
      link[h << 1] = k;
      link[1] = k;
    }
    this.used = used;
    return misses;
  }

  private runBytes(ids: Int32Array, rec: Uint32Array, n: number, nIds: number): number {
    const l = this.l;
    l.ensure(nIds);
    const cap = this.o.capacity;
    const promote = this.promote;
    let misses = 0;
    for (let i = 0; i < n; i++) {
      const k = ids[i]! + 1;
      if (l.where[k] === 0) {
        if (promote) l.moveHead(0, k);
        continue;
      }
      misses++;
      const w = weightOf(rec, i, true);
      if (w > cap) continue;
      while (l.total[0]! + w > cap) l.popTail(0);
      l.pushHead(0, k, w);
    }
    return misses;
  }
}
