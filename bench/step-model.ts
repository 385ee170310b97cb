/**
 * One step model for predict and plan (issue 10): the MLPerf DLRM-DCNv2 development points
 * (../shared/reference/mlperf-dcnv2-dev.json), predict against a one-GPU plan, and what each
 * implementation profile predicts for the bundled examples.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { dataPath } from "../src/catalog/data-path.js";
import { resolveCluster } from "../src/catalog/clusters.js";
import { dlrmPreset } from "../src/catalog/dlrm-presets.js";
import { predictWorkload } from "../src/predict.js";
import { planSharding } from "../src/shard/planner.js";
import { loadWorkload } from "../src/spec/load.js";
import { Workload, type DlrmWorkload } from "../src/spec/workload.js";
import { SHARED } from "./shared.js";

const PROFILES = ["reference", "torchrec", "hugectr"] as const;
const GPU = "h100-sxm-80gb";
const signed = (x: number, digits = 1): string => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(digits)}%`;
const ms = (us: number): string => (us / 1000).toFixed(3);

interface DevSystem {
  round: string;
  submitter: string;
  system: string;
  hosts: number;
  gpusPerHost: number;
  gpu: string;
  globalBatch: number;
  trainStepMs: number;
  source: string;
}

function devSystems(): DevSystem[] {
  const file = join(SHARED, "reference", "mlperf-dcnv2-dev.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { systems: DevSystem[] }).systems;
}

function exampleFiles(): string[] {
  const dir = dataPath("examples");
  return readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => join(dir, f));
}

/** The MLPerf preset at one system's global batch, planned on that system's cluster. */
async function planDev(s: DevSystem, implementation?: string) {
  const w = Workload.parse(dlrmPreset("mlperf-dlrm-dcnv2", 1, 64, s.globalBatch)) as DlrmWorkload;
  const cluster = resolveCluster(`${s.hosts}x${s.gpusPerHost}-${s.gpu}`);
  return planSharding(w, cluster, "best", { implementation: implementation ?? w.training.implementation });
}

async function mlperfTable(): Promise<string[]> {
  const systems = devSystems();
  const lines = ["## One step model: MLPerf Training DLRM-DCNv2 (development points)", ""];
  lines.push(
    "The `mlperf-dlrm-dcnv2` preset at each submission's global batch, planned (`strata plan`, default strategy) on its cluster `<hosts>x<gpusPerHost>-<gpu>` with the preset's implementation (hugectr), against the step time derived from the submission's result log (../shared/reference/mlperf-dcnv2-dev.json, eval excluded). Breakdown: rank 0's embedding kernels, other compute kernels, and exposed communication.",
    "",
  );
  lines.push("| round | system | GPUs | global batch | predicted step ms | measured ms | error | rank 0 embedding ms | rank 0 dense ms | rank 0 exposed comm ms | plan |");
  lines.push("|---|---|---|---|---|---|---|---|---|---|---|");
  const errors: number[] = [];
  // The preset's own plans, reused in the contrast table below (the MILP in the default strategy is the slow part).
  const own = new Map<DevSystem, Awaited<ReturnType<typeof planDev>>>();
  for (const s of systems) {
    const p = await planDev(s);
    own.set(s, p);
    const r0 = p.perRank[0];
    const err = p.stepUs / 1000 / s.trainStepMs - 1;
    errors.push(err);
    lines.push(
      `| ${s.round} | ${s.submitter} ${s.system} | ${s.hosts * s.gpusPerHost} | ${s.globalBatch.toLocaleString("en-US")} | ${ms(p.stepUs)} | ${s.trainStepMs.toFixed(3)} | ${signed(err)} | ${r0 ? ms(r0.embeddingUs) : "-"} | ${r0 ? ms(r0.denseUs) : "-"} | ${r0 ? ms(r0.commUs) : "-"} | ${p.strategy}${p.feasible ? "" : " (infeasible)"} |`,
    );
  }
  const within = errors.every((e) => Math.abs(e) <= 0.1);
  lines.push("", `Target: within 10% of each measured step (${within ? "met" : "not met"}: max |error| ${(Math.max(...errors.map(Math.abs)) * 100).toFixed(1)}%).`, "");
  lines.push("The same systems under the other profiles (predicted only, for contrast; the measured runs are HugeCTR):", "");
  lines.push(`| system | GPUs | global batch | ${PROFILES.map((p) => `${p} step ms`).join(" | ")} | measured ms |`);
  lines.push(`|---|---|---|${PROFILES.map(() => "---").join("|")}|---|`);
  const presetImpl = Workload.parse(dlrmPreset("mlperf-dlrm-dcnv2")).training.implementation;
  for (const s of systems) {
    const cells: string[] = [];
    for (const impl of PROFILES) {
      const p = impl === presetImpl ? own.get(s)! : await planDev(s, impl);
      cells.push(`${ms(p.stepUs)}${p.feasible ? "" : " (infeasible)"}`);
    }
    lines.push(`| ${s.submitter} ${s.system} | ${s.hosts * s.gpusPerHost} | ${s.globalBatch.toLocaleString("en-US")} | ${cells.join(" | ")} | ${s.trainStepMs.toFixed(3)} |`);
  }
  return lines;
}

/** predict's train step and a one-GPU plan's step, per example and profile, us. */
async function onOneGpu(): Promise<Array<{ name: string; impl: string; predictUs: number; planUs: number }>> {
  const cluster = resolveCluster(`1x1-${GPU}`);
  const rows = [];
  for (const f of exampleFiles()) {
    const w = loadWorkload(f) as DlrmWorkload;
    for (const impl of PROFILES) {
      const predictUs = predictWorkload(w, { gpu: GPU, implementation: impl }).train.stepUs;
      const planUs = (await planSharding(w, cluster, "best", { implementation: impl })).stepUs;
      rows.push({ name: basename(f, ".json"), impl, predictUs, planUs });
    }
  }
  return rows;
}

export async function stepModelSection(): Promise<string[]> {
  const lines = await mlperfTable();
  const one = await onOneGpu();
  const rel = (r: (typeof one)[number]): number => Math.abs(r.planUs / r.predictUs - 1);
  const maxRel = Math.max(...one.map(rel));
  lines.push("", "### Plan equals predict on one GPU", "");
  lines.push(
    `\`strata predict\` (train step on ${GPU}) against \`strata plan\` on \`1x1-${GPU}\`, for the ${exampleFiles().length} bundled examples (data/examples) under each profile: both run the one evaluator, so they should agree. Max relative difference: ${(maxRel * 100).toFixed(3)}% (target <= 1%, ${maxRel <= 0.01 ? "met" : "not met"}).`,
    "",
  );
  lines.push("| example | implementation | predict ms | plan ms | difference |", "|---|---|---|---|---|");
  for (const r of one) lines.push(`| ${r.name} | ${r.impl} | ${ms(r.predictUs)} | ${ms(r.planUs)} | ${signed(r.planUs / r.predictUs - 1, 3)} |`);
  lines.push("", "### Profiles on the bundled examples", "");
  lines.push(
    `Predicted train step (\`strata predict --implementation\`) on one ${GPU}: reference (eager PyTorch, one EmbeddingBag per table, per-parameter optimizer ops), torchrec (FBGEMM: one fused lookup and one fused backward + update per rank, foreach dense optimizer), hugectr (fused embeddings, fused GEMM epilogues and one dense optimizer kernel, the whole step in CUDA graphs: one graph launch instead of per-op host overheads). The last column is what the fused, graph-captured stack buys over the reference.`,
    "",
  );
  lines.push(`| example | ${PROFILES.map((p) => `${p} ms`).join(" | ")} | ${PROFILES[0]} / ${PROFILES[2]} |`, `|---|${PROFILES.map(() => "---").join("|")}|---|`);
  for (const name of [...new Set(one.map((r) => r.name))]) {
    const by = (impl: string): number => one.find((r) => r.name === name && r.impl === impl)!.predictUs;
    lines.push(`| ${name} | ${PROFILES.map((p) => ms(by(p))).join(" | ")} | ${(by(PROFILES[0]) / by(PROFILES[2])).toFixed(2)}x |`);
  }
  lines.push("");
  return lines;
}
