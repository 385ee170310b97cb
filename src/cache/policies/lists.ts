/**
 * Doubly linked lists over dense object ids in shared typed arrays: node k = id + L for L lists,
 * nodes 0..L-1 are the lists' sentinels (circular lists, so no null checks). A node is in at
 * most one list, which lets a policy keep its queues and ghost queues (ARC, 2Q, S3-FIFO) in one
 * structure. `head` is the most recently inserted end, `tail` the oldest. Links are interleaved
 * (prev of k at 2k, next at 2k+1) so a node's links share a cache line; per-node weights exist
 * only in byte mode (in object mode every node weighs 1).
 */
import { doubledLength, grown } from "../grow.js";
export const NONE = 255;

export class Lists {
  /** prev of node k at 2k (toward the head), next at 2k+1 (toward the tail) */
  link: Int32Array;
  /** which list a node is in (NONE if none) */
  where: Uint8Array;
  /** a per-node byte for the policy: CLOCK and SIEVE's visited bit, S3-FIFO's frequency */
  flag: Uint8Array;
  /** per-node weight (sizes), byte mode only */
  private weights: Float64Array | null;
  /** per list: number of nodes and total weight */
  count: Float64Array;
  total: Float64Array;

  constructor(
    readonly lists: number,
    weighted = false,
    capacity = 1024,
  ) {
    const n = capacity + lists;
    this.link = new Int32Array(2 * n);
    this.where = new Uint8Array(n).fill(NONE);
    this.flag = new Uint8Array(n);
    this.weights = weighted ? new Float64Array(n) : null;
    this.count = new Float64Array(lists);
    this.total = new Float64Array(lists);
    for (let s = 0; s < lists; s++) {
      this.link[2 * s] = s;
      this.link[2 * s + 1] = s;
      this.where[s] = s;
    }
  }

  /** Make room for nodes of ids below `ids`. */
  ensure(ids: number): void {
    const need = ids + this.lists;
    if (need <= this.where.length) return;
    const n = doubledLength(this.where.length, need);
    this.link = grown(this.link, 2 * n);
    this.where = grown(this.where, n, NONE);
    this.flag = grown(this.flag, n);
    if (this.weights) this.weights = grown(this.weights, n);
  }

  weightOf(k: number): number {
    return this.weights ? this.weights[k]! : 1;
  }

  prev(k: number): number {
    return this.link[2 * k]!;
  }

  /** Insert node k at the head of list s. */
  pushHead(s: number, k: number, w: number): void {
    const link = this.link;
    const first = link[2 * s + 1]!;
    link[2 * s + 1] = k;
    link[2 * k] = s;
    link[2 * k + 1] = first;
    link[2 * first] = k;
    this.where[k] = s;
    if (this.weights) this.weights[k] = w;
    this.count[s]! += 1;
    this.total[s]! += w;
  }

  /** Remove node k from its list. */
  unlink(k: number): void {
    const link = this.link;
    const s = this.where[k]!;
    const p = link[2 * k]!;
    const q = link[2 * k + 1]!;
    link[2 * p + 1] = q;
    link[2 * q] = p;
    this.where[k] = NONE;
    this.count[s]! -= 1;
    this.total[s]! -= this.weights ? this.weights[k]! : 1;
  }

  /** Move node k to the head of list s (it may be in another list). */
  moveHead(s: number, k: number): void {
    const w = this.weightOf(k);
    this.unlink(k);
    this.pushHead(s, k, w);
  }

  /** The oldest node of list s, or s itself if the list is empty. */
  tail(s: number): number {
    return this.link[2 * s]!;
  }

  /** Remove and return the oldest node of list s (which must not be empty). */
  popTail(s: number): number {
    const k = this.link[2 * s]!;
    this.unlink(k);
    return k;
  }
}
