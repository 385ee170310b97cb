/**
 * ARC (Megiddo and Modha, "ARC: A Self-Tuning, Low Overhead Replacement Cache", FAST 2003,
 * Fig. 4): T1 (seen once recently) and T2 (seen at least twice) hold the cache; ghosts B1 and
 * B2 remember what they evicted; a hit in B1 grows the target size p of T1, a hit in B2
 * shrinks it. In byte mode list sizes are byte totals and REPLACE repeats until the object fits.
 */
import { Lists } from "./lists.js";
import { weightOf, type Policy, type PolicyOptions } from "./policy.js";

const T1 = 0;
const T2 = 1;
const B1 = 2;
const B2 = 3;

export class Arc implements Policy {
  private readonly l: Lists;
  private p = 0;

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
