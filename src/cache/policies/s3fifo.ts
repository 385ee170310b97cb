/**
 * S3-FIFO (Yang et al., "FIFO queues are all you need for cache eviction", SOSP 2023, Sec. 4),
 * with libCacheSim's S3FIFO.c defaults: a small FIFO of 10% of the cache, a main FIFO (a
 * 2-bit CLOCK) of the rest, and a ghost FIFO of 90% of the cache size. New objects enter the
 * small queue (the main one if the ghost remembers them); an object leaving the small queue
 * moves to main if it was hit at least twice (move-to-main threshold 2), else it goes to the
 * ghost. As in the paper (libCacheSim's S3FIFOv0), also while the cache is still filling:
 * this matches the reference results exactly, the later variant that fills main first does not.
 *
 * Object mode: objects leave the small and main queues only at their tails, so both are rings
 * of ids; the ghost queue is a ring too, where an object found in it leaves a hole (its slot is
 * kept per object). Each object's queue and 2-bit frequency share one byte. Byte mode uses
 * linked lists over one node set.
 */
import { doubledLength, grown } from "../grow.js";
import { Lists } from "./lists.js";
import { weightOf, type Policy, type PolicyOptions } from "./policy.js";
import { IdRing } from "./ring.js";

const SMALL = 0;
const MAIN = 1;
const GHOST = 2;
const THRESHOLD = 2;

/** S3-FIFO's queue sizes for a cache of `capacity`: small (10%), main (the rest) and ghost (90%). */
function sizes(capacity: number): { small: number; main: number; ghost: number } {
  const small = Math.max(1, Math.floor(capacity * 0.1));
  return { small, main: capacity - small, ghost: Math.floor(capacity * 0.9) };
}

export const s3fifo = (o: PolicyOptions): Policy => (o.bytes ? new S3FifoLists(o) : new S3FifoRings(o.capacity));

class S3FifoLists implements Policy {
  private readonly l: Lists;
  private readonly smallSize: number;
  private readonly mainSize: number;
  private readonly ghostSize: number;

  constructor(private readonly o: PolicyOptions) {
    this.l = new Lists(3, o.bytes);
    ({ small: this.smallSize, main: this.mainSize, ghost: this.ghostSize } = sizes(o.capacity));
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

/** object-mode state byte: the queue in the low 2 bits, the frequency (0-3) above */
const NONE_Q = 0;
const SMALL_Q = 1;
const MAIN_Q = 2;
const GHOST_Q = 3;
const FREQ = 4;
const HOLE = -1;

class S3FifoRings implements Policy {
  private state = new Uint8Array(1024);
  /** per object: the ghost ring slot of its entry (valid while it is in the ghost) */
  private ghostAt = new Int32Array(1024);
  private readonly small = new IdRing();
  private readonly main = new IdRing();
  /** ghost ring: entries (live or holes) from gHead, gCount of them, gLive live */
  private ghost = new Int32Array(1024);
  private gHead = 0;
  private gCount = 0;
  private gLive = 0;
  private readonly mainSize: number;
  private readonly ghostSize: number;

  constructor(private readonly capacity: number) {
    ({ main: this.mainSize, ghost: this.ghostSize } = sizes(capacity));
  }

  /** Evict from main: objects with a frequency above 0 go round again, one less. */
  private evictMain(): void {
    const st = this.state;
    while (this.main.count > 0) {
      const t = this.main.shift();
      const s = st[t]!;
      if (s >= FREQ) {
        st[t] = s - FREQ;
        this.main.push(t);
        continue;
      }
      st[t] = NONE_Q;
      return;
    }
  }

  /** Evict from small: an object hit at least twice moves to main, else to the ghost. */
  private evictSmall(): void {
    const st = this.state;
    while (this.small.count > 0) {
      const t = this.small.shift();
      if (st[t]! >= 2 * FREQ) {
        st[t] = MAIN_Q;
        this.main.push(t);
        continue;
      }
      if (this.ghostSize >= 1) this.pushGhost(t);
      else st[t] = NONE_Q;
      return;
    }
  }

  private pushGhost(t: number): void {
    if (this.gCount === this.ghost.length) this.regrowGhost();
    const at = (this.gHead + this.gCount++) & (this.ghost.length - 1);
    this.ghost[at] = t;
    this.ghostAt[t] = at;
    this.state[t] = GHOST_Q;
    this.gLive++;
    while (this.gLive > this.ghostSize) {
      const x = this.ghost[this.gHead]!;
      this.gHead = (this.gHead + 1) & (this.ghost.length - 1);
      this.gCount--;
      if (x !== HOLE) {
        this.state[x] = NONE_Q;
        this.gLive--;
      }
    }
  }

  /** A full ghost ring: squeeze out its holes, into a ring twice as long if it would stay over half full. */
  private regrowGhost(): void {
    const g = this.ghost;
    const out = new Int32Array(this.gLive + 1 > g.length >>> 1 ? g.length * 2 : g.length);
    let j = 0;
    for (let p = 0; p < this.gCount; p++) {
      const x = g[(this.gHead + p) & (g.length - 1)]!;
      if (x === HOLE) continue;
      this.ghostAt[x] = j;
      out[j++] = x;
    }
    this.ghost = out;
    this.gHead = 0;
    this.gCount = j;
  }

  run(ids: Int32Array, _rec: Uint32Array, n: number, nIds: number): number {
    if (nIds > this.state.length) {
      const len = doubledLength(this.state.length, nIds);
      this.state = grown(this.state, len);
      this.ghostAt = grown(this.ghostAt, len);
    }
    const st = this.state;
    const cap = this.capacity;
    const mainSize = this.mainSize;
    let misses = 0;
    for (let i = 0; i < n; i++) {
      const k = ids[i]!;
      const s = st[k]!;
      const q = s & 3;
      if (q === SMALL_Q || q === MAIN_Q) {
        if (s < 3 * FREQ) st[k] = s + FREQ;
        continue;
      }
      misses++;
      if (q === GHOST_Q) {
        this.ghost[this.ghostAt[k]!] = HOLE;
        this.gLive--;
      }
      while (this.small.count + this.main.count + 1 > cap) {
        if (this.main.count > mainSize || this.small.count === 0) this.evictMain();
        else this.evictSmall();
      }
      st[k] = q === GHOST_Q ? MAIN_Q : SMALL_Q;
      (q === GHOST_Q ? this.main : this.small).push(k);
    }
    return misses;
  }
}
