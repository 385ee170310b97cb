/**
 * 2Q (Johnson and Shasha, VLDB 1994, the "full version"), with libCacheSim's TwoQ.c sizes:
 * A1in, a FIFO of 25% of the cache, takes new objects (hits there change nothing); what it
 * evicts is remembered in A1out, a ghost FIFO of 50% of the cache size; a miss that hits
 * A1out goes to Am, an LRU of the remaining 75%. Eviction takes from A1in while it is over
 * its share, else from Am.
 */
import { Lists } from "./lists.js";
import { weightOf, type Policy, type PolicyOptions } from "./policy.js";

const AIN = 0;
const AM = 1;
const AOUT = 2;

export class TwoQ implements Policy {
  private readonly l: Lists;
  private readonly inSize: number;
  private readonly outSize: number;
  private readonly amSize: number;

  constructor(private readonly o: PolicyOptions) {
    this.l = new Lists(3, o.bytes);
    this.inSize = Math.max(1, Math.floor(o.capacity * 0.25));
    this.outSize = Math.floor(o.capacity * 0.5);
    this.amSize = o.capacity - this.inSize;
  }

  private evict(): void {
    const l = this.l;
    if (l.total[AIN]! > this.inSize || l.count[AM] === 0) {
      const t = l.tail(AIN);
      l.moveHead(AOUT, t);
      while (l.total[AOUT]! > this.outSize) l.popTail(AOUT);
    } else l.popTail(AM);
  }

  run(ids: Int32Array, rec: Uint32Array, n: number, nIds: number): number {
    const l = this.l;
    l.ensure(nIds);
    const c = this.o.capacity;
    let misses = 0;
    for (let i = 0; i < n; i++) {
      const k = ids[i]! + 3;
      const where = l.where[k]!;
      if (where === AIN) continue;
      if (where === AM) {
        l.moveHead(AM, k);
        continue;
      }
      misses++;
      const w = weightOf(rec, i, this.o.bytes);
      if (w > this.inSize) continue;
      const ghost = where === AOUT;
      if (ghost) l.unlink(k);
      while (l.total[AIN]! + l.total[AM]! + w > c) this.evict();
      if (ghost) {
        // Am is an LRU of its own size (libCacheSim inserts with Am->get).
        while (l.total[AM]! + w > this.amSize) l.popTail(AM);
        l.pushHead(AM, k, w);
      } else l.pushHead(AIN, k, w);
    }
    return misses;
  }
}
