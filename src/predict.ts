/**
 * The pipeline behind `strata predict`: workload -> execution graph (under an implementation
 * profile) -> kernel models -> critical-path simulation -> result, through the same evaluator
 * as the planner (dlrm-step.ts) with one rank. Pure: takes validated specs, returns plain data.
 */
import type { Gpu } from "./catalog/gpus.js";
import { getGpu } from "./catalog/gpus.js";
import { getImplementation, type ImplementationProfile } from "./catalog/implementations.js";
import { correctionOf, rankGraph, simulateStep, type StepSetup } from "./dlrm-step.js";
import { buildDlrmInferenceGraph, singleGpuWork } from "./graph/dlrm.js";
import { dlrmTrainingMemory, type MemoryEstimate } from "./graph/dlrm-memory.js";
import { fitCheck, type Fit } from "./graph/fit.js";
import { defaultHostOverheads, type HostOverheadTable } from "./graph/host-overheads.js";
import type { ExecutionGraph } from "./graph/types.js";
import type { HostSetting } from "./host/setting.js";
import { timeKernels } from "./perf/time-graph.js";
import { SAME_HOST, simulate, simulateRanks, type HostFactors, type StepResult } from "./sim/simulate.js";
import { UserError } from "./spec/errors.js";
import { isDlrm, type DlrmWorkload, type Workload } from "./spec/workload.js";

export interface PredictOptions {
  /** Override the workload's GPU. */
  gpu?: string;
  /** Override the workload's training.implementation. */
  implementation?: string;
  /** The host (default: the calibration host); an estimated one also gives the step at its fast and slow ends. */
  host?: HostSetting;
  /** Host overheads and kernel corrections (default: data/calibration/h100-host-overheads.json). */
  hostOverheads?: HostOverheadTable;
  recordTimeline?: boolean;
}

export interface Prediction {
  name: string;
  gpu: Gpu;
  implementation: ImplementationProfile;
  train: StepResult;
  /** The training step at the fast and slow ends of an estimated host, us. */
  trainRangeUs?: [number, number];
  host?: HostSetting;
  inference: StepResult;
  memory: MemoryEstimate;
  fit: Fit;
  trainGraph: ExecutionGraph;
}

/** Pipelined inference is measured over back-to-back batches; 4 reach the steady state. */
const INFERENCE_ITERATIONS = 4;

function gpuIdOf(w: Workload, override?: string): string {
  if ("gpu" in w.hardware && w.hardware.count > 1) {
    const n = w.hardware.count;
    throw new UserError(`${w.name}: at hardware.count: strata predict models one GPU, found ${n}; plan ${n} GPUs with \`strata plan FILE --cluster 1x${n}-${override ?? w.hardware.gpu}\` (or more hosts: <hosts>x<gpus>-<gpu>)`);
  }
  if (override) return override;
  if ("gpu" in w.hardware) return w.hardware.gpu;
  throw new UserError(`${w.name}: hardware.cluster needs the multi-GPU planner (strata plan); give --gpu for a single-GPU prediction`);
}

function setupOf(w: Workload, options: PredictOptions): StepSetup & { w: DlrmWorkload } {
  if (!isDlrm(w)) throw new UserError(`${w.name}: model.kind "${w.model.kind}" is not supported by strata predict yet (only "dlrm")`);
  const gpu = getGpu(gpuIdOf(w, options.gpu));
  const profile = getImplementation(options.implementation ?? w.training.implementation);
  return { w, gpu, profile, hostOverheads: options.hostOverheads ?? defaultHostOverheads() };
}

/** The training step (us) as a function of the host's speed, the graph built once (host fits). */
export function trainStepByHost(workload: Workload, options: PredictOptions = {}): (host: HostFactors) => number {
  const { w, gpu, profile, hostOverheads } = setupOf(workload, options);
  const graph = rankGraph(w, { gpu, profile, hostOverheads }, singleGpuWork(w));
  return (host) => simulateRanks([graph], { host, recordTimeline: false }).stepUs;
}

export function predictWorkload(workload: Workload, options: PredictOptions = {}): Prediction {
  const { w, gpu, profile, hostOverheads } = setupOf(workload, options);
  const host = options.host?.factors ?? SAME_HOST;
  const sim = { host, recordTimeline: options.recordTimeline ?? false };
  const setup = { gpu, profile, hostOverheads };
  const step = simulateStep(w, setup, [singleGpuWork(w)], sim);
  const range = options.host?.range;
  // The same graph at the host's fast and slow ends: only the host factors differ.
  const trainRangeUs = range && ([range.fast, range.slow].map((h) => simulateRanks(step.graphs, { host: h, recordTimeline: false }).stepUs) as [number, number]);
  const inferenceGraph = timeKernels(buildDlrmInferenceGraph(w, hostOverheads, profile), gpu, correctionOf(hostOverheads));
  const memory = dlrmTrainingMemory(w, profile);
  return {
    name: w.name,
    gpu,
    implementation: profile,
    train: step.ranks[0]!,
    ...(trainRangeUs ? { trainRangeUs } : {}),
    ...(options.host ? { host: options.host } : {}),
    inference: simulate(inferenceGraph, { ...sim, iterations: INFERENCE_ITERATIONS }),
    memory,
    fit: fitCheck(memory, gpu),
    trainGraph: step.graphs[0]!,
  };
}
