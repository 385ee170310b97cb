/**
 * S3-FIFO (Yang et al., "FIFO queues are all you need for cache eviction", SOSP 2023, Sec. 4),
 * with libCacheSim's S3FIFO.c defaults: a small FIFO of 10% of the cache, a main FIFO (a
 * 2-bit CLOCK) of the rest, and a ghost FIFO of 90% of the cache size. New objects enter the
 * small queue (the main one if the ghost remembers them); an object leaving the small queue
 * moves to main if it was hit at least twice (move-to-main threshold 2), else it goes to the
 * ghost. As in the paper (libCacheSim's S3FIFOv0), also while the cache is still filling:
 * this matches the reference results exactly, the later variant that fills main first does not.
 */
import { Lists } from "./lists.js";
import { weightOf, type Policy, type PolicyOptions } from "./policy.js";

const SMALL = 0;
const MAIN = 1;
const GHOST = 2;
const THRESHOLD = 2;

export class S3Fifo implements Policy {
  private readonly l: Lists;
  private readonly smallSize: number;
  private readonly mainSize: number;
  private readonly ghostSize: number;

  constructor(private readonly o: PolicyOptions) {
    this.l = new Lists(3, o.bytes);
    this.smallSize = Math.max(1, Math.floor(o.capacity * 0.1));
    this.mainSize = o.capacity - this.smallSize;
    this.ghostSize = Math.floor(o.capacity * 0.9);
  }

  private evictSmall(): void {
    const l = this.l;
    while (l.count[SMALL]! > 0) {
      const t = l.tail(SMALL);
      if (l.flag[t]! >= THRESHOLD) {
        l.moveHead(MAIN, t);
        l.flag[t] = 0;
        continue;
      }
      if (l.weightOf(t) <= this.ghostSize) {
        l.moveHead(GHOST, t);
        while (l.total[GHOST]! > this.ghostSize) l.popTail(GHOST);
      } else l.unlink(t);
      return;
    }
  }

  private evictMain(): void {
    const l = this.l;
    while (l.count[MAIN]! > 0) {
      const t = l.tail(MAIN);
      const f = l.flag[t]!;
      if (f >= 1) {
        l.moveHead(MAIN, t);
        l.flag[t] = Math.min(f, 3) - 1;
        continue;
      }
      l.unlink(t);
      return;
    }
  }

  run(ids: Int32Array, rec: Uint32Array, n: number, nIds: number): number {
    const l = this.l;
    l.ensure(nIds);
    const freq = l.flag;
    const c = this.o.capacity;
    let misses = 0;
    for (let i = 0; i < n; i++) {
      const k = ids[i]! + 3;
      const where = l.where[k]!;
      if (where === SMALL || where === MAIN) {
        if (freq[k]! < 3) freq[k]!++;
        continue;
      }
      misses++;
      const w = weightOf(rec, i, this.o.bytes);
      if (w > this.smallSize) continue;
      const ghost = where === GHOST;
      if (ghost) l.unlink(k);
      while (l.total[SMALL]! + l.total[MAIN]! + w > c) {
        if (l.total[MAIN]! > this.mainSize || l.count[SMALL] === 0) this.evictMain();
        else this.evictSmall();
      }
      if (ghost) l.pushHead(MAIN, k, w);
      else l.pushHead(SMALL, k, w);
      freq[k] = 0;
    }
    return misses;
  }
}
