/**
 * A FIFO queue of objects with a visited bit set by hits, the shape CLOCK and SIEVE share;
 * they differ only in how they pick the object to evict.
 */
import { Lists } from "./lists.js";
import { weightOf, type Policy, type PolicyOptions } from "./policy.js";

export abstract class VisitedQueue implements Policy {
  protected readonly l: Lists;

  constructor(private readonly o: PolicyOptions) {
    this.l = new Lists(1, o.bytes);
  }

  /** Remove one object from the queue (flag = visited bit). */
  protected abstract evictOne(): void;

  run(ids: Int32Array, rec: Uint32Array, n: number, nIds: number): number {
    const l = this.l;
    l.ensure(nIds);
    const cap = this.o.capacity;
    let misses = 0;
    for (let i = 0; i < n; i++) {
      const k = ids[i]! + 1;
      if (l.where[k] === 0) {
        l.flag[k] = 1;
        continue;
      }
      misses++;
      const w = weightOf(rec, i, this.o.bytes);
      if (w > cap) continue;
      while (l.total[0]! + w > cap) this.evictOne();
      l.pushHead(0, k, w);
      l.flag[k] = 0;
    }
    return misses;
  }
}
