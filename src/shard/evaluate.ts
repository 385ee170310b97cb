/**
 * Predict a multi-GPU training step for a sharding plan (Neo, Mudigere et al. ISCA 2022,
 * Sec. 5): model-parallel embeddings, data-parallel dense layers. Each rank's work (its shards'
 * lookups, what it sends in the all-to-alls, the replicated tables' gradients) goes through the
 * one evaluator of `strata predict` (dlrm-step.ts): the rank's graph under the implementation
 * profile, the kernel models, and the simulator over all ranks with the collectives as nodes.
 */
import type { Cluster } from "../catalog/clusters.js";
import type { ImplementationProfile } from "../catalog/implementations.js";
import { simulateStep, type StepSetup } from "../dlrm-step.js";
import { embeddingPart, type RankWork } from "../graph/dlrm.js";
import { dlrmTrainingMemory } from "../graph/dlrm-memory.js";
import { HBM_USABLE } from "../graph/fit.js";
import { defaultHostOverheads } from "../graph/host-overheads.js";
import { COMM_BYTES, type CommDtype } from "../perf/collectives.js";
import type { HostFactors, TimelineEvent } from "../sim/simulate.js";
import type { DlrmWorkload } from "../spec/workload.js";
import { attachFetches, type TierContext } from "../tier/fetch.js";
import { tableInfos } from "./table-costs.js";
import type { PlanResult, RankStats, Shard } from "./types.js";


const I64 = 8;

export interface EvaluateOptions {
  /** Wire precision of the pooled-embedding all-to-all (default: the profile's). */
  commDtype?: CommDtype;
  /** Tables homed off the GPU: the node's tiers and every table's access (tier/fetch.ts). */
  tiers?: TierContext;
  /** Keep every rank's timeline. */
  timeline?: boolean;
  /** The host's speed against the calibration host's. */
  host?: HostFactors;
}

/** Even split of n into k half-open ranges. */
export function splitRange(n: number, k: number): Array<[number, number]> {
  return Array.from({ length: k }, (_, i) => [Math.floor((n * i) / k), Math.floor((n * (i + 1)) / k)] as [number, number]);
}

export function setupFor(c: Cluster, profile: ImplementationProfile, host?: HostFactors): StepSetup {
  return { gpu: c.gpuSpec, cluster: c, profile, hostOverheads: defaultHostOverheads(), ...(host ? { host } : {}) };
}

/** A rank's work before any shard is placed: the dense part with its slice of the batch. */
export function emptyRankWork(w: DlrmWorkload, c: Cluster, rank = 0): RankWork {
  const localBatch = Math.max(1, Math.round(w.training.batchSize / c.ranks));
  const inputDistBytes = c.ranks > 1 ? localBatch * w.model.tables.reduce((s, t) => s + t.pooling, 0) * I64 : 0;
  return { ranks: c.ranks, host: Math.floor(rank / c.gpusPerHost), localBatch, parts: [], a2aSendBytes: 0, rowWiseBytes: 0, hostRowWiseBytes: 0, a2aQuantizeBytes: 0, inputDistBytes, replicatedGradBytes: 0 };
}

/** Every rank's work under a plan. */
export function rankWorks(w: DlrmWorkload, c: Cluster, profile: ImplementationProfile, shards: Shard[], commDtype?: CommDtype, tiers?: TierContext): RankWork[] {
  const B = w.training.batchSize;
  const N = c.ranks;
  const wire = commDtype ?? profile.communication.allToAll;
  const cb = COMM_BYTES[wire];
  const tables = tableInfos(w);
  const works = Array.from({ length: N }, (_, r) => emptyRankWork(w, c, r));
  for (const s of shards) {
    const t = tables[s.table]!;
    s.ranks.forEach((r, i) => {
      const [r0, r1] = s.rows[i]!;
      const [c0, c1] = s.cols[i]!;
      const rows = r1 - r0;
      const cols = c1 - c0;
      const work = works[r]!;
      // Data-parallel replicas serve their own B / N samples; row-wise shards every sample's
      // lookups that fall in their rows (uniform share); the others every sample's lookups.
      const part = s.type === "data-parallel" ? embeddingPart(w.model, B / N, t.pooling, rows, cols)
        : s.type === "row-wise" || s.type === "table-row-wise" ? embeddingPart(w.model, B, (t.pooling * rows) / t.rows, rows, cols)
        : embeddingPart(w.model, B, t.pooling, rows, cols);
      if (t.hbmRowFraction < 1) part.residentRows = Math.ceil(rows * t.hbmRowFraction);
      work.parts.push(part);
      if (s.type === "data-parallel") work.replicatedGradBytes += rows * cols * 4;
      // Row-wise over all ranks: partial sums for every sample, reduce-scattered (hierarchical across hosts).
      else if (s.type === "row-wise" && s.ranks.length === N) work.rowWiseBytes += B * cols * cb;
      // Row-wise inside one host: reduce-scattered over NVLink, then each rank sends its 1/g share.
      else if (s.type === "table-row-wise" && c.hosts > 1) {
        work.hostRowWiseBytes += B * cols * cb;
        work.a2aSendBytes += (B * cols * cb) / s.ranks.length;
      } else work.a2aSendBytes += B * cols * cb;
    });
  }
  // Reduced precision that the stack does not produce natively: quantise and dequantise passes
  // over the fp32 tensor (Neo Sec. 5.3), read fp32 + write low precision and back.
  if (wire !== profile.communication.allToAll) for (const work of works) work.a2aQuantizeBytes = ((work.a2aSendBytes + work.rowWiseBytes + work.hostRowWiseBytes) / cb) * 4 * (1 + cb / 4) * 2;
  if (tables.some((t) => t.hbmRowFraction < 1)) attachFetches(w, c, shards, works, tiers);
  return works;
}

export function evaluatePlan(w: DlrmWorkload, c: Cluster, profile: ImplementationProfile, shards: Shard[], strategy: string, options: EvaluateOptions = {}): PlanResult {
  const works = rankWorks(w, c, profile, shards, options.commDtype, options.tiers);
  const step = simulateStep(w, setupFor(c, profile, options.host), works, { recordTimeline: options.timeline ?? false });
  const capacity = c.gpuSpec.hbmBytes * HBM_USABLE;
  const perRank: RankStats[] = step.ranks.map((r, rank) => {
    const embeddingUs = r.byCategory.embedding.gpuUs;
    const computeUs = Math.max(r.hostBusyUs, r.gpuActiveUs);
    return {
      rank,
      hbmBytes: dlrmTrainingMemory(w, profile, works[rank]).peakBytes,
      embeddingUs,
      denseUs: r.gpuActiveUs - embeddingUs,
      computeUs,
      // Time this rank waits on communication (and on slower ranks at collectives).
      commUs: Math.max(0, step.stepUs - computeUs),
      a2aSendBytes: works[rank]!.a2aSendBytes,
    };
  });
  const over = perRank.filter((p) => p.hbmBytes > capacity);
  const emb = perRank.map((p) => p.embeddingUs);
  const meanEmb = emb.reduce((a, b) => a + b, 0) / c.ranks;
  const timelines: TimelineEvent[][] | undefined = options.timeline ? step.ranks.map((r) => r.timeline) : undefined;
  const slowest = step.ranks.reduce((a, r) => (r.stepUs > a.stepUs ? r : a), step.ranks[0]!);
  return {
    strategy,
    feasible: over.length === 0,
    infeasibleReason: over.length ? `rank ${over[0]!.rank} needs ${(over[0]!.hbmBytes / 1e9).toFixed(1)} GB of HBM, a ${c.gpu} offers ${(capacity / 1e9).toFixed(1)} GB usable` : undefined,
    stepUs: step.stepUs,
    hostBound: slowest.hostBusyUs >= slowest.gpuActiveUs,
    samplesPerSec: w.training.batchSize / (step.stepUs / 1e6),
    shards,
    perRank,
    // max >= mean by definition; clamp float rounding (a perfectly balanced plan gives -1e-16).
    imbalance: meanEmb > 0 ? Math.max(0, emb.reduce((a, b) => Math.max(a, b), 0) / meanEmb - 1) : 0,
    ...(timelines ? { timelines } : {}),
  };
}
