/**
 * ARC (Megiddo and Modha, "ARC: A Self-Tuning, Low Overhead Replacement Cache", FAST 2003,
 * Fig. 4): T1 (seen once recently) and T2 (seen at least twice) hold the cache; ghosts B1 and
 * B2 remember what they evicted; a hit in B1 grows the target size p of T1, a hit in B2
 * shrinks it. In byte mode list sizes are byte totals and REPLACE repeats until the object fits.
 * Object mode has its own loop with the list operations written out and the four list lengths
 * in an Int32Array (a hit, the common case, is one unlink and one push on the links).
 */
import { Lists, NONE } from "./lists.js";
import { weightOf, type Policy, type PolicyOptions } from "./policy.js";

const T1 = 0;
const T2 = 1;
const B1 = 2;
const B2 = 3;

/** Take node k out of its list (links of Lists: prev of k at 2k, next at 2k+1). */
function cut(link: Int32Array, k: number): void {
  const p = link[2 * k]!;
  const q = link[2 * k + 1]!;
  link[2 * p + 1] = q;
  link[2 * q] = p;
}

/** Put node k at the head of list s. */
function pushFront(link: Int32Array, s: number, k: number): void {
  const h = link[2 * s + 1]!;
  link[2 * k] = s;
  link[2 * k + 1] = h;
  link[2 * h] = k;
  link[2 * s + 1] = k;
}

export class Arc implements Policy {
  private readonly l: Lists;
  private p = 0;
  /** object mode: the lengths of T1, T2, B1, B2 */
  private readonly len = new Int32Array(4);

  constructor(private readonly o: PolicyOptions) {
    this.l = new Lists(4, o.bytes);
  }

  /** REPLACE(x, p) of the paper: demote the LRU of T1 or T2 to its ghost list. */
  private replace(inB2: boolean): void {
    const l = this.l;
    const t1 = l.total[T1]!;
    if (t1 > 0 && ((inB2 && t1 === this.p) || t1 > this.p || l.count[T2] === 0)) l.moveHead(B1, l.tail(T1));
    else l.moveHead(B2, l.tail(T2));
  }

  run(ids: Int32Array, rec: Uint32Array, n: number, nIds: number): number {
    return this.o.bytes ? this.runBytes(ids, rec, n, nIds) : this.runObjects(ids, n, nIds);
  }

  /** The tail of list `from` to the head of list `to`. */
  private moveTail(from: number, to: number, len: Int32Array): void {
    const k = this.l.link[2 * from]!;
    cut(this.l.link, k);
    pushFront(this.l.link, to, k);
    this.l.where[k] = to;
    len[from]!--;
    len[to]!++;
  }

  /** Drop the tail of list s. */
  private dropTail(s: number, len: Int32Array): void {
    const k = this.l.link[2 * s]!;
    cut(this.l.link, k);
    this.l.where[k] = NONE;
    len[s]!--;
  }

  /** REPLACE in object mode. */
  private replaceObjects(inB2: boolean, len: Int32Array): void {
    const t1 = len[T1]!;
    if (t1 > 0 && ((inB2 && t1 === this.p) || t1 > this.p || len[T2] === 0)) this.moveTail(T1, B1, len);
    else this.moveTail(T2, B2, len);
  }

  private runObjects(ids: Int32Array, n: number, nIds: number): number {
    const l = this.l;
    l.ensure(nIds);
    const link = l.link;
    const where = l.where;
    const len = this.len;
    const c = this.o.capacity;
    let misses = 0;
    for (let i = 0; i < n; i++) {
      const k = ids[i]! + 4;
      const w = where[k]!;
      if (w <= T2) {
        // A hit: to the head of T2 (nothing to do when it is there).
        if (link[2 * k] === T2) continue;
        cut(link, k);
        pushFront(link, T2, k);
        where[k] = T2;
        len[w]!--;
        len[T2]!++;
        continue;
      }
      misses++;
      let to = T1;
      if (w !== NONE) {
        // Case II / III, a ghost hit: adapt p, then make room and move x to T2.
        const b1 = len[B1]!;
        const b2 = len[B2]!;
        if (w === B1) this.p = Math.min(c, this.p + Math.max(b2 / b1, 1));
        else this.p = Math.max(0, this.p - Math.max(b1 / b2, 1));
        cut(link, k);
        len[w]!--;
        while (len[T1]! + len[T2]! + 1 > c) this.replaceObjects(w === B2, len);
        to = T2;
      } else {
        // Case IV: a miss everywhere.
        const l1 = len[T1]! + len[B1]!;
        if (l1 + 1 > c) {
          if (len[T1]! < c) {
            while (len[B1]! > 0 && len[T1]! + len[B1]! + 1 > c) this.dropTail(B1, len);
          } else {
            while (len[T1]! + 1 > c) this.dropTail(T1, len);
          }
        } else {
          while (len[B2]! > 0 && l1 + len[T2]! + len[B2]! + 1 > 2 * c) this.dropTail(B2, len);
        }
        while (len[T1]! + len[T2]! + 1 > c) this.replaceObjects(false, len);
      }
      pushFront(link, to, k);
      where[k] = to;
      len[to]!++;
    }
    return misses;
  }

  private runBytes(ids: Int32Array, rec: Uint32Array, n: number, nIds: number): number {
    const l = this.l;
    l.ensure(nIds);
    const c = this.o.capacity;
    let misses = 0;
    for (let i = 0; i < n; i++) {
      const k = ids[i]! + 4;
      const where = l.where[k]!;
      if (where === T1 || where === T2) {
        l.moveHead(T2, k);
        continue;
      }
      misses++;
      const w = weightOf(rec, i, this.o.bytes);
      if (w > c) continue;
      if (where === B1 || where === B2) {
        const b1 = l.total[B1]!;
        const b2 = l.total[B2]!;
        // Case II / III: adapt p, then make room and move x to T2.
        if (where === B1) this.p = Math.min(c, this.p + Math.max(b2 / b1, 1) * w);
        else this.p = Math.max(0, this.p - Math.max(b1 / b2, 1) * w);
        l.unlink(k);
        while (l.total[T1]! + l.total[T2]! + w > c) this.replace(where === B2);
        l.pushHead(T2, k, w);
        continue;
      }
      // Case IV: a miss everywhere.
      const l1 = l.total[T1]! + l.total[B1]!;
      if (l1 + w > c) {
        if (l.total[T1]! < c) {
          while (l.count[B1]! > 0 && l.total[T1]! + l.total[B1]! + w > c) l.popTail(B1);
        } else {
          while (l.total[T1]! + w > c) l.popTail(T1);
        }
      } else {
        while (l.count[B2]! > 0 && l1 + l.total[T2]! + l.total[B2]! + w > 2 * c) l.popTail(B2);
      }
      while (l.total[T1]! + l.total[T2]! + w > c) this.replace(false);
      l.pushHead(T1, k, w);
    }
    return misses;
  }
}
