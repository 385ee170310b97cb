/**
 * CLOCK (Corbato, 1968; FIFO-reinsertion / second chance), as libCacheSim's Clock.c with a
 * 1-bit counter: insert at the head with the bit clear; a hit sets it; to evict, look at the
 * tail: bit set -> clear it and move the object to the head; bit clear -> evict.
 */
import { VisitedQueue } from "./visited-queue.js";

export class Clock extends VisitedQueue {
  protected evictOne(): void {
    const l = this.l;
    for (;;) {
      const t = l.tail(0);
      if (!l.flag[t]) return l.unlink(t);
      l.flag[t] = 0;
      l.moveHead(0, t);
    }
  }
}
