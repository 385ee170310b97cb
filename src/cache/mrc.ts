/**
 * Miss-ratio curves of LRU. Exact: one pass computing every request's stack distance
 * (./stack.ts), so the curve holds for every cache size at once. Sampled: SHARDS (./shards.ts).
 */
import { UserError } from "../spec/errors.js";
import { BinnedHistogram, curve, ExactHistogram } from "./histogram.js";
import { IdMap } from "./id-map.js";
import { LruStack, UnitLruStack } from "./stack.js";
import { shards } from "./shards.js";
import { SIZE, STRIDE, type TraceSource } from "./trace.js";

export interface MrcPoint {
  size: number;
  missRatio: number;
}

export interface Mrc {
  requests: number;
  /** distinct objects (sampled ones for SHARDS) */
  objects: number;
  /** the largest stack distance seen: the size above which only cold misses remain */
  maxDistance: number;
  /** miss ratio at each size (ascending) */
  at(sizes: number[]): MrcPoint[];
  /** sampling rate at the end (1 for exact) */
  rate: number;
  sampledRequests: number;
}

export interface MrcOptions {
  bytes?: boolean;
  /** SHARDS fixed rate in (0, 1] */
  rate?: number;
  /** SHARDS fixed size: at most this many sampled objects */
  maxObjects?: number;
  /** SHARDS hash seed (which objects get sampled) */
  seed?: number;
  progress?: (done: number, total: number) => void;
}


/** Up to `count` cache sizes spread geometrically over [min, max], integers, ascending. */
export function defaultSizes(max: number, count = 100, min = 1): number[] {
  const out = new Set<number>();
  const lo = Math.max(1, min);
  const top = Math.max(lo, max);
  for (let i = 0; i < count; i++) out.add(Math.round(lo * (top / lo) ** (i / (count - 1))));
  return [...out].sort((a, b) => a - b);
}

/**
 * The sizes to report by default: sampled curves start at 1/R, the smallest distance a sample
 * can resolve (every sampled distance is a multiple of 1/R).
 */
export function reportSizes(m: Mrc, count = 100): number[] {
  return defaultSizes(Math.ceil(m.maxDistance), count, m.rate < 1 ? Math.ceil(1 / m.rate) : 1);
}

export function lruMrc(source: TraceSource, o: MrcOptions = {}): Mrc {
  if (o.rate !== undefined && o.maxObjects !== undefined) throw new UserError("--sample and --max-objects: expected one of them (fixed-rate SHARDS or fixed-size SHARDS_max), found both");
  if (o.rate !== undefined || o.maxObjects !== undefined) return shards(source, o);
  const bytes = o.bytes ?? false;
  const ids = new IdMap();
  const hist = bytes ? new BinnedHistogram() : new ExactHistogram();
  let requests = 0;
  let batchIds = new Int32Array(0);
  const weighted = new LruStack();
  const unit = new UnitLruStack();
  for (const b of source.batches(o.progress)) {
    if (batchIds.length < b.n) batchIds = new Int32Array(b.n);
    ids.mapRecords(b.rec, b.n, batchIds);
    if (bytes) {
      for (let i = 0; i < b.n; i++) {
        const d = weighted.access(batchIds[i]!, b.rec[i * STRIDE + SIZE]!, ids.size);
        if (d >= 0) hist.add(d);
      }
    } else unitDistances(unit, batchIds, b.n, ids.size, hist as ExactHistogram);
    requests += b.n;
  }
  if (requests === 0) throw new UserError(`${source.file}: no requests: an empty trace has no miss-ratio curve`);
  const maxDistance = hist instanceof ExactHistogram ? hist.max : hist.maxDistance;
  return { requests, objects: ids.size, maxDistance, rate: 1, sampledRequests: requests, at: curve(requests, hist) };
}


function unitDistances(stack: UnitLruStack, ids: Int32Array, n: number, nIds: number, hist: ExactHistogram): void {
  for (let i = 0; i < n; i++) {
    const d = stack.access(ids[i]!, nIds);
    if (d >= 0) hist.add(d);
  }
}
