/**
 * The planner's fast surrogate for one shard: the variable part of the same table-batched
 * kernel models the evaluator runs (perf/embedding.ts), so a shard's cost is what it adds to its
 * rank's fused lookup and backward; the kernels' fixed costs are paid once per rank. Memory:
 * the same per-table bytes as the evaluator's memory model (graph/dlrm-memory.ts).
 */
import type { Gpu } from "../catalog/gpus.js";
import { embeddingBytes, embeddingPart } from "../graph/dlrm.js";
import { tableStateBytes } from "../graph/dlrm-memory.js";
import { tbeBackwardUs, tbeForwardUs } from "../perf/embedding.js";
import type { DlrmWorkload } from "../spec/workload.js";
import { tableDim } from "../spec/workload.js";

const F32 = 4;

export interface TableInfo {
  index: number;
  rows: number;
  dim: number;
  pooling: number;
  /** fp32 weights (the size that decides replication and reports). */
  bytes: number;
  /** Share of its rows in HBM: its cache's over a table homed off the GPU (docs/tiers.md), else 1. */
  hbmRowFraction: number;
}

export function tableInfos(w: DlrmWorkload): TableInfo[] {
  return w.model.tables.map((t, index) => {
    const dim = tableDim(w.model, t);
    const p = t.placement;
    const hbmRowFraction = !p || p.home === "hbm" ? 1 : Math.min(1, p.hbmCacheRows / t.rows);
    return { index, rows: t.rows, dim, pooling: t.pooling, bytes: t.rows * dim * F32, hbmRowFraction };
  });
}

/** HBM bytes of `rows x cols` of table t: with optimizer state, or its cache's share when homed off the GPU. */
export function shardBytes(w: DlrmWorkload, t: TableInfo, rows: number, cols: number): number {
  return tableStateBytes(w, t.hbmRowFraction < 1 ? Math.ceil(rows * t.hbmRowFraction) : rows, cols);
}

/**
 * Embedding time, us, of a shard that serves `bags` samples, each with `pooling` lookups, of
 * `cols` columns of a table with `rows` rows (variable part only): forward, and backward with
 * the optimizer update.
 */
export function shardCost(gpu: Gpu, w: DlrmWorkload, bags: number, pooling: number, rows: number, cols: number): { fwdUs: number; bwdUs: number } {
  if (bags <= 0 || pooling <= 0) return { fwdUs: 0, bwdUs: 0 };
  const part = [embeddingPart(w.model, bags, pooling, rows, cols)];
  const e = embeddingBytes(w.training.embeddingPrecision);
  return {
    fwdUs: tbeForwardUs(gpu, part, e) - tbeForwardUs(gpu, [], e),
    bwdUs: tbeBackwardUs(gpu, part, e, w.training.optimizer) - tbeBackwardUs(gpu, [], e, w.training.optimizer),
  };
}

/** Forward + backward + update time of a shard, us (shardCost summed). */
export function shardUs(gpu: Gpu, w: DlrmWorkload, bags: number, pooling: number, rows: number, cols: number): number {
  const c = shardCost(gpu, w, bags, pooling, rows, cols);
  return c.fwdUs + c.bwdUs;
}
