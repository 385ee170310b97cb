/**
 * Trace statistics in one streamed pass: requests, unique objects and bytes, one-hit wonders,
 * a histogram of reuse (stack) distances in powers of two, and the working set over time
 * (distinct objects per window of requests, and distinct so far).
 */
import { UserError } from "../spec/errors.js";
import { IdMap } from "./id-map.js";
import { UnitLruStack } from "./stack.js";
import { SIZE, STRIDE, type TraceSource } from "./trace.js";

export interface TraceStats {
  requests: number;
  uniqueObjects: number;
  requestedBytes: number;
  uniqueBytes: number;
  /** objects requested exactly once */
  oneHitWonders: number;
  /** requests that were the first of their object (compulsory misses of any cache) */
  coldRequests: number;
  /** reuse distance d (distinct objects since the last access, itself included) in [2^k, 2^(k+1)) */
  reuseDistance: { from: number; to: number; requests: number }[];
  /** per window of `window` requests: distinct objects in it, and distinct objects so far */
  workingSet: { start: number; objects: number; cumulativeObjects: number }[];
  window: number;
}

export function traceStats(source: TraceSource, window = 1_000_000, progress?: (done: number, total: number) => void): TraceStats {
  const ids = new IdMap();
  const stack = new UnitLruStack();
  let count = new Uint32Array(1 << 16);
  let seenIn = new Int32Array(1 << 16).fill(-1);
  const buckets = new Float64Array(64);
  const workingSet: TraceStats["workingSet"] = [];
  let requests = 0;
  let requestedBytes = 0;
  let uniqueBytes = 0;
  let cold = 0;
  let inWindow = 0;
  let dense = new Int32Array(0);
  for (const b of source.batches(progress)) {
    const rec = b.rec;
    if (dense.length < b.n) dense = new Int32Array(b.n);
    ids.mapRecords(rec, b.n, dense);
    for (let i = 0, k = 0; i < b.n; i++, k += STRIDE) {
      const id = dense[i]!;
      if (id >= count.length) {
        const c = new Uint32Array(count.length * 2);
        c.set(count);
        count = c;
        const s = new Int32Array(seenIn.length * 2).fill(-1);
        s.set(seenIn);
        seenIn = s;
      }
      const size = rec[k + SIZE]!;
      requestedBytes += size;
      if (count[id] === 0) {
        cold++;
        uniqueBytes += size;
      }
      if (count[id]! < 0xffffffff) count[id]!++;
      const d = stack.access(id, ids.size);
      if (d > 0) buckets[31 - Math.clz32(d)]!++;
      const w = Math.floor(requests / window);
      if (seenIn[id] !== w) {
        seenIn[id] = w;
        inWindow++;
      }
      requests++;
      if (requests % window === 0) {
        workingSet.push({ start: requests - window, objects: inWindow, cumulativeObjects: cold });
        inWindow = 0;
      }
    }
  }
  if (requests === 0) throw new UserError(`${source.file}: no requests: the trace is empty`);
  if (requests % window !== 0) workingSet.push({ start: requests - (requests % window), objects: inWindow, cumulativeObjects: cold });
  let oneHit = 0;
  for (let id = 0; id < ids.size; id++) if (count[id] === 1) oneHit++;
  const reuseDistance: TraceStats["reuseDistance"] = [];
  for (let k = 0; k < 64; k++) if (buckets[k]! > 0) reuseDistance.push({ from: 2 ** k, to: 2 ** (k + 1), requests: buckets[k]! });
  return { requests, uniqueObjects: ids.size, requestedBytes, uniqueBytes, oneHitWonders: oneHit, coldRequests: cold, reuseDistance, workingSet, window };
}
