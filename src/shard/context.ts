/** What every planner needs to know about one model on one cluster, computed once per plan. */
import { reshapeCluster, type Cluster } from "../catalog/clusters.js";
import { getImplementation, type ImplementationProfile } from "../catalog/implementations.js";
import { simulateStep } from "../dlrm-step.js";
import type { HostFactors } from "../sim/simulate.js";
import { dlrmTrainingMemory } from "../graph/dlrm-memory.js";
import { allGatherUs, allToAllUs, COMM_BYTES, reduceScatterUs, type CommDtype } from "../perf/collectives.js";
import { tbeBackwardUs, tbeForwardUs } from "../perf/embedding.js";
import { embeddingBytes } from "../graph/dlrm.js";
import type { DlrmWorkload } from "../spec/workload.js";
import { HBM_USABLE } from "../graph/fit.js";
import { tierFetchUs } from "../perf/elementwise.js";
import type { TierContext } from "../tier/fetch.js";
import { emptyRankWork, evaluatePlan, rankWorks, setupFor } from "./evaluate.js";
import { shardUs, tableInfos, type TableInfo } from "./table-costs.js";
import type { PlanResult, Shard } from "./types.js";

export interface PlanOptions {
  /** Precision of the embedding all-to-all (Neo Sec. 5.3); the profile's by default. */
  commDtype?: CommDtype;
  /** Wall-clock limit of the MILP solver, seconds. */
  milpSeconds?: number;
  /** The software stack (default: the workload's training.implementation). */
  implementation?: string;
  /** Keep every rank's timeline in the returned plan. */
  timeline?: boolean;
  /** Tables homed off the GPU: the node's tiers and the tables' access (default: the workload's). */
  tiers?: TierContext;
  /** The host's speed against the calibration host's (`--host`, `--host-speed`). */
  host?: HostFactors;
  /** Told the name of each strategy (and solver stage) as it starts: progress for a terminal. */
  onStage?: (stage: string) => void;
}

export interface PlanContext {
  w: DlrmWorkload;
  c: Cluster;
  profile: ImplementationProfile;
  tables: TableInfo[];
  /** Table-wise cost of each table on one rank, us. */
  twUs: number[];
  /** A rank's fair share of the embedding work: the sum of twUs over the ranks, us. */
  fairUs: number;
  /** Usable HBM bytes per rank. */
  capacity: number;
  /** A rank's memory before any table is placed (dense part, activations, workspaces). */
  dense: { memoryBytes: number };
  /** Forward + backward all-to-all time per byte a rank sends, us: what a shard's pooled output costs in communication. */
  a2aUsPerByte: number;
  /** Forward reduce-scatter + backward all-gather time per byte of row-wise partial sums, us. */
  rowWiseUsPerByte: number;
  /** The same inside one host (table-row-wise), us per byte. */
  hostRowWiseUsPerByte: number;
  /** All-to-all bytes a table-wise (or row-wise) shard of each table sends per step. */
  sendBytes: number[];
  /** The step with no embedding work at all (dense part and its communication), from the evaluator, us. */
  baseStepUs: number;
  options: PlanOptions;
  evaluate(shards: Shard[], strategy: string): PlanResult;
  /** The search's fast estimate of a plan's step (held against evaluate by a differential test). */
  surrogateStepUs(shards: Shard[]): number;
}

export function planContext(w: DlrmWorkload, c: Cluster, options: PlanOptions = {}): PlanContext {
  const profile = getImplementation(options.implementation ?? w.training.implementation);
  const tables = tableInfos(w);
  const twUs = tables.map((t) => shardUs(c.gpuSpec, w, w.training.batchSize, t.pooling, t.rows, t.dim));
  const empty = emptyRankWork(w, c);
  // Every rank without tables runs the same graph: one simulated rank stands for all.
  const baseStepUs = simulateStep(w, setupFor(c, profile, options.host), [empty]).stepUs;
  const a2aUsPerByte = (2 * (allToAllUs(c, [1e9]) - allToAllUs(c, [0]))) / 1e9;
  const rowWiseUsPerByte = (reduceScatterUs(c, 1e9) - reduceScatterUs(c, 0) + allGatherUs(c, 1e9) - allGatherUs(c, 0)) / 1e9;
  const host = reshapeCluster(c, 1);
  const hostRowWiseUsPerByte = (reduceScatterUs(host, 1e9) - reduceScatterUs(host, 0) + allGatherUs(host, 1e9) - allGatherUs(host, 0)) / 1e9;
  const ctx: PlanContext = {
    w, c, profile, tables, options, twUs, baseStepUs, a2aUsPerByte, rowWiseUsPerByte, hostRowWiseUsPerByte,
    fairUs: twUs.reduce((a, b) => a + b, 0) / c.ranks,
    sendBytes: tables.map((t) => w.training.batchSize * t.dim * COMM_BYTES[options.commDtype ?? profile.communication.allToAll]),
    capacity: c.gpuSpec.hbmBytes * HBM_USABLE,
    dense: { memoryBytes: dlrmTrainingMemory(w, profile, empty).peakBytes },
    evaluate: (shards, strategy) => evaluatePlan(w, c, profile, shards, strategy, { commDtype: options.commDtype, tiers: options.tiers, host: options.host }),
    surrogateStepUs: (shards) => surrogateStepUs(ctx, shards),
  };
  return ctx;
}

/**
 * The dense step plus the busiest rank's embedding kernels plus the busiest sender's
 * communication: collectives wait for their slowest member, so the two maxima add; the overlap
 * of the all-to-all with the bottom MLP is ignored. test/step-model.test.ts holds it against the
 * evaluator.
 */
function surrogateStepUs(ctx: PlanContext, shards: Shard[]): number {
  const works = rankWorks(ctx.w, ctx.c, ctx.profile, shards, ctx.options.commDtype, ctx.options.tiers);
  const e = embeddingBytes(ctx.w.training.embeddingPrecision);
  let emb = 0;
  let comm = 0;
  let fetch = 0;
  let blocking = false;
  for (const work of works) {
    if (work.fetch) {
      fetch = Math.max(fetch, tierFetchUs(ctx.c.gpuSpec, work.fetch.h2dBytes, work.fetch.d2hBytes, work.fetch.storageUs));
      blocking ||= work.fetch.blocking;
    }
    if (work.parts.length) emb = Math.max(emb, tbeForwardUs(ctx.c.gpuSpec, work.parts, e) + tbeBackwardUs(ctx.c.gpuSpec, work.parts, e, ctx.w.training.optimizer));
    comm = Math.max(comm, work.a2aSendBytes * ctx.a2aUsPerByte + work.rowWiseBytes * ctx.rowWiseUsPerByte + work.hostRowWiseBytes * ctx.hostRowWiseUsPerByte);
  }
  const step = ctx.baseStepUs + emb + comm;
  // Pipelined prefetch overlaps the step; blocking adds to it.
  return blocking ? step + fetch : Math.max(step, fetch);
}
