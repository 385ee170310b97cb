/**
 * Re-timing checks (`node --import tsx bench/retime.ts`): on the GPU-bound development traces,
 * trace predict with the H100 -> H100 re-timer (must equal not re-timing) vs measured, and the
 * H100 -> A100 / H200 / B200 step ratios of `predict --gpu` and `trace predict --gpu`.
 */
import { join } from "node:path";
import { getGpu } from "../src/catalog/gpus.js";
import { defaultHostOverheads } from "../src/graph/host-overheads.js";
import { loadTrace, predictFromTrace, type LoadedTrace } from "../src/predict-trace.js";
import { predictWorkload } from "../src/predict.js";
import { simulate } from "../src/sim/simulate.js";
import { loadWorkload } from "../src/spec/load.js";
import { analyzeSteps } from "../src/trace/analyze.js";
import { graphFromStep } from "../src/trace/replay.js";
import { retimer } from "../src/trace/retime.js";
import { kernelAccuracy } from "./kernels.js";
import { GROUNDTRUTH, gmae, measuredOf, workloadFiles } from "./shared.js";
import { readFileSync } from "node:fs";

const TARGETS = ["a100-sxm-80gb", "h200-sxm-141gb", "b200"];

/** trace predict with an explicit re-timer (predictFromTrace skips it when the GPUs match). */
function tracePredictWith(loaded: LoadedTrace, retime: ReturnType<typeof retimer>): number {
  const table = defaultHostOverheads();
  const ms = loaded.steps.map((s) => simulate(graphFromStep(s, { profilerCost: table.profilerCost, retime, idleStart: true, typical: table }), { recordTimeline: false }).stepUs / 1000);
  return ms.reduce((a, b) => a + b, 0) / ms.length;
}

export async function retimeChecks() {
  const h100 = getGpu("h100-sxm-80gb");
  const identity = retimer(h100, h100);
  const rows = [];
  for (const file of workloadFiles()) {
    const w = loadWorkload(file);
    const measured = measuredOf(w).trainStepMs.median;
    const loaded = await loadTrace(join(GROUNDTRUTH, "traces", `${w.name}.kineto.json.gz`));
    const gpuBound = analyzeSteps(loaded.trace.file, loaded.steps).gpuActiveMs / measured >= 0.6;
    if (!gpuBound) continue;
    const plain = predictFromTrace(loaded).stepMs;
    const same = tracePredictWith(loaded, identity);
    const base = predictWorkload(w).train.stepUs;
    const ratios = TARGETS.map((gpu) => ({
      gpu,
      predict: predictWorkload(w, { gpu }).train.stepUs / base,
      trace: predictFromTrace(loaded, { gpu }).stepMs / plain,
    }));
    rows.push({ name: w.name, measured, plain, same, ratios });
  }
  return {
    rows,
    gmaePlain: gmae(rows.map((r) => r.plain / r.measured)),
    gmaeIdentity: gmae(rows.map((r) => r.same / r.measured)),
  };
}

/** The BENCHMARKS.md section (bench/run.ts). */
export async function retimeSection(): Promise<string[]> {
  const r = await retimeChecks();
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const lines = ["## Re-timing traces for another GPU (`strata trace predict --gpu`)", ""];
  lines.push(`On the ${r.rows.length} GPU-bound traces: trace predict vs measured GMAE ${pct(r.gmaePlain)} not re-timed, ${pct(r.gmaeIdentity)} re-timed H100 -> H100 (the re-timer is the identity there). Step ratios to H100, \`predict --gpu\` / \`trace predict --gpu\` (no other-GPU measurements yet):`, "");
  lines.push(`| trace | ${TARGETS.join(" | ")} |`, `|---|${TARGETS.map(() => "---|").join("")}`);
  for (const x of r.rows) lines.push(`| ${x.name} | ${x.ratios.map((q) => `${q.predict.toFixed(3)} / ${q.trace.toFixed(3)}`).join(" | ")} |`);
  return lines;
}

export function devTrainGmae(): number {
  return gmae(workloadFiles().map((f) => {
    const w = loadWorkload(f);
    return predictWorkload(w).train.stepUs / 1000 / measuredOf(w).trainStepMs.median;
  }));
}

if (process.argv[1]?.endsWith("retime.ts")) {
  const micro = JSON.parse(readFileSync(join(GROUNDTRUTH, "micro.json"), "utf8"));
  for (const k of kernelAccuracy(micro)) console.log(`${k.family}: GMAE ${(k.gmae * 100).toFixed(1)}% max ${(k.maxError * 100).toFixed(1)}% (${k.points})`);
  console.log(`dev train-step GMAE (21): ${(devTrainGmae() * 100).toFixed(2)}%`);
  const r = await retimeChecks();
  console.log("| trace | measured ms | trace predict ms | H100->H100 re-timed ms | " + TARGETS.map((g) => `${g} predict / trace`).join(" | ") + " |");
  for (const x of r.rows) console.log(`| ${x.name} | ${x.measured.toFixed(2)} | ${x.plain.toFixed(3)} | ${x.same.toFixed(3)} | ` + x.ratios.map((q) => `${q.predict.toFixed(3)} / ${q.trace.toFixed(3)}`).join(" | ") + " |");
  console.log(`GMAE vs measured, ${r.rows.length} GPU-bound: not re-timed ${(r.gmaePlain * 100).toFixed(2)}%, H100->H100 re-timed ${(r.gmaeIdentity * 100).toFixed(2)}%`);
}
