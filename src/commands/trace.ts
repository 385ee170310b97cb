/** `strata trace analyze|predict` as library calls on a Kineto trace file (the API's upload is one, in a temporary file). */
import { z } from "zod";
import { getGpu } from "../catalog/gpus.js";
import { getHost } from "../catalog/hosts.js";
import { analyzeTrace, loadTrace, predictFromTrace, replayTrace, type LoadedTrace } from "../predict-trace.js";
import { uniformProfilerCost } from "../trace/overheads.js";
import { hostOf, type HostRequest } from "./host.js";
import { catalogId, queryFlag } from "./workload.js";

/** `strata trace analyze --json` of a Kineto trace; `onEvents` is told the events read so far. */
export const traceAnalyze = async (file: string, onEvents?: (events: number) => void) => analyzeTrace(await loadTrace(file, onEvents));

/** `strata trace replay --json`: each step measured and replayed through the simulator. */
export function traceReplayJson(loaded: LoadedTrace) {
  const r = replayTrace(loaded);
  return { measuredStepMs: r.measuredStepMs, replayedStepMs: r.replayedStepMs, steps: r.steps };
}

export interface TracePredictRequest extends HostRequest {
  gpu?: string;
  traceGpu?: string;
  instrumentationUs?: number;
  ownOverheads?: boolean;
}

/** `strata trace predict --json`: the flags are checked before `load` reads the trace. */
export async function tracePredict(load: () => Promise<LoadedTrace>, o: TracePredictRequest) {
  const { host, hostOverheads } = hostOf(o);
  const profilerCost = o.instrumentationUs === undefined ? undefined : uniformProfilerCost(o.instrumentationUs);
  return predictFromTrace(await load(), { gpu: o.gpu, traceGpu: o.traceGpu, profilerCost, hostOverheads, host, ownOverheads: o.ownOverheads });
}

/** The trace's name as answers and errors show it (the CLI's file argument); default "upload". */
const name = z.string().min(1).max(255).optional();
const positive = z.coerce.number().positive().optional();

/** `POST /api/trace/predict`'s flags, in the query string (the body is the trace). */
export const TracePredictQuery = z.strictObject({
  gpu: catalogId(getGpu).optional(),
  traceGpu: catalogId(getGpu).optional(),
  instrumentationUs: positive,
  ownOverheads: queryFlag.optional(),
  host: catalogId(getHost).optional(),
  hostSpeed: positive,
  name,
});

/** `POST /api/trace/analyze` and `/api/trace/replay` take no flags but the name. */
export const TraceAnalyzeQuery = z.strictObject({ name });
