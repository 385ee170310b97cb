/**
 * The one evaluator of a DLRM training step (shared/DESIGN.md, "one cost model"): each rank's
 * work -> its execution graph under an implementation profile -> kernel models -> the
 * critical-path simulator over all ranks together. `strata predict` is the one-rank case,
 * `strata plan` evaluates its sharding plans here.
 */
import type { Cluster } from "./catalog/clusters.js";
import type { Gpu } from "./catalog/gpus.js";
import type { ImplementationProfile } from "./catalog/implementations.js";
import { buildDlrmTrainingGraph, type RankWork } from "./graph/dlrm.js";
import type { HostOverheadTable } from "./graph/host-overheads.js";
import type { ExecutionGraph } from "./graph/types.js";
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
  const byWork = new Map<string, ExecutionGraph>();
  const graphs = works.map((work) => {
    const key = workKey(work);
    let graph = byWork.get(key);
    if (!graph) byWork.set(key, (graph = rankGraph(w, s, work)));
    return graph;
  });
  return { ...simulateRanks(graphs, { host: s.host, ...options }), graphs };
}

/** Everything of a rank's work its graph depends on: the host index only keys host-scoped collectives (table-row-wise). */
function workKey(work: RankWork): string {
  return JSON.stringify(work.hostRowWiseBytes > 0 ? work : { ...work, host: 0 });
}
