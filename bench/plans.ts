/** Planner benchmarks: plan quality on seeded workloads, the MILP, planning speed, collectives vs nccl-tests, scaling over hosts. */
import { reshapeCluster, resolveCluster, type Cluster } from "../src/catalog/clusters.js";
import { dlrmPreset, randomDlrm } from "../src/catalog/dlrm-presets.js";
import { allGatherUs, allReduceUs, allToAllUs, type CommDtype } from "../src/perf/collectives.js";
import { planSharding, type Strategy } from "../src/shard/planner.js";
import { Workload, type DlrmWorkload } from "../src/spec/workload.js";

const asDlrm = (w: unknown): DlrmWorkload => Workload.parse(w) as DlrmWorkload;
const BASELINES: Strategy[] = ["search", "greedy", "table-wise", "row-wise", "column-wise", "table-row-wise"];
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

async function planQuality() {
  const cluster = resolveCluster("h100-16x8");
  const ratios = new Map<string, number[]>(BASELINES.map((b) => [b, []]));
  for (let seed = 1; seed <= 20; seed++) {
    const w = asDlrm(randomDlrm(seed, 40 + 10 * seed, 65536));
    const best = (await planSharding(w, cluster)).stepUs;
    for (const b of BASELINES) ratios.get(b)!.push((await planSharding(w, cluster, b)).stepUs / best);
  }
  return [...ratios].map(([strategy, r]) => ({ strategy, meanRatio: mean(r), minRatio: Math.min(...r) }));
}

/** The exact MILP against the search on small models: predicted step and slowest rank's embedding time. */
async function milpQuality() {
  const rows = [];
  for (const [clusterId, hosts] of [["dgx-h100-8", 1], ["h100-16x8", 2]] as const) {
    const c = reshapeCluster(resolveCluster(clusterId), hosts);
    const step: number[] = [];
    const emb: number[] = [];
    let seconds = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const w = asDlrm(randomDlrm(seed, 8 + 2 * seed, 16384));
      const t0 = performance.now();
      const m = await planSharding(w, c, "milp");
      seconds = Math.max(seconds, (performance.now() - t0) / 1000);
      const s = await planSharding(w, c, "search");
      step.push(m.stepUs / s.stepUs);
      const maxEmb = (p: typeof m): number => Math.max(...p.perRank.map((r) => r.embeddingUs));
      emb.push(maxEmb(m) / maxEmb(s));
    }
    rows.push({ cluster: `${hosts} x 8 H100`, step: mean(step), stepMax: Math.max(...step), emb: mean(emb), embMin: Math.min(...emb), seconds });
  }
  return rows;
}

async function planSpeed(): Promise<number> {
  const w = asDlrm(randomDlrm(1, 1000, 65536));
  const t0 = performance.now();
  await planSharding(w, resolveCluster("h100-16x8"));
  return (performance.now() - t0) / 1000;
}

async function scaling(preset: string, base: Cluster, batch: (hosts: number) => number) {
  const rows = [];
  for (const hosts of [1, 2, 4, 8, 16]) {
    const raw = dlrmPreset(preset, 1) as { training: object };
    const w = asDlrm({ ...raw, training: { ...raw.training, batchSize: batch(hosts) } });
    const p = await planSharding(w, reshapeCluster(base, hosts));
    rows.push({ hosts, batch: batch(hosts), feasible: p.feasible, stepMs: p.stepUs / 1000, samplesPerSec: p.samplesPerSec, strategy: p.strategy });
  }
  return rows;
}

function scalingTable(rows: Awaited<ReturnType<typeof scaling>>): string[] {
  const first = rows.find((x) => x.feasible);
  return [
    "| hosts | global batch | feasible | step ms | samples/s | efficiency vs first feasible | plan |",
    "|---|---|---|---|---|---|---|",
    ...rows.map((x) => `| ${x.hosts} | ${x.batch.toLocaleString("en-US")} | ${x.feasible} | ${x.stepMs.toFixed(2)} | ${Math.round(x.samplesPerSec).toLocaleString("en-US")} | ${first && x.feasible ? (x.samplesPerSec / first.samplesPerSec / (x.hosts / first.hosts)).toFixed(2) : "-"} | ${x.strategy} |`),
  ];
}

/**
 * Bus bandwidth (nccl-tests' definition: algbw x 2(n-1)/n for all-reduce, x (n-1)/n for
 * all-gather and all-to-all) the collective models give on a DGX H100, against published figures.
 */
function ncclComparison(): string[] {
  const dgx = resolveCluster("dgx-h100-8");
  const two = reshapeCluster(resolveCluster("h100-16x8"), 2);
  const S = 8 * 2 ** 30;
  const busbw = (us: number, factor: number): number => (S / (us / 1e6)) * factor / 1e9;
  const n = 8;
  const rows: Array<[string, number, string, number]> = [
    ["all_reduce, 8 GPUs, ring (NCCL_ALGO=Ring)", busbw(allReduceUs(dgx, S), (2 * (n - 1)) / n), "~370 GB/s: NVLink line rate 450 GB/s less ~20% protocol overhead (S. Jeaugey, NCCL, nvidia/nccl-tests#212, May 2024)", 370],
    ["all_gather, 8 GPUs", busbw(allGatherUs(dgx, S), (n - 1) / n), "~370 GB/s (same source: non-all-reduce collectives)", 370],
    ["alltoall, 8 GPUs", busbw(allToAllUs(dgx, Array(n).fill(S)), (n - 1) / n), "~370 GB/s (same source)", 370],
    ["all_reduce, 8 GPUs, default (NVLink SHARP)", busbw(allReduceUs(dgx, S), (2 * (n - 1)) / n), "~480 GB/s busbw, algbw ~275 GB/s (same source; 476 GB/s in nvidia/nccl-tests#290, Mar 2025)", 480],
    ["all_reduce, 2 hosts x 8", busbw(allReduceUs(two, S), (2 * (2 * n - 1)) / (2 * n)), "8 NICs x 46-48 GB/s per 400 Gb/s NDR NIC (D. Addison, NVIDIA, nvidia/nccl-tests#290, Mar 2025)", 8 * 47],
  ];
  return [
    "### Collective models against published nccl-tests figures (DGX H100, 8 GiB messages)", "",
    "| collective | modelled busbw GB/s | published | error |", "|---|---|---|---|",
    ...rows.map(([name, model, pub, ref]) => `| ${name} | ${model.toFixed(0)} | ${pub} | ${(((model / ref) - 1) * 100).toFixed(1)}% |`),
    "",
    "The models follow NCCL's ring algorithms; NVLink SHARP (in-switch reduction, the default all-reduce on NVSwitch hosts since NCCL 2.17) is not modelled, so single-host all-reduce is predicted ~25% slower than NCCL's default at large sizes: conservative for the dense-gradient all-reduce. Across hosts NCCL pipelines the intra-host and inter-host stages, and the bus bandwidth is bounded by a host's 8 NICs.",
    "",
  ];
}

async function commPrecision() {
  const w = asDlrm(dlrmPreset("zionex-scale", 1));
  const c = resolveCluster("zionex-16x8-a100");
  const rows = [];
  for (const dtype of ["fp32", "bf16", "fp8"] as CommDtype[]) {
    const p = await planSharding(w, c, "best", { commDtype: dtype });
    rows.push({ dtype, stepMs: p.stepUs / 1000, commMs: (p.perRank[0]?.commUs ?? 0) / 1000 });
  }
  return rows;
}

export async function planSection(): Promise<string[]> {
  const lines = ["## Sharding planner (`strata plan`)", ""];
  lines.push("Plan quality on 20 seeded random DLRMs (50-240 tables, global batch 65,536) on h100-16x8 (128 H100): each strategy's predicted step over the default planner's (>= 1 means the default is at least as fast).", "");
  lines.push("| strategy | mean ratio | min ratio |", "|---|---|---|");
  for (const q of await planQuality()) lines.push(`| ${q.strategy} | ${q.meanRatio.toFixed(3)} | ${q.minRatio.toFixed(3)} |`);
  lines.push("", "The exact MILP (`--strategy milp`, HiGHS, 1,000 nodes) against the search on 10 small seeded models each (10-28 tables, batch 16,384): ratios < 1 mean the MILP is better.", "");
  lines.push("| cluster | step ratio mean / max | slowest rank's embedding time ratio mean / min | slowest solve s |", "|---|---|---|---|");
  for (const m of await milpQuality()) lines.push(`| ${m.cluster} | ${m.step.toFixed(3)} / ${m.stepMax.toFixed(3)} | ${m.emb.toFixed(3)} / ${m.embMin.toFixed(3)} | ${m.seconds.toFixed(2)} |`);
  lines.push("", `Planning a 1,000-table model on 128 GPUs (all strategies but the MILP, best kept): ${(await planSpeed()).toFixed(2)} s (target < 5 s).`, "");
  lines.push(...ncclComparison());
  lines.push("### Scaling", "");
  lines.push("zionex-scale preset (400 tables, row-wise Adagrad, global batch 65,536) on ZionEX hosts of 8 A100 with 200 Gb/s per GPU. It needs ~11 TB of HBM with its optimizer state, so it fits only at 16 hosts (the paper's ZionEX also keeps such models partly in host memory):", "");
  lines.push(...scalingTable(await scaling("zionex-scale", resolveCluster("zionex-16x8-a100"), () => 65536)));
  lines.push("", "MLPerf DLRM-DCNv2 preset on DGX H100 hosts, strong scaling (global batch fixed at 65,536):", "");
  lines.push(...scalingTable(await scaling("mlperf-dlrm-dcnv2", resolveCluster("h100-16x8"), () => 65536)));
  lines.push("", "Same, weak scaling (8,192 samples per GPU):", "");
  lines.push(...scalingTable(await scaling("mlperf-dlrm-dcnv2", resolveCluster("h100-16x8"), (h) => 8192 * 8 * h)));
  lines.push("", "Reduced-precision all-to-all (`--comm-precision`, Neo Sec. 5.3) on zionex-scale at 16 hosts:", "");
  lines.push("| precision | step ms | rank 0's GPU waiting on communication, ms |", "|---|---|---|");
  for (const r of await commPrecision()) lines.push(`| ${r.dtype} | ${r.stepMs.toFixed(2)} | ${r.commMs.toFixed(2)} |`);
  lines.push("", "Assumptions: each rank's dense part runs batch / ranks; the step is the per-rank schedule of docs/sharding.md (collectives wait for the slowest rank; the forward all-to-all hides behind the bottom MLP's forward, the backward behind its backward, the dense all-reduce behind the embedding backward, Neo Sec. 5.2); host overheads per dense op from the H100 calibration.", "");
  return lines;
}
