/**
 * Which command wrote a result JSON (`--json` outputs, `strata timeline` traces, sweeps), told
 * from its shape, and the fields the charts read checked by a schema: a file of another shape
 * is an error naming the file and the field.
 */
import { z } from "zod";
import { UserError } from "../../spec/errors.js";
import { validate } from "../../spec/load.js";

const num = z.number().finite();
const int = z.number().int();
const span = z.tuple([num, num]);

const PredictionRow = z.looseObject({ name: z.string(), gpu: z.string(), implementation: z.string(), trainStepMs: num, inferenceMs: num, gpuActiveMs: num, hostBusyMs: num, peakMemoryBytes: num, fits: z.boolean(), bound: z.string() });
const PerfRow = z.looseObject({ batch: int, fits: z.boolean(), prefill: z.looseObject({ latencyMs: num, tokensPerSec: num, tokensPerSecPerGpu: num }), decode: z.looseObject({ stepMs: num, tokensPerSec: num, tokensPerSecPerGpu: num }), requestMs: num });
const ContextRow = z.looseObject({ batch: int, maxContextTokens: num, maxContextTokensHybrid: num });

export const RESULT_SCHEMAS = {
  predict: z.looseObject({ results: z.array(PredictionRow).min(1) }),
  timeline: z.looseObject({ traceEvents: z.array(z.looseObject({ ph: z.string() })) }),
  plan: z.looseObject({
    feasible: z.boolean(), stepMs: num, hostBound: z.boolean(), samplesPerSec: num, imbalance: num, strategy: z.string(), infeasibleReason: z.string().optional(),
    shards: z.array(z.looseObject({ table: int, type: z.enum(["data-parallel", "table-wise", "row-wise", "column-wise", "table-row-wise", "table-column-wise"]), ranks: z.array(int), rows: z.array(span), cols: z.array(span) })),
    perRank: z.array(z.looseObject({ rank: int, hbmBytes: num, embeddingMs: num, denseMs: num, computeMs: num, commMs: num, a2aSendBytes: num })),
    why: z.array(z.string()).optional(),
  }),
  tier: z.looseObject({
    mode: z.enum(["train", "infer"]), feasible: z.boolean(), nodes: num, baselineNodes: num, powerW: num, baselinePowerW: num, baselineFeasible: z.boolean(), powerSavingPercent: num, node: z.string(), baselineNode: z.string(),
    tables: z.array(z.looseObject({ table: int, rows: num, home: z.string(), hbmCacheRows: num, dramCacheRows: num, hitRate: num, dramHitRate: num, bytes: z.record(z.string(), num) })),
  }),
  "llm fit": z.looseObject({ fits: z.boolean(), params: z.looseObject({ total: num, active: num }), weightsBytes: num, kvBytesPerToken: num, maxContextTokens: num, maxContextTokensHybrid: num }),
  "llm context": z.looseObject({ model: z.string(), gpu: z.string(), count: int, rows: z.array(ContextRow).min(1) }),
  "llm perf": z.union([PerfRow, z.looseObject({ rows: z.array(PerfRow).min(1) })]),
  "cache mrc": z.looseObject({ points: z.array(z.looseObject({ size: num, missRatio: num })) }),
  "cache simulate": z.looseObject({ results: z.array(z.looseObject({ policy: z.string(), size: num, missRatio: num, requests: num, misses: num })).min(1) }),
  sweep: z.looseObject({ runs: int, results: z.array(z.looseObject({ index: int, params: z.record(z.string(), z.unknown()) })), pareto: z.array(int), top: z.array(int).optional() }),
  "trace analyze": z.looseObject({
    steps: z.array(z.looseObject({ name: z.string(), ms: num, hostBusyMs: num, gpuActiveMs: num, gpuIdleMs: num, idleCauses: z.looseObject({ hostInOpsMs: num, hostBetweenOpsMs: num }), syncWaitMs: num })),
    stepMs: num, gpuActiveMs: num, hostBusyMs: num, bound: z.string(), overheads: z.record(z.string(), z.looseObject({ mean: num, std: num, count: num })),
  }),
  "trace replay": z.looseObject({ measuredStepMs: num, replayedStepMs: num, steps: z.array(z.looseObject({ name: z.string(), measuredMs: num, replayedMs: num })) }),
  "trace predict": z.looseObject({ stepMs: num, gpuActiveMs: num, gpu: z.string(), steps: z.array(z.looseObject({ name: z.string(), stepMs: num, gpuActiveMs: num })) }),
} as const;

export type ResultKind = keyof typeof RESULT_SCHEMAS;
export type ResultOf<K extends ResultKind> = z.infer<(typeof RESULT_SCHEMAS)[K]>;
export type KindedResult = { [K in ResultKind]: { kind: K; file: string; data: ResultOf<K> } }[ResultKind];

/** The command that prints each kind, as the report names it. */
export const KIND_COMMAND: Record<ResultKind, string> = {
  predict: "strata predict WORKLOAD --json",
  timeline: "strata timeline WORKLOAD -o step.json",
  plan: "strata plan WORKLOAD --cluster ID --json",
  tier: "strata tier WORKLOAD --node ID --mode train|infer --json",
  "llm fit": "strata llm fit --model ID --json",
  "llm context": "strata llm context --model ID --json",
  "llm perf": "strata llm perf --model ID --json",
  "cache mrc": "strata cache mrc TRACE --json",
  "cache simulate": "strata cache simulate TRACE --policy P --size S --json",
  sweep: "strata sweep SPEC --json",
  "trace analyze": "strata trace analyze TRACE --json",
  "trace replay": "strata trace replay TRACE --json",
  "trace predict": "strata trace predict TRACE --json",
};

const RESULT_NAMES = "strata predict, plan, tier, llm fit|context|perf, cache mrc|simulate, sweep or trace analyze|replay|predict, or a strata timeline trace";

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const first = (v: unknown): Record<string, unknown> => (Array.isArray(v) && isObject(v[0]) ? v[0] : {});

/** The kind from the keys that tell the outputs apart (the schema then checks the rest). */
export function guessKind(v: unknown): ResultKind | undefined {
  if (!isObject(v)) return undefined;
  const has = (k: string) => k in v;
  if (has("traceEvents")) return "timeline";
  if (has("runs") && has("pareto")) return "sweep";
  if (has("perRank") || has("shards")) return "plan";
  if (has("powerW") && has("tables")) return "tier";
  if (has("measuredStepMs")) return "trace replay";
  if (has("overheads") && has("steps")) return "trace analyze";
  if (has("steps") && has("stepMs") && (has("profilerCost") || has("gpu"))) return "trace predict";
  if (has("points")) return "cache mrc";
  if (has("results")) return "trainStepMs" in first(v.results) ? "predict" : "policy" in first(v.results) ? "cache simulate" : undefined;
  if (has("rows")) return "prefill" in first(v.rows) ? "llm perf" : "maxContextTokens" in first(v.rows) ? "llm context" : undefined;
  if (has("prefill") && has("decode")) return "llm perf";
  if (has("maxContextTokens") && has("weightsBytes")) return "llm fit";
  return undefined;
}

/** A parsed result document as its kind, checked; `file` names it in errors. */
export function classifyResult(value: unknown, file: string): KindedResult {
  const kind = guessKind(value);
  if (!kind) {
    const found = isObject(value) ? `an object with ${Object.keys(value).length ? `fields ${Object.keys(value).slice(0, 8).join(", ")}` : "no fields"}` : Array.isArray(value) ? "an array" : JSON.stringify(value);
    throw new UserError(`${file}: not a Strata result: expected the --json output of ${RESULT_NAMES}; found ${found}`);
  }
  return { kind, file, data: validate(RESULT_SCHEMAS[kind], value, file, `${kind} result (${KIND_COMMAND[kind]})`) } as KindedResult;
}
