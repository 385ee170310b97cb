/**
 * SIEVE (Zhang et al., "SIEVE is Simpler than LRU", NSDI 2024, Sec. 3): a FIFO queue with a
 * visited bit and a hand that moves from the tail toward the head. A hit sets the bit; to
 * evict, the hand clears set bits as it passes and evicts the first object with a clear bit,
 * then stays where it stopped. New objects go to the head.
 *
 * SIEVE never moves an object, so in object mode the queue is an array of ids in insertion
 * order (the log) with holes where the hand evicted, squeezed out when the log fills, and each
 * object has one state byte: a hit is one byte write. Byte mode uses the linked queue.
 */
import { doubledLength, grown } from "../grow.js";
import type { Policy, PolicyOptions } from "./policy.js";
import { VisitedQueue } from "./visited-queue.js";

export const sieve = (o: PolicyOptions): Policy => (o.bytes ? new SieveLists(o) : new SieveLog(o.capacity));

class SieveLists extends VisitedQueue {
  /** the hand: a node, or 0 (the sentinel) meaning "start at the tail" */
  private hand = 0;

  protected evictOne(): void {
    const l = this.l;
    let h = this.hand === 0 ? l.tail(0) : this.hand;
    while (l.flag[h]) {
      l.flag[h] = 0;
      h = l.prev(h);
      if (h === 0) h = l.tail(0);
    }
    // prv is toward the head; the sentinel there means: wrap to the tail next time.
    this.hand = l.prev(h);
    l.unlink(h);
  }
}

const HOLE = -1;
/** per-object state: not cached, cached, cached and visited */
const OUT = 0;
const IN = 1;
const VISITED = 2;

class SieveLog implements Policy {
  private state = new Uint8Array(1024);
  /** ids in insertion order, oldest first, HOLE where one was evicted; live entries in [start, end) */
  private log = new Int32Array(1024);
  private start = 0;
  private end = 0;
  /** the hand: the index of a live entry, or -1 (start at the oldest) */
  private hand = -1;
  private used = 0;

  constructor(private readonly capacity: number) {}

  run(ids: Int32Array, _rec: Uint32Array, n: number, nIds: number): number {
    if (nIds > this.state.length) this.state = grown(this.state, doubledLength(this.state.length, nIds));
    const st = this.state;
    const cap = this.capacity;
    let log = this.log;
    let start = this.start;
    let end = this.end;
    let hand = this.hand;
    let used = this.used;
    let misses = 0;
    for (let i = 0; i < n; i++) {
      const k = ids[i]!;
      if (st[k] !== OUT) {
        st[k] = VISITED;
        continue;
      }
      misses++;
      if (used + 1 > cap) {
        let h = hand < 0 ? start : hand;
        for (;;) {
          const x = log[h]!;
          if (x !== HOLE) {
            if (st[x] !== VISITED) break;
            st[x] = IN;
          }
          if (++h === end) h = start;
        }
        st[log[h]!] = OUT;
        log[h] = HOLE;
        used--;
        // The hand stays at the next live entry toward the newest; past the newest it starts over.
        hand = h + 1;
        while (hand < end && log[hand] === HOLE) hand++;
        if (hand === end) hand = -1;
        if (h === start) while (start < end && log[start] === HOLE) start++;
      }
      if (end === log.length) {
        // Squeeze out the holes (in order), in a log twice as long if it would stay over half full.
        const out = used + 1 > log.length >>> 1 ? new Int32Array(log.length * 2) : log;
        let j = 0;
        let newHand = -1;
        for (let p = start; p < end; p++) {
          const x = log[p]!;
          if (x === HOLE) continue;
          if (p === hand) newHand = j;
          out[j++] = x;
        }
        log = out;
        start = 0;
        end = j;
        hand = newHand;
      }
      log[end++] = k;
      st[k] = IN;
      used++;
    }
    this.log = log;
    this.start = start;
    this.end = end;
    this.hand = hand;
    this.used = used;
    return misses;
  }
}
