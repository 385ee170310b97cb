/**
 * SHARDS (Waldspurger et al., "Efficient MRC Construction with SHARDS", FAST 2015): spatial
 * sampling of LRU stack distances. Only objects whose id hash falls under a threshold T are
 * tracked (rate R = T / 2^32), and their distances are scaled by 1/R.
 *
 * Fixed rate (Sec. 3): with the SHARDS_adj correction (Sec. 3.3: the difference between the
 * expected N*R sampled requests and the actual count goes to the smallest distance).
 *
 * Fixed size (SHARDS_max, Sec. 3.2): at most s_max objects; when over, T drops to the largest
 * tracked hash, those objects leave, and the histogram is rescaled by R_new / R_old; the
 * adjustment then uses the final rate.
 */
import { UserError } from "../spec/errors.js";
import { hash64 } from "./hash.js";
import { BinnedHistogram, curve } from "./histogram.js";
import { IdMap } from "./id-map.js";
import type { Mrc, MrcOptions } from "./mrc.js";
import { IndexedHeap } from "./policies/heap.js";
import { LruStack } from "./stack.js";
import { ID_HI, ID_LO, SIZE, STRIDE, type TraceSource } from "./trace.js";

const SHARDS_SEED = 0x5eed5a4d;
const TWO32 = 4294967296;
/**
 * The indices of the records whose id hash is under the threshold: the only work most requests
 * see (one hash, no lookup), kept in a small function so it compiles to a tight loop.
 */
function pick(rec: Uint32Array, n: number, threshold: number, seed: number, out: Int32Array): number {
  let count = 0;
  for (let i = 0, k = 0; i < n; i++, k += STRIDE) {
    if (hash64(rec[k + ID_LO]!, rec[k + ID_HI]!, seed) < threshold) out[count++] = i;
  }
  return count;
}

export function shards(source: TraceSource, o: MrcOptions): Mrc {
  const bytes = o.bytes ?? false;
  const seed = o.seed ?? SHARDS_SEED;
  const fixedSize = o.maxObjects !== undefined;
  let threshold = fixedSize ? TWO32 : Math.min(1, Math.max(0, o.rate ?? 0.01)) * TWO32;
  const ids = new IdMap();
  const stack = new LruStack();
  const hist = new BinnedHistogram();
  // SHARDS_max: tracked objects by hash, the largest on top.
  const byHash = new IndexedHeap();
  let requests = 0;
  let sampled = 0;
  let picked = new Int32Array(0);
  // Small batches: each is hashed while still in the CPU caches from the read (25% faster).
  for (const b of source.batches(o.progress, 1 << 16)) {
    const rec = b.rec;
    if (picked.length < b.n) picked = new Int32Array(b.n);
    const count = pick(rec, b.n, threshold, seed, picked);
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
        // Lower T to the largest tracked hash, drop the objects at it, rescale the counts.
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
  if (requests === 0) throw new UserError(`${source.file}: no requests: an empty trace has no miss-ratio curve`);
  // SHARDS_adj: the expected N*R sampled requests minus the actual count go to the smallest
  // distance (always hits), and the curve is normalised by N*R. For a fixed size, R is the final
  // rate and the count the rescaled one (our extension: on the 20M Zipf trace with s_max = 8192
  // it takes the error from 0.04 to 0.01).
  const total = requests * rate;
  hist.counts[1]! += total - sampled;
  return { requests, objects: stack.live, maxDistance: hist.maxDistance, rate, sampledRequests: sampled, at: curve(total, hist) };
}
