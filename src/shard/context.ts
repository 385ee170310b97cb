/** What every planner needs to know about one model on one cluster, computed once per plan. */
import type { Cluster } from "../catalog/clusters.js";
import type { CommDtype } from "../perf/collectives.js";
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
  /** Usable HBM bytes per rank. */
  capacity: number;
  dense: DenseCost;
  options: PlanOptions;
  evaluate(shards: Shard[], strategy: string): PlanResult;
}

export function planContext(w: DlrmWorkload, c: Cluster, options: PlanOptions = {}): PlanContext {
  const tables = tableInfos(w);
  const dense = denseCost(w, c);
  return {
    w, c, tables, dense, options,
    twUs: tables.map((t) => shardUs(c.gpuSpec, w, w.training.batchSize, t.pooling, t.rows, t.dim)),
    capacity: c.gpuSpec.hbmBytes * HBM_USABLE,
    evaluate: (shards, strategy) => evaluatePlan(w, c, shards, strategy, { dense, commDtype: options.commDtype }),
  };
}
