/**
 * LRU: evict the least recently used object (Mattson et al., IBM Systems Journal 1970).
 * With `promote` false it is FIFO: hits change nothing, evict the oldest inserted.
 */
import { Lists } from "./lists.js";
import { weightOf, type Policy, type PolicyOptions } from "./policy.js";

export class Lru implements Policy {
  private readonly l = new Lists(1);

  constructor(
    private readonly o: PolicyOptions,
    private readonly promote = true,
  ) {}

  run(ids: Int32Array, rec: Uint32Array, n: number, nIds: number): number {
    const l = this.l;
    l.ensure(nIds);
    const cap = this.o.capacity;
    const bytes = this.o.bytes;
    const promote = this.promote;
    let misses = 0;
    for (let i = 0; i < n; i++) {
      const k = ids[i]! + 1;
      if (l.where[k] === 0) {
        if (promote) l.moveHead(0, k);
        continue;
      }
      misses++;
      const w = weightOf(rec, i, bytes);
      if (w > cap) continue;
      while (l.total[0]! + w > cap) l.popTail(0);
      l.pushHead(0, k, w);
    }
    return misses;
  }
}
