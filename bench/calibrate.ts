/**
 * Fit the host-overhead table (data/calibration/h100-host-overheads.json) from the H100
 * profiler traces: per-op T1-T5 medians with the profiler's instrumentation removed, where
 * the cost per recorded event and the no_grad factor are the two global constants fitted
 * to the measured step and inference times of the development workloads.
 * Run: npm run calibrate
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { dataPath } from "../src/catalog/data-path.js";
import type { HostOverheadTable } from "../src/graph/host-overheads.js";
import { loadWorkload } from "../src/spec/load.js";
import { predictWorkload } from "../src/predict.js";
import { collectSamples, overheadTable } from "../src/trace/calibrate.js";
import { gmae, kinetoTraceFiles, measuredOf, workloadFiles } from "./shared.js";

function score(table: HostOverheadTable, which: "train" | "inference"): number {
  const ratios = workloadFiles().map((f) => {
    const w = loadWorkload(f);
    const p = predictWorkload(w, { hostOverheads: table });
    const m = measuredOf(w);
    return which === "train" ? p.train.stepUs / 1000 / m.trainStepMs.median : p.inference.stepUs / 1000 / m.inferenceMs.median;
  });
  return gmae(ratios);
}

async function main(): Promise<void> {
  const samples = await collectSamples(kinetoTraceFiles());
  let best = { c: 0, err: Infinity };
  for (let c = 0; c <= 6.001; c += 0.1) {
    const err = score(overheadTable(samples, c, 1), "train");
    if (err < best.err) best = { c: Math.round(c * 10) / 10, err };
  }
  let bestNoGrad = { f: 1, err: Infinity };
  for (let f = 0.2; f <= 1.2001; f += 0.02) {
    const err = score(overheadTable(samples, best.c, f), "inference");
    if (err < bestNoGrad.err) bestNoGrad = { f: Math.round(f * 100) / 100, err };
  }
  const table = overheadTable(samples, best.c, bestNoGrad.f);
  const out = dataPath("calibration/h100-host-overheads.json");
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(table, null, 1) + "\n");
  console.log(`instrumentation ${best.c} us/event (train GMAE ${(best.err * 100).toFixed(1)}%), noGradFactor ${bestNoGrad.f} (inference GMAE ${(bestNoGrad.err * 100).toFixed(1)}%)`);
  console.log(`wrote ${out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
