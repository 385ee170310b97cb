/**
 * Kernel work descriptions: what a GPU kernel does, independent of how long it takes.
 * Graph builders emit these; the kernel models in this folder turn them into durations.
 */
import type { Precision } from "../spec/workload.js";

export type Dtype = Precision;

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
  /** Sparse SGD update, dense.add_(sparse): atomic adds of every looked-up row. */
  | { kind: "embedding-update"; lookups: number; dim: number; rows: number; hottestRowShare: number; elementBytes: number }
  /** Streaming elementwise or reduction kernel (roofline on bytes moved and flops). */
  | { kind: "elementwise"; bytes: number; flops: number }
  | { kind: "memcpy"; bytes: number; direction: "h2d-pageable" | "h2d-pinned" | "d2h" | "d2d" }
  | { kind: "memset"; bytes: number }
  /** index_put_ with accumulate (backward of advanced indexing): a serial walk per sorted index. */
  | { kind: "index-backward"; elements: number }
  /** Radix sort of keys (index backward), cub single-pass or onesweep. */
  | { kind: "sort"; keys: number; keyBytes: number };

export type KernelKind = KernelWork["kind"];
