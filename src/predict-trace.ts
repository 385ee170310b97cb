/**
 * The pipelines behind `strata trace analyze|replay|predict`: read a Kineto trace, link it,
 * then analyse it, replay it through the simulator, or predict the step without the
 * profiler (and optionally on another GPU).
 */
import { getGpu, listGpus, type Gpu } from "./catalog/gpus.js";
import { defaultHostOverheads, type HostOverheadTable, type ProfilerCost } from "./graph/host-overheads.js";
import type { HostSetting } from "./host/setting.js";
import { simulate } from "./sim/simulate.js";
import { UserError } from "./spec/errors.js";
import { analyzeSteps, type TraceAnalysis } from "./trace/analyze.js";
import { linkTrace, type LinkedStep } from "./trace/link.js";
import { readKinetoTrace } from "./trace/read-kineto.js";
import { graphFromStep } from "./trace/replay.js";
import { retimer } from "./trace/retime.js";
import type { KinetoTrace } from "./trace/kineto.js";

export interface LoadedTrace {
  trace: KinetoTrace;
  steps: LinkedStep[];
}

export async function loadTrace(file: string, onProgress?: (events: number) => void): Promise<LoadedTrace> {
  const trace = await readKinetoTrace(file, onProgress);
  const steps = linkTrace(trace);
  if (!steps.length) throw new UserError(`${file}: no ProfilerStep#N annotations: record with torch.profiler and call prof.step() each iteration`);
  return { trace, steps };
}

/** The catalog GPU the trace was recorded on, from its deviceProperties name. */
export function traceGpu(trace: KinetoTrace): Gpu | undefined {
  const name = String(trace.deviceProperties?.[0]?.name ?? "").toLowerCase();
  if (!name) return undefined;
  const family = ["b200", "h200", "h100", "a100", "v100", "l40s"].find((f) => name.includes(f));
  if (!family) return undefined;
  const pcie = name.includes("pcie");
  return listGpus().find((g) => g.id.startsWith(family) && g.id.includes("pcie") === pcie) ?? listGpus().find((g) => g.id.startsWith(family));
}

export function analyzeTrace(loaded: LoadedTrace): TraceAnalysis {
  return analyzeSteps(loaded.trace.file, loaded.steps);
}

const meanOf = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export function replayTrace(loaded: LoadedTrace) {
  const rows = loaded.steps.map((s) => ({ name: s.name, measuredMs: s.dur / 1000, replayedMs: simulate(graphFromStep(s), { recordTimeline: false }).hostEndUs / 1000 }));
  return { measuredStepMs: meanOf(rows.map((r) => r.measuredMs)), replayedStepMs: meanOf(rows.map((r) => r.replayedMs)), steps: rows };
}

export interface TracePredictOptions {
  gpu?: string;
  /** The GPU the trace was recorded on, when its deviceProperties do not say. */
  traceGpu?: string;
  /** Profiler cost per recorded event class (default: the calibration's). */
  profilerCost?: ProfilerCost;
  /** Host-overhead table (default: data/calibration/h100-host-overheads.json). */
  hostOverheads?: HostOverheadTable;
  /** The host to predict for (default: the calibration host); an estimated one adds a range. */
  host?: HostSetting;
  /** Use the trace's own host overheads (instrumentation removed) instead of the table's. */
  ownOverheads?: boolean;
}

/** The step without profiler instrumentation, synchronised like a timed iteration, on the trace's GPU or another. */
export function predictFromTrace(loaded: LoadedTrace, options: TracePredictOptions = {}) {
  const table = options.hostOverheads ?? defaultHostOverheads();
  const cost = options.profilerCost ?? table.profilerCost;
  const from = options.traceGpu ? getGpu(options.traceGpu) : traceGpu(loaded.trace);
  let retime: ReturnType<typeof retimer> | undefined;
  if (options.gpu) {
    if (!from) throw new UserError(`${loaded.trace.file}: cannot tell which GPU recorded the trace; give --trace-gpu ID`);
    const to = getGpu(options.gpu);
    if (to.id !== from.id) retime = retimer(from, to);
  }
  // Host overheads: the calibration's typical, instrumentation-free values per op (pooled over
  // many steps and runs); the trace itself gives the graph, the launches and the kernel times.
  const typical = options.ownOverheads ? undefined : table;
  const graphs = loaded.steps.map((s) => graphFromStep(s, { profilerCost: cost, retime, idleStart: true, typical }));
  const at = (host = options.host?.factors) => graphs.map((g) => simulate(g, { recordTimeline: false, host }));
  const steps = at().map((r, i) => ({ name: loaded.steps[i]!.name, stepMs: r.stepUs / 1000, gpuActiveMs: r.gpuActiveUs / 1000 }));
  const range = options.host?.range;
  const stepMsRange = range && ([range.fast, range.slow].map((h) => meanOf(at(h).map((r) => r.stepUs / 1000))) as [number, number]);
  return {
    stepMs: meanOf(steps.map((s) => s.stepMs)),
    ...(stepMsRange ? { stepMsRange } : {}),
    gpuActiveMs: meanOf(steps.map((s) => s.gpuActiveMs)),
    gpu: options.gpu ?? from?.id ?? "unknown",
    host: options.host?.id,
    profilerCost: cost,
    steps,
  };
}
