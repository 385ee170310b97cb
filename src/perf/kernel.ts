/**
 * Kernel work descriptions: what a GPU kernel does, independent of how long it takes.
 * Graph builders emit these; the kernel models in this folder turn them into durations.
 */
import type { Optimizer, Precision } from "../spec/workload.js";

/** Compute dtypes: the workload precisions, and fp4 (NVFP4/MXFP4 on FP4 tensor cores, LLM serving). */
export type Dtype = Precision | "fp4";

/** One table shard's lookups in a fused (table-batched) embedding kernel. */
export interface EmbeddingPart {
  bags: number;
  pooling: number;
  dim: number;
  rows: number;
  uniqueFraction: number;
  hottestRowShare: number;
  /** Rows held in HBM when the table is homed off the GPU (its cache); absent: all `rows`. */
  residentRows?: number;
}

export type CollectiveOp = "all-to-all" | "all-reduce" | "reduce-scatter" | "all-gather";

export type KernelWork =
  | { kind: "gemm"; m: number; n: number; k: number; batch: number; dtype: Dtype }
  | { kind: "bmm"; m: number; n: number; k: number; batch: number; dtype: Dtype }
  | {
      kind: "embedding-forward";
      bags: number;
      pooling: number;
      dim: number;
      rows: number;
      elementBytes: number;
      uniqueFraction: number;
    }
  /** Sparse gradient of an embedding bag: one gathered gradient row per lookup. */
  | { kind: "embedding-backward"; lookups: number; dim: number; elementBytes: number }
  /** Sparse update, dense.add_(sparse): atomic adds of every looked-up row (optimizer state traffic on top for Adagrad/Adam). */
  | { kind: "embedding-update"; lookups: number; dim: number; rows: number; hottestRowShare: number; elementBytes: number; optimizer?: Optimizer }
  /** FBGEMM table-batched lookup: every shard of a rank in one kernel. */
  | { kind: "tbe-forward"; parts: EmbeddingPart[]; elementBytes: number; outputBytes: number }
  /** FBGEMM table-batched backward fused with the optimizer's row update. */
  | { kind: "tbe-backward"; parts: EmbeddingPart[]; elementBytes: number; optimizer: Optimizer; gradBytes: number }
  /**
   * A collective over the job's ranks; `bytes` is what this rank sends (all-to-all) or reduces (all-reduce).
   * `algorithm: "one-shot"` (all-reduce only): inference engines' custom all-reduce inside one NVLink host
   * (every rank reads its peers' buffers; perf/collectives.ts hostAllReduceUs) instead of NCCL's ring.
   */
  | { kind: "collective"; op: CollectiveOp; bytes: number; algorithm?: "one-shot"; /** Over this rank's host only (table-row-wise partial sums). */ scope?: "host" }
  /**
   * MoE experts in one kernel: group g multiplies rows[g] x k by its own k x n weights (stored at
   * weightBytesPerValue if not the dtype's). `computeEfficiency` / `bandwidthEfficiency`: the share
   * of the model's compute rate and weight-streaming rate an implementation reaches (LLM engines'
   * kernel profiles, data/llm/engines.json); default 1.
   */
  | { kind: "grouped-gemm"; rows: number[]; n: number; k: number; dtype: Dtype; weightBytesPerValue?: number; computeEfficiency?: number; bandwidthEfficiency?: number }
  /** Flash attention over `batch` sequences of `tokens` new tokens after `past` cached ones (chunked layers: within `chunk`; sliding-window layers: the last `window`). */
  | { kind: "attention-prefill"; batch: number; heads: number; headDim: number; tokens: number; dtype: Dtype; past: number; chunk?: number; window?: number }
  /** Decode attention: one new token per sequence reading `kvTokens` cached tokens of `kvBytesPerToken` (MLA: and `flopsPerKvToken`). */
  | { kind: "attention-decode"; batch: number; kvTokens: number; kvBytesPerToken: number; flopsPerKvToken?: number }
  /** Streaming elementwise or reduction kernel (roofline on bytes moved and flops). */
  | { kind: "elementwise"; bytes: number; flops: number }
  /**
   * Fetch of cache misses from the node's tiers (docs/tiers.md): rows cross the host link (H2D),
   * evicted dirty rows go back (D2H, full duplex), behind `storageUs` of device time on the host.
   */
  | { kind: "tier-fetch"; h2dBytes: number; d2hBytes: number; storageUs: number }
  | { kind: "memcpy"; bytes: number; direction: "h2d-pageable" | "h2d-pinned" | "d2h" | "d2d" }
  | { kind: "memset"; bytes: number }
  /** index_put_ with accumulate (backward of advanced indexing): a serial walk per sorted index. */
  | { kind: "index-backward"; elements: number }
  /** Radix sort of keys (index backward), cub single-pass or onesweep. */
  | { kind: "sort"; keys: number; keyBytes: number };

export type KernelKind = KernelWork["kind"];
