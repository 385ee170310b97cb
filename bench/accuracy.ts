/** End-to-end accuracy of `strata predict` against the measured H100 workloads. */
import { loadWorkload } from "../src/spec/load.js";
import { predictWorkload, type PredictOptions } from "../src/predict.js";
import { readKinetoTrace } from "../src/trace/read-kineto.js";
import { linkTrace } from "../src/trace/link.js";
import { analyzeSteps } from "../src/trace/analyze.js";
import { gmae, measuredOf, workloadFiles } from "./shared.js";
import { join, dirname } from "node:path";

export interface Row {
  name: string;
  measuredClass: "gpu" | "cpu";
  predictedBound: "gpu" | "cpu";
  trainPred: number;
  trainMeas: number;
  trainRuns: number[];
  infPred: number;
  infMeas: number;
  infRuns: number[];
  memPred: number;
  memMeas: number;
}

/** GPU-bound when the trace's GPU is busy for most of the measured step (ground truth only). */
async function measuredClass(workloadFile: string, trace: string | undefined, stepMs: number): Promise<"gpu" | "cpu"> {
  if (!trace) return "cpu";
  const file = join(dirname(workloadFile), "..", trace);
  return analyzeSteps(file, linkTrace(await readKinetoTrace(file))).gpuActiveMs / stepMs >= 0.6 ? "gpu" : "cpu";
}

export async function accuracyRows(options: PredictOptions = {}): Promise<Row[]> {
  const rows: Row[] = [];
  for (const file of workloadFiles()) {
    const w = loadWorkload(file);
    const m = measuredOf(w);
    const p = predictWorkload(w, options);
    const traces = (w.measured as { traces?: { kineto?: string } }).traces;
    rows.push({
      name: w.name,
      measuredClass: await measuredClass(file, traces?.kineto, m.trainStepMs.median),
      predictedBound: p.train.bound,
      trainPred: p.train.stepUs / 1000,
      trainMeas: m.trainStepMs.median,
      trainRuns: m.trainStepMs.perRun,
      infPred: p.inference.stepUs / 1000,
      infMeas: m.inferenceMs.median,
      infRuns: m.inferenceMs.perRun,
      memPred: p.memory.peakBytes,
      memMeas: m.peakMemoryBytes,
    });
  }
  return rows;
}

export function summarize(rows: Row[]) {
  const ratio = (r: Row): number => r.trainPred / r.trainMeas;
  const gpu = rows.filter((r) => r.measuredClass === "gpu");
  const cpu = rows.filter((r) => r.measuredClass === "cpu");
  // The noise floor: how far each run's median is from the reference median.
  const noise = gmae(rows.flatMap((r) => r.trainRuns.map((x) => x / r.trainMeas)));
  const noiseCpu = gmae(cpu.flatMap((r) => r.trainRuns.map((x) => x / r.trainMeas)));
  // Error against the run closest to the prediction: how far the model is from any measured run.
  const nearest = (pred: number, runs: number[]): number => runs.reduce((best, x) => (Math.abs(Math.log(pred / x)) < Math.abs(Math.log(pred / best)) ? x : best), runs[0]!);
  return {
    trainNearest: gmae(rows.map((r) => r.trainPred / nearest(r.trainPred, r.trainRuns))),
    inferenceNearest: gmae(rows.map((r) => r.infPred / nearest(r.infPred, r.infRuns))),
    inferenceNoise: gmae(rows.flatMap((r) => r.infRuns.map((x) => x / r.infMeas))),
    trainAll: gmae(rows.map(ratio)),
    trainGpu: gmae(gpu.map(ratio)),
    trainCpu: gmae(cpu.map(ratio)),
    inference: gmae(rows.map((r) => r.infPred / r.infMeas)),
    memory: gmae(rows.map((r) => r.memPred / r.memMeas)),
    gpuCount: gpu.length,
    cpuCount: cpu.length,
    noise,
    noiseCpu,
  };
}
