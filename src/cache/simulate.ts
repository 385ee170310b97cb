/**
 * Run many policy x size simulations over one streamed pass of a trace: each batch is read and
 * mapped to dense ids once, then fed to every cache. Memory is the caches' state (per unique
 * object), not the trace; the exception is Belady on a trace without next-access indices,
 * which first computes them in a forward pass (4 bytes per request).
 */
import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { UserError } from "../spec/errors.js";
import { mapHere, mapInWorker } from "./mapped.js";
import { makePolicy, type PolicyId } from "./policies/index.js";
import type { TraceSource } from "./trace.js";

/**
 * Requests per batch where the reader lets us choose: 65,536 records are 1.5 MiB, so a batch is
 * still in the CPU's L2 cache when its ids are mapped and when each policy reads them (24 MiB
 * batches went to memory and back for each pass).
 */
const BATCH = 1 << 16;
/**
 * Traces from this size up are read and mapped on a second thread while this one runs the
 * policies, where there is a second core: below it, starting the thread (about 40 ms) costs more
 * than the overlap saves.
 */
const MAP_THREAD_BYTES = 64 << 20;
/** Policies that read the records themselves (next-access indices, raw ids), besides sizes in byte mode. */
const READS_RECORDS: readonly PolicyId[] = ["belady", "set-lru"];

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
  /** read and map the trace on a second thread: default, for file traces of MAP_THREAD_BYTES or more when there are 2 cores */
  mapThread?: boolean;
}

function useMapThread(source: TraceSource, opts: SimOptions): boolean {
  if (!source.origin || opts.mapThread === false) return false;
  if (opts.mapThread) return true;
  if (availableParallelism() < 2) return false;
  try {
    return statSync(source.origin.file).size >= MAP_THREAD_BYTES;
  } catch {
    return false;
  }
}

/** Next-access index of every request (-1 for none), from one forward pass. */
export function nextIndices(source: TraceSource, progress?: (done: number, total: number) => void): Int32Array {
  let last = new Int32Array(1 << 16).fill(-1);
  let next = new Int32Array(1 << 20);
  let t = 0;
  for (const b of mapHere(source, BATCH, progress)) {
    if (b.nIds > last.length) {
      const l = new Int32Array(Math.max(b.nIds, last.length * 2)).fill(-1);
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
      const id = b.ids[i]!;
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
  const needNext = !source.hasNext && runs.some((r) => r.policy === "belady");
  const known = needNext ? nextIndices(source) : undefined;
  const withRecords = bytes || runs.some((r) => READS_RECORDS.includes(r.policy));
  const caches = runs.map((r) => ({ ...r, cache: makePolicy(r.policy, { capacity: r.size, bytes }), misses: 0, seconds: 0 }));
  // Not after nextIndices: that pass has read the file already.
  const mapped = !known && useMapThread(source, opts) ? mapInWorker(source.origin!, BATCH, withRecords, opts.progress) : mapHere(source, BATCH, opts.progress);
  let next: Float64Array | undefined;
  let requests = 0;
  const start = performance.now();
  for (const b of mapped) {
    if (known) {
      if (!next || next.length < b.n) next = new Float64Array(b.n);
      for (let i = 0; i < b.n; i++) {
        const v = known[requests + i]!;
        next[i] = v < 0 ? Infinity : v;
      }
    }
    for (const c of caches) {
      const t1 = performance.now();
      c.misses += c.cache.run(b.ids, b.rec, b.n, b.nIds, next);
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
