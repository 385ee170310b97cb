/**
 * Doubly linked lists over dense object ids in shared Int32Arrays: node k = id + L for L lists,
 * nodes 0..L-1 are the lists' sentinels (circular lists, so no null checks). A node is in at
 * most one list, which lets a policy keep its queues and ghost queues (ARC, 2Q, S3-FIFO) in one
 * structure. `head` is the most recently inserted end, `tail` the oldest.
 */
export const NONE = 255;

export class Lists {
  prv: Int32Array;
  nxt: Int32Array;
  /** which list a node is in (NONE if none) */
  where: Uint8Array;
  /** per-node weight: 1 in object mode, the size in byte mode */
  weight: Float64Array;
  /** a per-node byte for the policy: CLOCK and SIEVE's visited bit, S3-FIFO's frequency */
  flag: Uint8Array;
  /** per list: number of nodes and total weight */
  count: Float64Array;
  total: Float64Array;

  constructor(readonly lists: number, capacity = 1024) {
    const n = capacity + lists;
    this.prv = new Int32Array(n);
    this.nxt = new Int32Array(n);
    this.where = new Uint8Array(n).fill(NONE);
    this.weight = new Float64Array(n);
    this.flag = new Uint8Array(n);
    this.count = new Float64Array(lists);
    this.total = new Float64Array(lists);
    for (let s = 0; s < lists; s++) {
      this.prv[s] = s;
      this.nxt[s] = s;
      this.where[s] = s;
    }
  }

  /** Make room for nodes of ids below `ids`. */
  ensure(ids: number): void {
    const need = ids + this.lists;
    if (need <= this.prv.length) return;
    let n = this.prv.length * 2;
    while (n < need) n *= 2;
    const grow = <T extends Int32Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.prv = grow(this.prv, (k) => new Int32Array(k));
    this.nxt = grow(this.nxt, (k) => new Int32Array(k));
    const where = new Uint8Array(n).fill(NONE);
    where.set(this.where);
    this.where = where;
    this.weight = grow(this.weight, (k) => new Float64Array(k));
    this.flag = grow(this.flag, (k) => new Uint8Array(k));
  }

  /** Insert node k at the head of list s. */
  pushHead(s: number, k: number, w: number): void {
    const first = this.nxt[s]!;
    this.nxt[s] = k;
    this.prv[k] = s;
    this.nxt[k] = first;
    this.prv[first] = k;
    this.where[k] = s;
    this.weight[k] = w;
    this.count[s]! += 1;
    this.total[s]! += w;
  }

  /** Remove node k from its list. */
  unlink(k: number): void {
    const s = this.where[k]!;
    const p = this.prv[k]!;
    const q = this.nxt[k]!;
    this.nxt[p] = q;
    this.prv[q] = p;
    this.where[k] = NONE;
    this.count[s]! -= 1;
    this.total[s]! -= this.weight[k]!;
  }

  /** Move node k to the head of list s (it may be in another list). */
  moveHead(s: number, k: number): void {
    const w = this.weight[k]!;
    this.unlink(k);
    this.pushHead(s, k, w);
  }

  /** The oldest node of list s, or s itself if the list is empty. */
  tail(s: number): number {
    return this.prv[s]!;
  }

  /** Remove and return the oldest node of list s (which must not be empty). */
  popTail(s: number): number {
    const k = this.prv[s]!;
    this.unlink(k);
    return k;
  }
}
