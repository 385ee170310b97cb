/**
 * Cost and memory of one table's shard on one rank, from the same embedding kernel models as
 * `strata predict` (perf/embedding.ts). Ranks run fused table-batched kernels (FBGEMM TBE, as
 * TorchRec and Neo do), so each shard pays only the variable part of the kernel time; the fixed
 * launch costs are paid once per rank (rankFixedUs).
 */
import type { Gpu } from "../catalog/gpus.js";
import { KERNEL_CONSTANTS } from "../perf/constants.js";
import { embeddingBackwardUs, embeddingForwardUs, embeddingUpdateUs } from "../perf/embedding.js";
import { hottestRowShare, uniqueFraction } from "../perf/index-stats.js";
import type { DlrmWorkload } from "../spec/workload.js";
import { tableDim } from "../spec/workload.js";

const F32 = 4;
const E = KERNEL_CONSTANTS.embedding;

/** Optimizer state words per parameter, and extra update traffic relative to SGD. */
const OPTIMIZER = {
  sgd: { stateWords: 0, rowWords: 0, updateFactor: 1 },
  adagrad: { stateWords: 1, rowWords: 0, updateFactor: 2 },
  "rowwise-adagrad": { stateWords: 0, rowWords: 1, updateFactor: 1.2 },
  adam: { stateWords: 2, rowWords: 0, updateFactor: 3 },
} as const;

export interface TableInfo {
  index: number;
  rows: number;
  dim: number;
  pooling: number;
  bytes: number;
}

export function tableInfos(w: DlrmWorkload): TableInfo[] {
  return w.model.tables.map((t, index) => {
    const dim = tableDim(w.model, t);
    return { index, rows: t.rows, dim, pooling: t.pooling, bytes: t.rows * dim * F32 };
  });
}

/** HBM bytes of `rows x cols` of a table, with optimizer state. */
export function shardBytes(w: DlrmWorkload, rows: number, cols: number): number {
  const o = OPTIMIZER[w.training.optimizer];
  return rows * cols * F32 * (1 + o.stateWords) + rows * o.rowWords * F32;
}

/**
 * Embedding time, us, of a shard that serves `bags` samples, each with `pooling` lookups, of
 * `cols` columns of a table with `rows` rows (variable part only): forward, and backward with
 * the optimizer update.
 */
export function shardCost(gpu: Gpu, w: DlrmWorkload, bags: number, pooling: number, rows: number, cols: number): { fwdUs: number; bwdUs: number } {
  if (bags <= 0 || pooling <= 0) return { fwdUs: 0, bwdUs: 0 };
  const lookups = bags * pooling;
  const u = uniqueFraction(w.model.indexDistribution, rows, lookups);
  const fwd = embeddingForwardUs(gpu, { bags, pooling, dim: cols, elementBytes: F32, uniqueFraction: u }) - E.forwardFixedUs;
  const bwd = embeddingBackwardUs(gpu, { lookups, dim: cols, elementBytes: F32 }) - E.backwardFixedUs;
  const upd = (embeddingUpdateUs(gpu, { lookups, dim: cols, hottestRowShare: hottestRowShare(w.model.indexDistribution, rows) }) - E.updateFixedUs) * OPTIMIZER[w.training.optimizer].updateFactor;
  return { fwdUs: fwd, bwdUs: bwd + upd };
}

/** Forward + backward + update time of a shard, us (shardCost summed). */
export function shardUs(gpu: Gpu, w: DlrmWorkload, bags: number, pooling: number, rows: number, cols: number): number {
  const c = shardCost(gpu, w, bags, pooling, rows, cols);
  return c.fwdUs + c.bwdUs;
}

/** Fixed kernel costs a rank with any embedding shard pays once (fused forward; backward and update). */
export const rankFixedUs = { fwdUs: E.forwardFixedUs, bwdUs: E.backwardFixedUs + E.updateFixedUs };
