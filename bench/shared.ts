/** Locations of the development data (../shared) used by benchmarks and calibration only. */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const SHARED = process.env.STRATA_SHARED ?? fileURLToPath(new URL("../../shared/", import.meta.url));
export const GROUNDTRUTH = join(SHARED, "groundtruth", "h100");

export function workloadFiles(): string[] {
  const dir = join(GROUNDTRUTH, "workloads");
  return readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => join(dir, f));
}

export function kinetoTraceFiles(): string[] {
  const dir = join(GROUNDTRUTH, "traces");
  return readdirSync(dir).filter((f) => f.endsWith(".kineto.json.gz")).sort().map((f) => join(dir, f));
}

export interface Measured {
  trainStepMs: { median: number; perRun: number[] };
  inferenceMs: { median: number; perRun: number[] };
  pipelinedTrainStepMs?: { median: number; perRun: number[] };
  peakMemoryBytes: number;
}

/** The measured block, read only by benchmarks to score predictions. */
export function measuredOf(workload: { measured?: unknown }): Measured {
  return workload.measured as Measured;
}

export const gmae = (ratios: number[]): number => Math.exp(ratios.reduce((s, r) => s + Math.abs(Math.log(r)), 0) / ratios.length) - 1;
export { median } from "../src/trace/calibrate.js";
