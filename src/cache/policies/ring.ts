/**
 * FIFO queues of dense ids in power-of-two ring buffers, for the object-mode loops of FIFO,
 * SIEVE and S3-FIFO: a queue that only takes at one end and gives at the other needs no
 * links, so a request touches its object's state byte and the queue's ends, which stay in
 * the CPU caches. The loops keep head (oldest) and count in locals; this grows a full ring.
 */

/** A ring twice as long holding the same `count` entries, the oldest (at `head`) first, at 0..count-1. */
export function grownRing(buf: Int32Array, head: number, count: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(buf.length * 2);
  const first = Math.min(count, buf.length - head);
  out.set(buf.subarray(head, head + first));
  out.set(buf.subarray(0, count - first), first);
  return out;
}

/** A growable FIFO ring of ids, for queues touched only on misses (S3-FIFO's small and main queues). */
export class IdRing {
  private buf = new Int32Array(1024);
  /** the oldest entry's slot */
  private head = 0;
  count = 0;

  push(k: number): void {
    if (this.count === this.buf.length) {
      this.buf = grownRing(this.buf, this.head, this.count);
      this.head = 0;
    }
    this.buf[(this.head + this.count++) & (this.buf.length - 1)] = k;
  }

  /** Remove and return the oldest entry (the ring must not be empty). */
  shift(): number {
    const k = this.buf[this.head]!;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.count--;
    return k;
  }
}
