/**
 * LFU: evict the least frequently used object; among equal counts the one that reached its
 * count first (libCacheSim's LFU.c). Counts start at 1 on insertion and are forgotten on
 * eviction. A heap keyed by (count, arrival at that count).
 */
import { IndexedHeap } from "./heap.js";
import { weightOf, type Policy, type PolicyOptions } from "./policy.js";

export class Lfu implements Policy {
  private readonly h = new IndexedHeap();
  private seq = 0;

  constructor(private readonly o: PolicyOptions) {}

  run(ids: Int32Array, rec: Uint32Array, n: number, nIds: number): number {
    const h = this.h;
    h.ensure(nIds);
    let misses = 0;
    for (let i = 0; i < n; i++) {
      const id = ids[i]!;
      if (h.pos[id]! >= 0) {
        h.update(id, h.k1[id]! + 1, this.seq++);
        continue;
      }
      misses++;
      const w = weightOf(rec, i, this.o.bytes);
      if (w <= this.o.capacity) h.pushEvicting(id, 1, this.seq++, w, this.o.capacity);
    }
    return misses;
  }
}
