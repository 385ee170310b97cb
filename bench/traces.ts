/** Trace benchmarks: replay fidelity, prediction without the profiler, parsing speed. */
import { statSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadWorkload } from "../src/spec/load.js";
import { loadTrace, predictFromTrace, replayTrace } from "../src/predict-trace.js";
import { readKinetoTrace } from "../src/trace/read-kineto.js";
import { defaultHostOverheads, type HostOverheadTable } from "../src/graph/host-overheads.js";
import { getGpu } from "../src/catalog/gpus.js";
import { predictWorkload } from "../src/predict.js";
import { collectSamples, kernelCorrections, overheadTable, tracedGpuByOp } from "../src/trace/calibrate.js";
import { GROUNDTRUTH, gmae, kinetoTraceFiles, measuredOf, workloadFiles } from "./shared.js";

export interface TraceRow {
  name: string;
  measuredProfiledMs: number;
  replayedMs: number;
  predictedMs: number;
  measuredMs: number;
}

export async function traceRows(): Promise<TraceRow[]> {
  const rows: TraceRow[] = [];
  for (const file of workloadFiles()) {
    const w = loadWorkload(file);
    const loaded = await loadTrace(join(GROUNDTRUTH, "traces", `${w.name}.kineto.json.gz`));
    const r = replayTrace(loaded);
    const p = predictFromTrace(loaded);
    rows.push({ name: w.name, measuredProfiledMs: r.measuredStepMs, replayedMs: r.replayedStepMs, predictedMs: p.stepMs, measuredMs: measuredOf(w).trainStepMs.median });
  }
  return rows;
}

export function traceSummary(rows: TraceRow[]) {
  return {
    replayMaxError: Math.max(...rows.map((r) => Math.abs(r.replayedMs / r.measuredProfiledMs - 1))),
    predictGmae: gmae(rows.map((r) => r.predictedMs / r.measuredMs)),
    profiledGmae: gmae(rows.map((r) => r.measuredProfiledMs / r.measuredMs)),
  };
}

/** Parse speed on a large trace: the 21 traces' events concatenated into one uncompressed JSON file. */
export async function parseSpeed(): Promise<{ mb: number; mbPerSec: number }> {
  const events: unknown[] = [];
  for (const file of workloadFiles()) {
    const w = loadWorkload(file);
    const doc = JSON.parse(gunzipSync(readFileSync(join(GROUNDTRUTH, "traces", `${w.name}.kineto.json.gz`))).toString("utf8"));
    events.push(...doc.traceEvents);
  }
  const text = JSON.stringify({ schemaVersion: 1, traceEvents: events }, null, 1);
  const file = join(mkdtempSync(join(tmpdir(), "strata-bench-")), "big.json");
  writeFileSync(file, text);
  const mb = statSync(file).size / 1e6;
  await readKinetoTrace(file); // warm-up
  const t0 = performance.now();
  await readKinetoTrace(file);
  const s = (performance.now() - t0) / 1000;
  return { mb, mbPerSec: mb / s };
}

/**
 * What calibrating on the traces buys `strata predict`: before, a prior with no trace knowledge
 * (every op pays the catalog's typical launch overhead for T1-T5); after, `strata calibrate`'s
 * host overheads from the traces, then also its kernel corrections.
 */
export async function calibrationEffect() {
  const base = defaultHostOverheads();
  const launchUs = getGpu("h100-sxm-80gb").launchOverheadUs;
  const prior = { ...base, ops: {}, fallback: { t1: launchUs, t2: launchUs, t3: launchUs, t4: launchUs, t5: launchUs }, kernelCorrections: undefined };
  const traces = kinetoTraceFiles();
  const learned = overheadTable(await collectSamples(traces), base.profilerCost, base.noGradFactor);
  const workloads = workloadFiles().map((f) => loadWorkload(f));
  const pairs = [];
  for (const w of workloads) {
    const loaded = await loadTrace(join(GROUNDTRUTH, "traces", `${w.name}.kineto.json.gz`));
    pairs.push({ traced: tracedGpuByOp(loaded.steps), predicted: new Map(predictWorkload(w, { hostOverheads: learned }).train.byOp.map((o) => [o.name, o.gpuUs])) });
  }
  const withKernels = { ...learned, kernelCorrections: kernelCorrections(pairs) };
  const score = (table: HostOverheadTable) => gmae(workloads.map((w) => predictWorkload(w, { hostOverheads: table }).train.stepUs / 1000 / measuredOf(w).trainStepMs.median));
  return { prior: score(prior), hostCalibrated: score(learned), withKernelCorrections: score(withKernels) };
}
