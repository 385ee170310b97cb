/**
 * The one evaluator of a DLRM training step (shared/DESIGN.md, "one cost model"): each rank's
 * work -> its execution graph under an implementation profile -> kernel models -> the
 * critical-path simulator over all ranks together. `strata predict` is the one-rank case,
 * `strata plan` evaluates its sharding plans here.
 */
import type { Cluster } from "./catalog/clusters.js";
import type { Gpu } from "./catalog/gpus.js";
import type { ImplementationProfile } from "./catalog/implementations.js";
import { buildDlrmTrainingGraph, type RankWork, type TierFetch } from "./graph/dlrm.js";
import type { HostOverheadTable } from "./graph/host-overheads.js";
import type { ExecutionGraph } from "./graph/types.js";
import type { EmbeddingPart } from "./perf/kernel.js";
import { timeKernels } from "./perf/time-graph.js";
import { simulateRanks, type HostFactors, type RanksResult, type SimOptions } from "./sim/simulate.js";
import type { DlrmWorkload } from "./spec/workload.js";

export interface StepSetup {
  gpu: Gpu;
  /** Where collectives run; none for a single GPU. */
  cluster?: Cluster;
  profile: ImplementationProfile;
  hostOverheads: HostOverheadTable;
  /** The host's speed against the calibration host's (default: the same). */
  host?: HostFactors;
}

/** Kernel corrections learned per op name from traces (`strata calibrate`); collectives are never corrected. */
export function correctionOf(table: HostOverheadTable): (opName: string) => number {
  const corrections = table.kernelCorrections ?? {};
  return (opName) => corrections[opName] ?? 1;
}

export function rankGraph(w: DlrmWorkload, s: StepSetup, work: RankWork): ExecutionGraph {
  return timeKernels(buildDlrmTrainingGraph(w, s.hostOverheads, s.profile, work), s.gpu, correctionOf(s.hostOverheads), s.cluster);
}

export function simulateStep(w: DlrmWorkload, s: StepSetup, works: RankWork[], options: SimOptions = {}): RanksResult & { graphs: ExecutionGraph[] } {
  // Ranks with the same work (in a large job most hold only replicated tables) share one graph,
  // built and timed once: graphs are read-only once timed.
  const built: Array<{ work: RankWork; graph: ExecutionGraph }> = [];
  const graphs = works.map((work) => {
    let known = built.find((b) => sameGraphWork(b.work, work));
    if (!known) built.push((known = { work, graph: rankGraph(w, s, work) }));
    return known.graph;
  });
  return { ...simulateRanks(graphs, { host: s.host, ...options }), graphs };
}

/**
 * Every field of a rank's work, of its table parts and of its fetch, typed so that a field added
 * to RankWork, EmbeddingPart or TierFetch fails to compile until it is listed here.
 */
const WORK_FIELDS: Record<Exclude<keyof RankWork, "parts" | "fetch" | "host">, true> = {
  ranks: true, localBatch: true, a2aSendBytes: true, rowWiseBytes: true, hostRowWiseBytes: true, a2aQuantizeBytes: true, inputDistBytes: true, replicatedGradBytes: true,
};
const PART_FIELDS: Record<keyof EmbeddingPart, true> = { bags: true, pooling: true, dim: true, rows: true, uniqueFraction: true, hottestRowShare: true, residentRows: true };
const FETCH_FIELDS: Record<keyof TierFetch, true> = { h2dBytes: true, d2hBytes: true, storageUs: true, blocking: true };
const workKeys = Object.keys(WORK_FIELDS) as Array<keyof typeof WORK_FIELDS>;
const partKeys = Object.keys(PART_FIELDS) as Array<keyof EmbeddingPart>;
const fetchKeys = Object.keys(FETCH_FIELDS) as Array<keyof TierFetch>;

/** Whether two ranks' works give the same graph: equal in every field; the host index only where host-scoped collectives (table-row-wise) use it. */
function sameGraphWork(a: RankWork, b: RankWork): boolean {
  if (a.parts.length !== b.parts.length) return false;
  for (const k of workKeys) if (a[k] !== b[k]) return false;
  if (a.hostRowWiseBytes > 0 && a.host !== b.host) return false;
  for (let i = 0; i < a.parts.length; i++) {
    const p = a.parts[i]!;
    const q = b.parts[i]!;
    for (const k of partKeys) if (p[k] !== q[k]) return false;
  }
  if (!a.fetch || !b.fetch) return a.fetch === b.fetch;
  for (const k of fetchKeys) if (a.fetch[k] !== b.fetch[k]) return false;
  return true;
}
