/**
 * Fit the host-overhead table (data/calibration/h100-host-overheads.json) from the H100
 * profiler traces: per-op T1-T5 medians (with lines over the model size where the traces show
 * one), with the profiler's cost per class of recorded event (gap, launch, nested event) fitted
 * to the measured, unprofiled step times of the development workloads; then the no_grad factor
 * to their inference times. `fitHostCosts` also serves the leave-one-regime-out check (bench/run.ts).
 * Run: npm run calibrate
 */
import { writeFileSync } from "node:fs";
import { dataPath } from "../src/catalog/data-path.js";
import type { HostOverheadTable, ProfilerCost } from "../src/graph/host-overheads.js";
import { loadWorkload } from "../src/spec/load.js";
import { argmin } from "../src/host/fit.js";
import { predictWorkload } from "../src/predict.js";
import { collectSamples, overheadTable } from "../src/trace/calibrate.js";
import type { OpSample } from "../src/trace/overheads.js";
import type { Workload } from "../src/spec/workload.js";
import { gmae, kinetoTraceFiles, measuredOf, workloadFiles } from "./shared.js";


export interface DevCase {
  workload: Workload;
  /** Host-overhead samples of its trace. */
  samples: Map<string, OpSample[]>;
}

export async function devCases(): Promise<DevCase[]> {
  const traces = kinetoTraceFiles();
  return Promise.all(workloadFiles().map(async (f) => {
    const workload = loadWorkload(f);
    const trace = traces.find((t) => t.includes(`/${workload.name}.kineto`));
    return { workload, samples: trace ? await collectSamples([trace]) : new Map() };
  }));
}

function merged(cases: DevCase[]): Map<string, OpSample[]> {
  const out = new Map<string, OpSample[]>();
  for (const c of cases) for (const [k, v] of c.samples) out.set(k, [...(out.get(k) ?? []), ...v]);
  return out;
}

export function score(table: HostOverheadTable, cases: DevCase[], which: "train" | "inference"): number {
  return gmae(cases.map(({ workload: w }) => {
    const p = predictWorkload(w, { hostOverheads: table });
    const m = measuredOf(w);
    return which === "train" ? p.train.stepUs / 1000 / m.trainStepMs.median : p.inference.stepUs / 1000 / m.inferenceMs.median;
  }));
}

/** A coordinate's best value on [lo, hi], to 0.01 (golden-section search, 18 steps). */
const coordinate = (f: (x: number) => number, lo: number, hi: number): number => Math.round(argmin(f, lo, hi, 18) * 100) / 100;

/**
 * The profiler cost per event class (coordinate descent, each in [0, 6] us) and the no_grad
 * factor that fit `fit`'s measured steps, with the table built from `traces` (default: `fit`'s).
 */
export function fitHostCosts(fit: DevCase[], noGrad = true, traces: DevCase[] = fit): { table: HostOverheadTable; trainGmae: number } {
  const samples = merged(traces);
  const tableAt = (c: ProfilerCost, f = 1): HostOverheadTable => overheadTable(samples, c, f);
  let cost: ProfilerCost = { gapUs: 1.4, launchUs: 1.4, nestedUsPerEvent: 1.4 };
  for (let sweep = 0; sweep < 3; sweep++) {
    for (const k of ["gapUs", "launchUs", "nestedUsPerEvent"] as const) {
      cost = { ...cost, [k]: coordinate((x) => score(tableAt({ ...cost, [k]: x }), fit, "train"), 0, 6) };
    }
  }
  const f = noGrad ? coordinate((x) => score(tableAt(cost, x), fit, "inference"), 0.2, 1.2) : 1;
  const table = tableAt(cost, f);
  return { table, trainGmae: score(table, fit, "train") };
}

async function main(): Promise<void> {
  const { table, trainGmae } = fitHostCosts(await devCases());
  const out = dataPath("calibration/h100-host-overheads.json");
  writeFileSync(out, JSON.stringify(table, null, 1) + "\n");
  console.log(`profiler cost ${JSON.stringify(table.profilerCost)} (train GMAE ${(trainGmae * 100).toFixed(1)}%), noGradFactor ${table.noGradFactor}`);
  console.log(`wrote ${out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
