/**
 * The pipeline behind `strata predict`: workload -> execution graph (under an implementation
 * profile) -> kernel models -> critical-path simulation -> result, through the same evaluator
 * as the planner (dlrm-step.ts) with one rank. Pure: takes validated specs, returns plain data.
 */
import type { Gpu } from "./catalog/gpus.js";
import { getGpu } from "./catalog/gpus.js";
import { getImplementation, type ImplementationProfile } from "./catalog/implementations.js";
import { correctionOf, simulateStep } from "./dlrm-step.js";
import { buildDlrmInferenceGraph, singleGpuWork } from "./graph/dlrm.js";
import { dlrmTrainingMemory, type MemoryEstimate } from "./graph/dlrm-memory.js";
import { fitCheck, type Fit } from "./graph/fit.js";
import { defaultHostOverheads, type HostOverheadTable } from "./graph/host-overheads.js";
import type { ExecutionGraph } from "./graph/types.js";
import { timeKernels } from "./perf/time-graph.js";
import { simulate, type StepResult } from "./sim/simulate.js";
import { UserError } from "./spec/errors.js";
import { isDlrm, type Workload } from "./spec/workload.js";

export interface PredictOptions {
  /** Override the workload's GPU. */
  gpu?: string;
  /** Override the workload's training.implementation. */
  implementation?: string;
  /** Multiplies host overheads (1 = the calibrated H100 host). */
  hostSpeedFactor?: number;
  /** Host overheads and kernel corrections (default: data/calibration/h100-host-overheads.json). */
  hostOverheads?: HostOverheadTable;
  recordTimeline?: boolean;
}

export interface Prediction {
  name: string;
  gpu: Gpu;
  implementation: ImplementationProfile;
  train: StepResult;
  inference: StepResult;
  memory: MemoryEstimate;
  fit: Fit;
  trainGraph: ExecutionGraph;
}

/** Pipelined inference is measured over back-to-back batches; 4 reach the steady state. */
const INFERENCE_ITERATIONS = 4;

function gpuIdOf(w: Workload, override?: string): string {
  if (override) return override;
  if ("gpu" in w.hardware) return w.hardware.gpu;
  throw new UserError(`${w.name}: hardware.cluster needs the multi-GPU planner (strata plan); give --gpu for a single-GPU prediction`);
}

export function predictWorkload(w: Workload, options: PredictOptions = {}): Prediction {
  if (!isDlrm(w)) throw new UserError(`${w.name}: model.kind "${w.model.kind}" is not supported by strata predict yet (only "dlrm")`);
  const gpu = getGpu(gpuIdOf(w, options.gpu));
  const profile = getImplementation(options.implementation ?? w.training.implementation);
  const hostOverheads = options.hostOverheads ?? defaultHostOverheads();
  const sim = { hostSpeedFactor: options.hostSpeedFactor ?? 1, recordTimeline: options.recordTimeline ?? false };
  const step = simulateStep(w, { gpu, profile, hostOverheads }, [singleGpuWork(w)], sim);
  const inferenceGraph = timeKernels(buildDlrmInferenceGraph(w, hostOverheads, profile), gpu, correctionOf(hostOverheads));
  const memory = dlrmTrainingMemory(w, profile);
  return {
    name: w.name,
    gpu,
    implementation: profile,
    train: step.ranks[0]!,
    inference: simulate(inferenceGraph, { ...sim, iterations: INFERENCE_ITERATIONS }),
    memory,
    fit: fitCheck(memory, gpu),
    trainGraph: step.graphs[0]!,
  };
}
