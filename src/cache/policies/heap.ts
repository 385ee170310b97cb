/**
 * A binary min-heap of dense ids with per-id keys (k1, then k2) and a position index, so a key
 * can change in O(log n) (Cormen et al., Introduction to Algorithms, ch. 6). Belady keys by the
 * negated next-access index; SHARDS_max by the negated id hash.
 */
import { doubledLength, grown } from "../grow.js";
export class IndexedHeap {
  heap = new Int32Array(1024);
  pos: Int32Array;
  k1: Float64Array;
  k2: Float64Array;
  /** per-id weight (1, or the size in byte mode) and the total of the ids in the heap */
  weight: Float64Array;
  total = 0;
  size = 0;

  constructor(ids = 1024) {
    this.pos = new Int32Array(ids).fill(-1);
    this.k1 = new Float64Array(ids);
    this.k2 = new Float64Array(ids);
    this.weight = new Float64Array(ids);
  }

  ensure(ids: number): void {
    if (ids <= this.pos.length) return;
    const n = doubledLength(this.pos.length, ids);
    this.pos = grown(this.pos, n, -1);
    this.k1 = grown(this.k1, n);
    this.k2 = grown(this.k2, n);
    this.weight = grown(this.weight, n);
  }

  has(id: number): boolean {
    return this.pos[id]! >= 0;
  }

  private less(a: number, b: number): boolean {
    const x = this.k1[a]!;
    const y = this.k1[b]!;
    return x < y || (x === y && this.k2[a]! < this.k2[b]!);
  }

  /** Pop the smallest ids until `w` more fits in `capacity`, then push `id`. */
  pushEvicting(id: number, k1: number, k2: number, w: number, capacity: number): void {
    while (this.total + w > capacity) this.total -= this.weight[this.pop()]!;
    this.weight[id] = w;
    this.total += w;
    this.push(id, k1, k2);
  }

  push(id: number, k1: number, k2: number): void {
    if (this.size === this.heap.length) {
      const h = new Int32Array(this.heap.length * 2);
      h.set(this.heap);
      this.heap = h;
    }
    this.k1[id] = k1;
    this.k2[id] = k2;
    this.heap[this.size] = id;
    this.pos[id] = this.size++;
    this.up(this.size - 1);
  }

  /** Change the keys of an id in the heap. */
  update(id: number, k1: number, k2: number): void {
    this.k1[id] = k1;
    this.k2[id] = k2;
    const i = this.pos[id]!;
    this.up(i);
    this.down(this.pos[id]!);
  }

  peek(): number {
    return this.heap[0]!;
  }

  pop(): number {
    const top = this.heap[0]!;
    this.pos[top] = -1;
    const last = this.heap[--this.size]!;
    if (this.size > 0) {
      this.heap[0] = last;
      this.pos[last] = 0;
      this.down(0);
    }
    return top;
  }

  /** Remove an id that is in the heap. */
  remove(id: number): void {
    const i = this.pos[id]!;
    this.pos[id] = -1;
    const last = this.heap[--this.size]!;
    if (i === this.size) return;
    this.heap[i] = last;
    this.pos[last] = i;
    this.up(i);
    this.down(this.pos[last]!);
  }

  private up(i: number): void {
    const h = this.heap;
    const id = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pid = h[p]!;
      if (!this.less(id, pid)) break;
      h[i] = pid;
      this.pos[pid] = i;
      i = p;
    }
    h[i] = id;
    this.pos[id] = i;
  }

  private down(i: number): void {
    const h = this.heap;
    const n = this.size;
    const id = h[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.less(h[c + 1]!, h[c]!)) c++;
      const cid = h[c]!;
      if (!this.less(cid, id)) break;
      h[i] = cid;
      this.pos[cid] = i;
      i = c;
    }
    h[i] = id;
    this.pos[id] = i;
  }
}
