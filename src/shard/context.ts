/** What every planner needs to know about one model on one cluster, computed once per plan. */
import type { Cluster } from "../catalog/clusters.js";
import { allToAllUs, COMM_BYTES, type CommDtype } from "../perf/collectives.js";
import type { DlrmWorkload } from "../spec/workload.js";
import { HBM_USABLE, denseCost, evaluatePlan, type DenseCost } from "./evaluate.js";
import { shardUs, tableInfos, type TableInfo } from "./table-costs.js";
import type { PlanResult, Shard } from "./types.js";

export interface PlanOptions {
  /** Precision of the embedding all-to-all (Neo Sec. 5.3); fp32 by default. */
  commDtype?: CommDtype;
  /** Wall-clock limit of the MILP solver, seconds. */
  milpSeconds?: number;
}

export interface PlanContext {
  w: DlrmWorkload;
  c: Cluster;
  tables: TableInfo[];
  /** Table-wise cost of each table on one rank, us. */
  twUs: number[];
  /** A rank's fair share of the embedding work: the sum of twUs over the ranks, us. */
  fairUs: number;
  /** Usable HBM bytes per rank. */
  capacity: number;
  dense: DenseCost;
  /** Forward + backward all-to-all time per byte a rank sends, us: what a shard's pooled output costs in communication. */
  a2aUsPerByte: number;
  /** All-to-all bytes a table-wise (or row-wise) shard of each table sends per step. */
  sendBytes: number[];
  options: PlanOptions;
  evaluate(shards: Shard[], strategy: string): PlanResult;
}

export function planContext(w: DlrmWorkload, c: Cluster, options: PlanOptions = {}): PlanContext {
  const tables = tableInfos(w);
  const dense = denseCost(w, c);
  const twUs = tables.map((t) => shardUs(c.gpuSpec, w, w.training.batchSize, t.pooling, t.rows, t.dim));
  return {
    w, c, tables, dense, options, twUs,
    fairUs: twUs.reduce((a, b) => a + b, 0) / c.ranks,
    a2aUsPerByte: (2 * (allToAllUs(c, [1e9]) - allToAllUs(c, [0]))) / 1e9,
    sendBytes: tables.map((t) => w.training.batchSize * t.dim * COMM_BYTES[options.commDtype ?? "fp32"]),
    capacity: c.gpuSpec.hbmBytes * HBM_USABLE,
    evaluate: (shards, strategy) => evaluatePlan(w, c, shards, strategy, { dense, commDtype: options.commDtype }),
  };
}
