/**
 * Belady's MIN (Belady, IBM Systems Journal 1966): evict the cached object whose next request
 * is farthest in the future (never again = infinitely far). Needs each request's next-access
 * index (oracleGeneral carries it; other formats get it from a forward pass). Optimal in
 * object mode; with sizes it is the same rule, a heuristic.
 */
import { IndexedHeap } from "./heap.js";
import { weightOf, type Policy, type PolicyOptions } from "./policy.js";
import { nextAccess } from "../trace.js";

export class Belady implements Policy {
  private readonly h = new IndexedHeap();

  constructor(private readonly o: PolicyOptions) {}

  run(ids: Int32Array, rec: Uint32Array, n: number, nIds: number, next?: Float64Array): number {
    const h = this.h;
    h.ensure(nIds);
    let misses = 0;
    for (let i = 0; i < n; i++) {
      const id = ids[i]!;
      // A min-heap on the negated next access: the top is the farthest.
      const key = -(next ? next[i]! : nextAccess(rec, i));
      if (h.pos[id]! >= 0) {
        h.update(id, key, 0);
        continue;
      }
      misses++;
      const w = weightOf(rec, i, this.o.bytes);
      if (w <= this.o.capacity) h.pushEvicting(id, key, 0, w, this.o.capacity);
    }
    return misses;
  }
}
