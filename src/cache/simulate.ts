/**
 * Run many policy x size simulations over one streamed pass of a trace: each batch is read and
 * mapped to dense ids once, then fed to every cache. Memory is the caches' state (per unique
 * object), not the trace; the exception is Belady on a trace without next-access indices,
 * which first computes them in a forward pass (4 bytes per request).
 */
import { UserError } from "../spec/errors.js";
import { IdMap } from "./id-map.js";
import { makePolicy, type PolicyId } from "./policies/index.js";
import type { TraceSource } from "./trace.js";

/**
 * Requests per batch where the reader lets us choose: 65,536 records are 1.5 MiB, so a batch is
 * still in the CPU's L2 cache when its ids are mapped and when each policy reads them (24 MiB
 * batches went to memory and back for each pass).
 */
const BATCH = 1 << 16;

export interface SimResult {
  policy: PolicyId;
  size: number;
  requests: number;
  misses: number;
  missRatio: number;
  /** time in this cache's loop plus the shared reading and id mapping */
  seconds: number;
}

export interface SimOptions {
  /** capacities in bytes (request sizes) instead of objects */
  bytes?: boolean;
  progress?: (done: number, total: number) => void;
}

/** Next-access index of every request (-1 for none), from one forward pass. */
export function nextIndices(source: TraceSource, progress?: (done: number, total: number) => void): Int32Array {
  const ids = new IdMap();
  let last = new Int32Array(1 << 16).fill(-1);
  let next = new Int32Array(1 << 20);
  let t = 0;
  let batchIds = new Int32Array(0);
  for (const b of source.batches(progress, BATCH)) {
    if (batchIds.length < b.n) batchIds = new Int32Array(b.n);
    ids.mapRecords(b.rec, b.n, batchIds);
    if (ids.size > last.length) {
      const l = new Int32Array(Math.max(ids.size, last.length * 2)).fill(-1);
      l.set(last);
      last = l;
    }
    if (t + b.n > next.length) {
      if (t + b.n > 0x7fffffff) throw new UserError(`${source.file}: too long to compute next-access indices in memory; convert it to oracleGeneral first`);
      const nx = new Int32Array(Math.max(t + b.n, next.length * 2));
      nx.set(next);
      next = nx;
    }
    for (let i = 0; i < b.n; i++, t++) {
      const id = batchIds[i]!;
      const p = last[id]!;
      if (p >= 0) next[p] = t;
      next[t] = -1;
      last[id] = t;
    }
  }
  return next.subarray(0, t);
}

export function simulate(source: TraceSource, runs: { policy: PolicyId; size: number }[], opts: SimOptions = {}): SimResult[] {
  const bytes = opts.bytes ?? false;
  const caches = runs.map((r) => ({ ...r, cache: makePolicy(r.policy, { capacity: r.size, bytes }), misses: 0, seconds: 0 }));
  const needNext = !source.hasNext && runs.some((r) => r.policy === "belady");
  const known = needNext ? nextIndices(source) : undefined;
  const ids = new IdMap();
  let batchIds = new Int32Array(0);
  let next: Float64Array | undefined;
  let requests = 0;
  const start = performance.now();
  for (const b of source.batches(opts.progress, BATCH)) {
    if (batchIds.length < b.n) batchIds = new Int32Array(b.n);
    ids.mapRecords(b.rec, b.n, batchIds);
    if (known) {
      if (!next || next.length < b.n) next = new Float64Array(b.n);
      for (let i = 0; i < b.n; i++) {
        const v = known[requests + i]!;
        next[i] = v < 0 ? Infinity : v;
      }
    }
    for (const c of caches) {
      const t1 = performance.now();
      c.misses += c.cache.run(batchIds, b.rec, b.n, ids.size, next);
      c.seconds += performance.now() - t1;
    }
    requests += b.n;
  }
  if (requests === 0) throw new UserError(`${source.file}: no requests: an empty trace has no miss ratio`);
  // Reading, decoding and id mapping are shared by all caches: each result counts them in full.
  const shared = performance.now() - start - caches.reduce((a, c) => a + c.seconds, 0);
  return caches.map((c) => ({
    policy: c.policy,
    size: c.size,
    requests,
    misses: c.misses,
    missRatio: c.misses / requests,
    seconds: (c.seconds + shared) / 1000,
  }));
}
