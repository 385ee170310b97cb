/**
 * A tier plan in the shapes users run (docs/torchrec-tier-facts.md): TorchRec
 * `ParameterConstraints` per table (compute kernel, `cache_params.load_factor`, key-value L1/L2
 * sizes) and FBGEMM TBE arguments (`cache_sets` = ceil(cache rows / 32 ways), `l2_cache_size`
 * in GiB). One TBE per cached table: FBGEMM shares one cache over a TBE's tables, so per-table
 * cache sizes need their own TBEs (or one load factor for the group).
 */
import type { DlrmWorkload } from "../spec/workload.js";
import type { TierTable } from "./run.js";

const WAYS = 32;
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

const nameOf = (w: DlrmWorkload, t: number): string => w.model.tables[t]!.name ?? `t_${t}`;

export function exportTorchrec(w: DlrmWorkload, tables: TierTable[]): Record<string, unknown> {
  return Object.fromEntries(tables.map((t) => {
    const clf = t.rows > 0 ? Number((t.hbmCacheRows / t.rows).toFixed(6)) : 0;
    if (t.home === "hbm") return [nameOf(w, t.table), { compute_kernels: ["fused"] }];
    if (t.home === "ssd") {
      const rowBytes = (t.bytes.ssd ?? 0) / t.rows;
      return [nameOf(w, t.table), {
        compute_kernels: ["key_value"],
        key_value_params: { max_l1_cache_size: Math.ceil((t.hbmCacheRows * rowBytes) / MIB), l2_cache_size: Math.ceil((t.dramCacheRows * rowBytes) / GIB) },
        cache_params: { algorithm: "LRU", load_factor: clf },
      }];
    }
    return [nameOf(w, t.table), { compute_kernels: ["fused_uvm_caching"], cache_params: { algorithm: t.policy === "lfu" ? "LFU" : "LRU", load_factor: clf, prefetch_pipeline: true } }];
  }));
}

export function exportFbgemm(w: DlrmWorkload, tables: TierTable[]): Record<string, unknown> {
  return Object.fromEntries(tables.map((t) => {
    if (t.home === "hbm") return [nameOf(w, t.table), { location: "DEVICE" }];
    const cache_sets = Math.max(1, Math.ceil(t.hbmCacheRows / WAYS));
    if (t.home === "ssd") {
      const rowBytes = (t.bytes.ssd ?? 0) / t.rows;
      return [nameOf(w, t.table), { tbe: "SSDTableBatchedEmbeddingBags", cache_sets, l2_cache_size: Math.ceil((t.dramCacheRows * rowBytes) / GIB), prefetch_pipeline: true }];
    }
    return [nameOf(w, t.table), { tbe: "SplitTableBatchedEmbeddingBagsCodegen", location: "MANAGED_CACHING", cache_load_factor: t.rows > 0 ? Number((t.hbmCacheRows / t.rows).toFixed(6)) : 0, cache_sets, cache_algorithm: t.policy === "lfu" ? "LFU" : "LRU", prefetch_pipeline: true }];
  }));
}
