/** Planner benchmarks: plan quality on seeded workloads, planning speed, scaling over hosts. */
import { resolveCluster, type Cluster } from "../src/catalog/clusters.js";
import { dlrmPreset, randomDlrm } from "../src/catalog/dlrm-presets.js";
import { planSharding, type Strategy } from "../src/shard/planner.js";
import { Workload, type DlrmWorkload } from "../src/spec/workload.js";

const asDlrm = (w: unknown): DlrmWorkload => Workload.parse(w) as DlrmWorkload;
const BASELINES: Strategy[] = ["search", "greedy", "table-wise", "row-wise", "column-wise", "table-row-wise"];

export function planQuality() {
  const cluster = resolveCluster("h100-16x8");
  const ratios = new Map<string, number[]>(BASELINES.map((b) => [b, []]));
  for (let seed = 1; seed <= 20; seed++) {
    const w = asDlrm(randomDlrm(seed, 40 + 10 * seed, 65536));
    const best = planSharding(w, cluster).stepUs;
    for (const b of BASELINES) ratios.get(b)!.push(planSharding(w, cluster, b).stepUs / best);
  }
  return [...ratios].map(([strategy, r]) => ({ strategy, meanRatio: r.reduce((a, b) => a + b, 0) / r.length, minRatio: Math.min(...r) }));
}

export function planSpeed(): { seconds: number } {
  const w = asDlrm(randomDlrm(1, 1000, 65536));
  const t0 = performance.now();
  planSharding(w, resolveCluster("h100-16x8"));
  return { seconds: (performance.now() - t0) / 1000 };
}

export function scaling() {
  const w = asDlrm(dlrmPreset("zionex-scale", 1));
  const base = resolveCluster("zionex-16x8-a100");
  return [1, 2, 4, 8, 16].map((hosts) => {
    const c: Cluster = { ...base, hosts, ranks: hosts * base.gpusPerHost };
    const p = planSharding(w, c);
    return { hosts, feasible: p.feasible, stepMs: p.stepUs / 1000, samplesPerSec: p.samplesPerSec };
  });
}
