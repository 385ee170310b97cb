/**
 * The API's capabilities: each a route over one library call of src/commands, its body checked
 * by that call's zod schema, its answer that command's `--json`. The server parses bodies with
 * these; its worker threads run them (worker.ts).
 */
import type { z } from "zod";
import { generatedTrace, mrcCurve, simulateRuns } from "../commands/cache.js";
import { MrcBody, MrcUploadQuery, SimulateBody } from "../commands/cache-body.js";
import { openTrace } from "../cache/open.js";
import { deployOf, LlmContextBody, LlmFitBody, LlmPerfBody, llmContextJson, llmFitJson, llmPerf, llmPerfJson } from "../commands/llm.js";
import { PlanBody, planInputs, runPlan } from "../commands/plan.js";
import { predict, PredictBody, predictJson, timeline, TimelineBody, timelineTrace } from "../commands/predict.js";
import { sweep } from "../commands/sweep.js";
import { SweepBody } from "../commands/sweep-body.js";
// Imported, not loaded on first use: a compute thread run from source resolves no dynamic import through tsx.
import { runChunk } from "../sweep/run.js";
import { TierBody, tierJson, tierRun } from "../commands/tier.js";
import { traceAnalyze, TraceAnalyzeQuery, tracePredict, TracePredictQuery, traceReplayJson } from "../commands/trace.js";
import { resolveCatalogCluster } from "../catalog/clusters.js";
import { loadTrace } from "../predict-trace.js";
import { planJson } from "../report/plan-json.js";
import { validate } from "../spec/load.js";
import type { DlrmWorkload } from "../spec/workload.js";

/** Progress of a call: `done` of `total` (null: not known until the end); `stage` names a planner stage. */
export type Progress = (p: { done: number; total: number | null; stage?: string }) => void;

export interface Route {
  /** JSON: the body is the input; trace: the body is a trace file, the query the flags. */
  body: "json" | "trace";
  /** Check the body (JSON routes) or the query (trace routes); the result is plain data for a worker thread. */
  parse(data: unknown): unknown;
  /** The answer: the command's `--json`. A trace route's input is `{ file, flags }`. */
  run(input: never, progress: Progress): unknown;
  /** Flags whose body field is spelled otherwise than their camelCase (errors name the field). */
  fields?: Record<string, string>;
}

const checked = <S extends z.ZodType>(schema: S, where = "request body") => (data: unknown): z.output<S> => validate(schema, data, "body", where);

function json<S extends z.ZodType>(schema: S, run: (input: z.output<S>, progress: Progress) => unknown, fields?: Record<string, string>): Route {
  return { body: "json", parse: checked(schema), run: run as Route["run"], fields };
}

function trace<S extends z.ZodType>(query: S, run: (input: { file: string; flags: z.output<S> }, progress: Progress) => unknown): Route {
  return { body: "trace", parse: checked(query, "query"), run: run as Route["run"] };
}

/** Requests of a generated trace done, of the total. */
const requests = (progress: Progress) => (done: number, total: number) => progress({ done, total });
/** Trace events read (the total is known only at the end). */
const events = (progress: Progress) => (done: number) => progress({ done, total: null });

const CACHE_FIELDS = { "--size": "sizes", "--policy": "policies", "--tables": "generator.tables", "--keys": "generator.keys", "--workload": "generator.workload", "--kind": "generator.kind", "--sample": "sample", "--max-objects": "maxObjects" };

/** By path under /api/ (a job runs the same at /api/jobs/PATH). */
export const ROUTES: Record<string, Route> = {
  predict: json(PredictBody, (b) => predictJson(predict(b))),
  timeline: json(TimelineBody, (b) => timelineTrace(timeline(b))),
  plan: json(PlanBody, async (b, progress) => {
    let done = 0;
    return planJson(await runPlan(planInputs(b, "workload", resolveCatalogCluster), (stage) => progress({ done: done++, total: null, stage })));
  }),
  tier: json(TierBody, async (b) => tierJson(await tierRun(b.workload as DlrmWorkload, b))),
  "llm/fit": json(LlmFitBody, (b) => {
    const { o, m } = deployOf(b);
    return llmFitJson(o, m);
  }),
  "llm/context": json(LlmContextBody, (b) => {
    const { o, m } = deployOf(b);
    return llmContextJson(o, m, m.id).json;
  }),
  "llm/perf": json(LlmPerfBody, (b) => {
    const { o, m } = deployOf(b);
    return llmPerfJson(llmPerf(o, m, b.batch, b.prompt, b.outputTokens));
  }, { "--output-tokens": "outputTokens" }),
  "cache/mrc": json(MrcBody, (b, progress) => ({ points: mrcCurve(() => generatedTrace(b.generator), b.mrc, requests(progress)).points }), CACHE_FIELDS),
  "cache/mrc/upload": trace(MrcUploadQuery, ({ file, flags }, progress) => ({ points: mrcCurve(() => openTrace(file, flags.format), flags.mrc, requests(progress)).points })),
  "cache/simulate": json(SimulateBody, (b, progress) => ({ results: simulateRuns(() => generatedTrace(b.generator), b, requests(progress)) }), CACHE_FIELDS),
  "trace/analyze": trace(TraceAnalyzeQuery, ({ file }, progress) => traceAnalyze(file, events(progress))),
  "trace/replay": trace(TraceAnalyzeQuery, async ({ file }, progress) => traceReplayJson(await loadTrace(file, events(progress)))),
  "trace/predict": trace(TracePredictQuery, ({ file, flags }, progress) => tracePredict(() => loadTrace(file, events(progress)), flags)),
  sweep: json(SweepBody, (plan, progress) => sweep(plan, { onProgress: (done, total) => progress({ done, total }), runHere: runChunk })),
};
