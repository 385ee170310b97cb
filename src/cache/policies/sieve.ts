/**
 * SIEVE (Zhang et al., "SIEVE is Simpler than LRU", NSDI 2024, Sec. 3): a FIFO queue with a
 * visited bit and a hand that moves from the tail toward the head. A hit sets the bit; to
 * evict, the hand clears set bits as it passes and evicts the first object with a clear bit,
 * then stays where it stopped. New objects go to the head.
 */
import { VisitedQueue } from "./visited-queue.js";

export class Sieve extends VisitedQueue {
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
