/**
 * LFU: evict the least frequently used object; among equal counts the one that reached its
 * count first (libCacheSim's LFU.c). Counts start at 1 on insertion and are forgotten on
 * eviction. O(1) per request with a list of frequency buckets, each a FIFO of its objects
 * (Shah, Mitra and Matani, "An O(1) algorithm for implementing the LFU cache eviction scheme",
 * 2010). Bucket 0 is the sentinel of the bucket list, which runs in increasing frequency.
 */
import { doubledLength, grown } from "../grow.js";
import { weightOf, type Policy, type PolicyOptions } from "./policy.js";

export class Lfu implements Policy {
  // objects, by dense id
  private oPrev = new Int32Array(1024);
  private oNext = new Int32Array(1024);
  private oBucket = new Int32Array(1024).fill(-1);
  private oWeight = new Float64Array(1024);
  // buckets, by index (0: sentinel)
  private bPrev = new Int32Array(64);
  private bNext = new Int32Array(64);
  private bHead = new Int32Array(64).fill(-1);
  private bTail = new Int32Array(64).fill(-1);
  private bFreq = new Float64Array(64);
  private free: number[] = [];
  private buckets = 1;
  private used = 0;

  constructor(private readonly o: PolicyOptions) {}

  private newBucket(freq: number, after: number): number {
    let b = this.free.pop();
    if (b === undefined) {
      b = this.buckets++;
      if (b >= this.bPrev.length) {
        const n = this.bPrev.length * 2;
        this.bPrev = grown(this.bPrev, n, 0);
        this.bNext = grown(this.bNext, n, 0);
        this.bHead = grown(this.bHead, n, -1);
        this.bTail = grown(this.bTail, n, -1);
        this.bFreq = grown(this.bFreq, n, 0);
      }
    }
    const next = this.bNext[after]!;
    this.bPrev[b] = after;
    this.bNext[b] = next;
    this.bNext[after] = b;
    this.bPrev[next] = b;
    this.bFreq[b] = freq;
    this.bHead[b] = -1;
    this.bTail[b] = -1;
    return b;
  }

  private append(b: number, id: number): void {
    const t = this.bTail[b]!;
    this.oPrev[id] = t;
    this.oNext[id] = -1;
    if (t >= 0) this.oNext[t] = id;
    else this.bHead[b] = id;
    this.bTail[b] = id;
    this.oBucket[id] = b;
  }

  /** Take `id` out of its bucket, dropping the bucket if it empties. */
  private detach(id: number): void {
    const b = this.oBucket[id]!;
    const p = this.oPrev[id]!;
    const q = this.oNext[id]!;
    if (p >= 0) this.oNext[p] = q;
    else this.bHead[b] = q;
    if (q >= 0) this.oPrev[q] = p;
    else this.bTail[b] = p;
    this.oBucket[id] = -1;
    if (this.bHead[b]! < 0) {
      const bp = this.bPrev[b]!;
      const bn = this.bNext[b]!;
      this.bNext[bp] = bn;
      this.bPrev[bn] = bp;
      this.free.push(b);
    }
  }

  run(ids: Int32Array, rec: Uint32Array, n: number, nIds: number): number {
    if (nIds > this.oBucket.length) {
      const len = doubledLength(this.oBucket.length, nIds);
      this.oPrev = grown(this.oPrev, len, 0);
      this.oNext = grown(this.oNext, len, 0);
      this.oBucket = grown(this.oBucket, len, -1);
      this.oWeight = grown(this.oWeight, len, 0);
    }
    const cap = this.o.capacity;
    let misses = 0;
    for (let i = 0; i < n; i++) {
      const id = ids[i]!;
      const b = this.oBucket[id]!;
      if (b >= 0) {
        // Hit: move to the tail of the bucket of count + 1 (made right after this one if missing).
        const f = this.bFreq[b]! + 1;
        let nb = this.bNext[b]!;
        if (nb === 0 || this.bFreq[nb] !== f) nb = this.newBucket(f, b);
        this.detach(id);
        this.append(nb, id);
        continue;
      }
      misses++;
      const w = weightOf(rec, i, this.o.bytes);
      if (w > cap) continue;
      while (this.used + w > cap) {
        const victim = this.bHead[this.bNext[0]!]!;
        this.used -= this.oWeight[victim]!;
        this.detach(victim);
      }
      let first = this.bNext[0]!;
      if (first === 0 || this.bFreq[first] !== 1) first = this.newBucket(1, 0);
      this.append(first, id);
      this.oWeight[id] = w;
      this.used += w;
    }
    return misses;
  }
}
