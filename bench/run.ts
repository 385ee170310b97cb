/**
 * `npm run bench`: accuracy of the predictor against the measured H100 workloads, kernel
 * models against micro.json, and prediction speed. Writes BENCHMARKS.md.
 */
import { hostSection } from "./host.js";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dataPath } from "../src/catalog/data-path.js";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadWorkload } from "../src/spec/load.js";
import { predictWorkload } from "../src/predict.js";
import { accuracyRows, summarize } from "./accuracy.js";
import { kernelAccuracy, opGpuTimeVsTraces } from "./kernels.js";
import { parseSpeed, traceRows, traceSummary, calibrationEffect } from "./traces.js";
import { retimeSection } from "./retime.js";
import { planSection } from "./plans.js";
import { stepModelSection } from "./step-model.js";
import { GROUNDTRUTH, workloadFiles } from "./shared.js";
import { cacheSection } from "./cache.js";
import { llmSection } from "./llm.js";
import { tierSection } from "./tier.js";
import { uiSection } from "./ui.js";
import { sweepsSection } from "./sweeps.js";
import { startupSection } from "./startup.js";

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const signed = (x: number): string => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;

/** Time per workload's first prediction (cold caches), after JIT warm-up on the bundled examples. */
function speed(): { meanMs: number; maxMs: number } {
  const examples = readdirSync(dataPath("examples")).filter((f) => f.endsWith(".json"));
  for (let i = 0; i < 5; i++) for (const f of examples) predictWorkload(loadWorkload(join(dataPath("examples"), f)));
  const times = workloadFiles().map((f) => {
    const w = loadWorkload(f);
    const t0 = performance.now();
    predictWorkload(w);
    return performance.now() - t0;
  });
  return { meanMs: times.reduce((a, b) => a + b, 0) / times.length, maxMs: Math.max(...times) };
}

async function main(): Promise<void> {
  const rows = await accuracyRows();
  const s = summarize(rows);
  const k = kernelAccuracy(JSON.parse(readFileSync(join(GROUNDTRUTH, "micro.json"), "utf8")));
  const sp = speed();
  const lines: string[] = [];
  lines.push("# Benchmarks", "");
  lines.push(`Machine: ${cpus()[0]?.model ?? "unknown CPU"} x ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. `);
  lines.push(`Reproduce: \`npm run bench\` (reads ../shared/groundtruth/h100; writes this file). Date: ${new Date().toISOString().slice(0, 10)}.`, "");
  lines.push("## DLRM step time on one H100 (`strata predict`)", "");
  lines.push("Reference: `measured.trainStepMs.median` of the 21 development workloads; GMAE = exp(mean |ln(pred/measured)|) - 1.", "");
  lines.push("| metric | value | target |", "|---|---|---|");
  lines.push(`| train step GMAE, all ${rows.length} | ${pct(s.trainAll)} | <= 12% |`);
  lines.push(`| train step GMAE, ${s.gpuCount} GPU-bound | ${pct(s.trainGpu)} | <= 6% |`);
  lines.push(`| train step GMAE, ${s.cpuCount} CPU-bound | ${pct(s.trainCpu)} | |`);
  lines.push(`| inference GMAE, all | ${pct(s.inference)} | <= 20% |`);
  lines.push(`| peak memory GMAE, all | ${pct(s.memory)} | |`);
  lines.push(`| train step / inference GMAE against the nearest measured run | ${pct(s.trainNearest)} / ${pct(s.inferenceNearest)} | |`);
  lines.push(`| inference run-to-run noise (GMAE of each run vs the reference) | ${pct(s.inferenceNoise)} | floor |`);
  lines.push(`| run-to-run noise (GMAE of each run's median vs the reference), all / CPU-bound | ${pct(s.noise)} / ${pct(s.noiseCpu)} | floor |`);
  lines.push(`| prediction time per workload, first call (train + inference + memory), mean / max | ${sp.meanMs.toFixed(2)} ms / ${sp.maxMs.toFixed(2)} ms | < 50 ms |`, "");
  lines.push(
    `How close to the noise floor: the runs of one configuration differ from their own reference median by ${pct(s.noise)} (train, ${pct(s.noiseCpu)} on the CPU-bound ones) and ${pct(s.inferenceNoise)} (inference) in GMAE, so a model that predicted every configuration perfectly would still show errors of that size against single runs. ` +
      `The train-step error on CPU-bound workloads (${pct(s.trainCpu)}) is below their noise (${pct(s.noiseCpu)}). Inference misses its 20% target: several configurations were measured twice with results 1.5-2.9x apart (dev13: 4.32 and 1.50 ms), and the reference median of two runs is their mean; against the nearest run the error is ${pct(s.inferenceNearest)}.`,
    "",
  );
  lines.push("GPU-bound means the profiler trace's GPU is busy for at least 60% of the measured step (a ground-truth label; the predictor's own `bound` is shown too).", "");
  lines.push("| workload | class | predicted bound | train pred ms | measured ms | runs | error | inference pred | measured | error | memory error |");
  lines.push("|---|---|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    lines.push(`| ${r.name} | ${r.measuredClass} | ${r.predictedBound} | ${r.trainPred.toFixed(2)} | ${r.trainMeas.toFixed(2)} | ${r.trainRuns.map((x) => x.toFixed(2)).join(", ")} | ${signed(r.trainPred / r.trainMeas - 1)} | ${r.infPred.toFixed(2)} | ${r.infMeas.toFixed(2)} | ${signed(r.infPred / r.infMeas - 1)} | ${signed(r.memPred / r.memMeas - 1)} |`);
  }
  lines.push("", "## Kernel models against micro.json", "");
  lines.push("micro.json times each call with CUDA events around one launch, which adds a floor of about 37 us (fitted); the comparison adds it to the model and uses points above 60 us where the floor is not most of the time.", "");
  lines.push("| kernel family | points | GMAE | max error |", "|---|---|---|---|");
  for (const f of k) lines.push(`| ${f.family} | ${f.points} | ${pct(f.gmae)} | ${pct(f.maxError)} |`);
  const tr = await traceRows();
  const ts = traceSummary(tr);
  const ps = await parseSpeed();
  const cal = await calibrationEffect();
  lines.push("", "## Profiler traces (`strata trace`)", "");
  lines.push("| metric | value | target |", "|---|---|---|");
  lines.push(`| replay vs measured profiled step (mean ProfilerStep), max error over ${tr.length} traces | ${pct(ts.replayMaxError)} | <= 3% |`);
  lines.push(`| trace predict (profiler removed) vs measured trainStepMs median, GMAE | ${pct(ts.predictGmae)} | <= 10% |`);
  lines.push(`| the profiled step itself vs trainStepMs median, GMAE (what removing the profiler fixes) | ${pct(ts.profiledGmae)} | |`);
  lines.push(`| parse speed, ${ps.mb.toFixed(0)} MB uncompressed Kineto JSON | ${ps.mbPerSec.toFixed(0)} MB/s | >= 50 MB/s |`);
  lines.push(`| strata predict train GMAE before calibration (every op pays the catalog's launch overhead) | ${pct(cal.prior)} | |`);
  lines.push(`| after \`strata calibrate\` on the traces: host overheads / + kernel corrections | ${pct(cal.hostCalibrated)} / ${pct(cal.withKernelCorrections)} | < before |`, "");
  lines.push("The bundled calibration (data/calibration/h100-host-overheads.json) is the host-overhead calibration above. Kernel corrections (traced GPU time over modelled, per op) bring the per-op GPU times in line with the traces but do not lower the step GMAE further, whose remaining error is host-side noise.", "");
  lines.push("| trace | profiled step ms | replayed ms | predicted ms (no profiler) | measured trainStepMs | error |", "|---|---|---|---|---|---|");
  for (const r of tr) lines.push(`| ${r.name} | ${r.measuredProfiledMs.toFixed(2)} | ${r.replayedMs.toFixed(2)} | ${r.predictedMs.toFixed(2)} | ${r.measuredMs.toFixed(2)} | ${signed(r.predictedMs / r.measuredMs - 1)} |`);
  lines.push("", ...(await hostSection()));
  lines.push("", ...(await retimeSection()));
  lines.push("", ...(await planSection()));
  lines.push("", ...(await stepModelSection()));
  lines.push("", ...(await tierSection()));
  lines.push("", "## Kernel time per op against the traces", "");
  lines.push("Predicted GPU time of each op vs the kernel durations the profiler recorded, summed over the 21 workloads (one step each).", "");
  lines.push("| op | predicted ms | traced ms | ratio |", "|---|---|---|---|");
  for (const o of await opGpuTimeVsTraces()) lines.push(`| ${o.op} | ${o.predictedMs.toFixed(2)} | ${o.tracedMs.toFixed(2)} | ${(o.predictedMs / o.tracedMs).toFixed(2)} |`);
  lines.push("", ...(await llmSection()));
  lines.push("", ...(await cacheSection()));
  lines.push("", ...(await uiSection()));
  lines.push("", ...(await sweepsSection()));
  lines.push("", ...(await startupSection()));
  const file = fileURLToPath(new URL("../BENCHMARKS.md", import.meta.url));
  writeFileSync(file, lines.join("\n"));
  console.log(lines.join("\n"));
}

await main();
