/**
 * FIFO: evict the oldest inserted object; hits change nothing (an LRU without promotion). In
 * object mode the queue is a ring of ids and each object has one byte (cached or not), so a hit
 * is one byte read; in byte mode it is the LRU's list without promotion.
 */
import { doubledLength, grown } from "../grow.js";
import { Lru } from "./lru.js";
import type { Policy, PolicyOptions } from "./policy.js";
import { grownRing } from "./ring.js";

export const fifo = (o: PolicyOptions): Policy => (o.bytes ? new Lru(o, false) : new FifoRing(o.capacity));

class FifoRing implements Policy {
  private cached = new Uint8Array(1024);
  /** the queue, oldest at `head` */
  private ring = new Int32Array(1024);
  private head = 0;
  private count = 0;

  constructor(private readonly capacity: number) {}

  run(ids: Int32Array, _rec: Uint32Array, n: number, nIds: number): number {
    if (nIds > this.cached.length) this.cached = grown(this.cached, doubledLength(this.cached.length, nIds));
    const cached = this.cached;
    const cap = this.capacity;
    let ring = this.ring;
    let mask = ring.length - 1;
    let head = this.head;
    let count = this.count;
    let misses = 0;
    for (let i = 0; i < n; i++) {
      const k = ids[i]!;
      if (cached[k] !== 0) continue;
      misses++;
      if (count >= cap) {
        cached[ring[head]!] = 0;
        head = (head + 1) & mask;
        count--;
      } else if (count === ring.length) {
        ring = grownRing(ring, head, count);
        mask = ring.length - 1;
        head = 0;
      }
      ring[(head + count) & mask] = k;
      count++;
      cached[k] = 1;
    }
    this.ring = ring;
    this.head = head;
    this.count = count;
    return misses;
  }
}
