/**
 * TorchRec's own cost model for cached embeddings, re-implemented from its source
 * (docs/torchrec-tier-facts.md, meta-pytorch/torchrec@376cac6): `kernel_bw_lookup`'s effective
 * bandwidths (planner/constants.py:54-131), the table-wise forward estimate (estimator.py:374-431),
 * and its two ways of sizing caches: one load factor for every table, and the
 * EmbeddingOffloadScaleupProposer's proportional water-filling (proposers.py:872-941).
 */

const GIB = 1024 ** 3;
/** planner/constants.py:28-34@376cac6, bytes per ms (the planner's unit). */
export const TORCHREC = {
  hbmMemBw: (897 * GIB) / 1000,
  ddrMemBw: (51 * GIB) / 1000,
  hbmToDdrMemBw: (32 * GIB) / 1000,
  uvmCachingRatio: 0.2,
  bwdComputeMultiplier: 2,
} as const;

export type TorchrecKernel = "fused" | "fused_uvm" | "fused_uvm_caching" | "key_value";

/** Effective bandwidth of a compute kernel on cuda, bytes/ms (kernel_bw_lookup). */
export function kernelBwLookup(kernel: TorchrecKernel, cachingRatio: number = TORCHREC.uvmCachingRatio, prefetchPipeline = false): number {
  const { hbmMemBw: hbm, hbmToDdrMemBw: link } = TORCHREC;
  switch (kernel) {
    case "fused":
      return hbm;
    case "fused_uvm":
      return link / 10;
    case "fused_uvm_caching":
      // With a prefetch pipeline TorchRec takes the fused (HBM) bandwidth (constants.py:124-129).
      return prefetchPipeline ? hbm : (cachingRatio * hbm + (1 - cachingRatio) * link) / 10;
    case "key_value":
      // TorchRec before 2026 (pytorch/torchrec@a48cef7 constants.py:98): the host link.
      return link;
  }
}

/** Block penalty of table-wise lookups by embedding dim (estimator.py:1995-2006). */
function blockPenalty(dim: number): number {
  return dim >= 128 ? 1 : dim >= 64 ? 1.15 : 1.75;
}

/**
 * Table-wise forward and backward estimate of one shard on one GPU, ms: (input read + lookup +
 * output) x penalty / bandwidth; backward twice that (estimator.py:374-431, 484-548).
 */
export function torchrecShardMs(o: { batch: number; pooling: number; dim: number; elementBytes: number; worldSize?: number; kernel: TorchrecKernel; cachingRatio?: number }): { fwdMs: number; bwdMs: number } {
  const ws = o.worldSize ?? 1;
  const inputs = o.batch * o.pooling;
  const inputRead = Math.ceil(inputs * ws * 8);
  const lookup = inputs * ws * Math.max(o.dim, 32) * o.elementBytes;
  const out = o.batch * ws * o.dim * o.elementBytes;
  const fwdMs = ((inputRead + lookup + out) * blockPenalty(o.dim)) / kernelBwLookup(o.kernel, o.cachingRatio);
  return { fwdMs, bwdMs: fwdMs * TORCHREC.bwdComputeMultiplier };
}

/** TorchRec's default rule: one load factor for every cached table (the budget's share of their bytes, at most 1). */
export function oneLoadFactor(tableBytes: number[], budgetBytes: number): number {
  const total = tableBytes.reduce((a, b) => a + b, 0);
  return total > 0 ? Math.min(1, Math.max(0, budgetBytes / total)) : 0;
}

/**
 * The ScaleupProposer's split of a budget (allocate_budget): cache bytes grow in proportion to
 * each table's priority (cacheability x expected lookups), capped at the table's bytes, the
 * freed share handed out again; returns each table's load factor.
 */
export function proportionalLoadFactors(tableBytes: number[], priority: number[], budgetBytes: number): number[] {
  const cache = tableBytes.map(() => 0);
  let budget = budgetBytes;
  for (let pass = 0; pass < 128 && budget > 1; pass++) {
    const open = tableBytes.map((b, i) => cache[i]! < b && priority[i]! > 0);
    const sum = priority.reduce((s, p, i) => s + (open[i] ? p : 0), 0);
    if (sum <= 0) break;
    let spent = 0;
    tableBytes.forEach((b, i) => {
      if (!open[i]) return;
      const next = Math.min(b, cache[i]! + (budget * priority[i]!) / sum);
      spent += next - cache[i]!;
      cache[i] = next;
    });
    budget -= spent;
    if (spent <= 0) break;
  }
  return cache.map((c, i) => (tableBytes[i]! > 0 ? c / tableBytes[i]! : 0));
}
