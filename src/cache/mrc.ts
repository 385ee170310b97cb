/**
 * Miss-ratio curves of LRU. Exact: one pass computing every request's stack distance
 * (./stack.ts), so the curve holds for every cache size at once. Sampled: SHARDS (Waldspurger
 * et al., "Efficient MRC Construction with SHARDS", FAST 2015): only objects whose id hash
 * falls under a threshold T are tracked (spatial sampling at rate R = T / 2^32), distances are
 * scaled by 1/R. Fixed rate uses the SHARDS_adj correction (Sec. 3.3: the difference between
 * the expected N*R sampled requests and the actual count goes to the smallest distance); fixed
 * size (SHARDS_max, Sec. 3.2) keeps at most s_max objects, lowering T to evict the highest
 * hashes and rescaling the histogram by R_new / R_old.
 */
import { hash64 } from "./hash.js";
import { BinnedHistogram, ExactHistogram } from "./histogram.js";
import { IdMap } from "./id-map.js";
import { IndexedHeap } from "./policies/heap.js";
import { LruStack, UnitLruStack } from "./stack.js";
import { ID_HI, ID_LO, SIZE, STRIDE, type TraceSource } from "./trace.js";

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

const SHARDS_SEED = 0x5eed5a4d;
const TWO32 = 4294967296;

/** `count` cache sizes spread geometrically over [1, max], integers, ascending. */
export function defaultSizes(max: number, count = 100): number[] {
  const out = new Set<number>();
  const top = Math.max(1, max);
  for (let i = 0; i < count; i++) out.add(Math.max(1, Math.round(top ** (i / (count - 1)))));
  return [...out].sort((a, b) => a - b);
}

/** Miss ratio = (total - hits at or below the size) / total. */
function curve(total: number, hist: ExactHistogram | BinnedHistogram) {
  return (sizes: number[]): MrcPoint[] => {
    const hits = hist.hitsAt(sizes);
    return sizes.map((size, i) => ({ size, missRatio: total <= 0 ? 0 : Math.min(1, Math.max(0, (total - hits[i]!) / total)) }));
  };
}

export function lruMrc(source: TraceSource, o: MrcOptions = {}): Mrc {
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
  const maxDistance = hist instanceof ExactHistogram ? hist.max : hist.maxDistance;
  return { requests, objects: ids.size, maxDistance, rate: 1, sampledRequests: requests, at: curve(requests, hist) };
}

function shards(source: TraceSource, o: MrcOptions): Mrc {
  const bytes = o.bytes ?? false;
  const fixedSize = o.maxObjects !== undefined;
  const seed = o.seed ?? SHARDS_SEED;
  let threshold = fixedSize ? TWO32 : Math.min(1, Math.max(0, o.rate!)) * TWO32;
  const ids = new IdMap();
  const stack = new LruStack();
  const hist = new BinnedHistogram();
  // SHARDS_max: sampled objects by hash, the largest on top.
  const byHash = new IndexedHeap();
  let requests = 0;
  let sampled = 0;
  let picked = new Int32Array(0);
  for (const b of source.batches(o.progress)) {
    const rec = b.rec;
    if (picked.length < b.n) picked = new Int32Array(b.n);
    const count = sample(rec, b.n, threshold, seed, picked);
    for (let j = 0; j < count; j++) {
      const k = picked[j]! * STRIDE;
      const h = hash64(rec[k + ID_LO]!, rec[k + ID_HI]!, seed);
      if (h >= threshold) continue; // the threshold fell within this batch
      const rate = threshold / TWO32;
      sampled++;
      const id = ids.get(rec[k + ID_LO]!, rec[k + ID_HI]!);
      const d = stack.access(id, bytes ? rec[k + SIZE]! : 1, ids.size);
      if (d >= 0) {
        hist.add(d / rate);
        continue;
      }
      if (!fixedSize) continue;
      byHash.ensure(ids.size);
      byHash.push(id, -h, 0);
      if (stack.live > o.maxObjects!) {
        // Lower T to the largest sampled hash, drop the objects at it, rescale the counts.
        const top = -byHash.k1[byHash.peek()]!;
        while (byHash.size > 0 && -byHash.k1[byHash.peek()]! >= top) stack.remove(byHash.pop());
        const f = top / threshold;
        threshold = top;
        hist.scale(f);
        sampled *= f;
      }
    }
    requests += b.n;
  }
  const rate = threshold / TWO32;
  // SHARDS_adj for a fixed rate: normalise by the expected sampled count N * R.
  const total = fixedSize ? sampled : requests * rate;
  const adjusted = fixedSize ? hist : withAdjustment(hist, total - sampled);
  return { requests, objects: stack.live, maxDistance: hist.maxDistance, rate, sampledRequests: sampled, at: curve(total, adjusted) };
}

function unitDistances(stack: UnitLruStack, ids: Int32Array, n: number, nIds: number, hist: ExactHistogram): void {
  for (let i = 0; i < n; i++) {
    const d = stack.access(ids[i]!, nIds);
    if (d >= 0) hist.add(d);
  }
}

/**
 * The indices of the records whose id hash is below `threshold`: the only work most requests
 * see, kept in a small function so it compiles to a tight loop.
 */
function sample(rec: Uint32Array, n: number, threshold: number, seed: number, out: Int32Array): number {
  let count = 0;
  for (let i = 0, k = 0; i < n; i++, k += STRIDE) {
    if (hash64(rec[k + ID_LO]!, rec[k + ID_HI]!, seed) < threshold) out[count++] = i;
  }
  return count;
}

/** SHARDS_adj: add `diff` hits at the smallest distance. */
function withAdjustment(hist: BinnedHistogram, diff: number): BinnedHistogram {
  hist.counts[1]! += diff;
  return hist;
}
