/**
 * `strata llm fit|context|perf` as library calls: a deployment (model, GPUs, precisions,
 * parallelism) in, the commands' JSON out. The model is resolved once (a preset, a file for
 * the CLI, a document for the API) and passed in.
 */
import { z } from "zod";
import { getGpu } from "../catalog/gpus.js";
import { BOUNDS, assertFinite } from "../llm/bounds.js";
import { fitJson, perfJson, perfRuns, runFit, type DeployOpts, type PerfRun } from "../llm/deploy.js";
import { listLlmPresets, requireSpec, resolveModel, resolveModelDocument, type ResolvedModel } from "../llm/presets.js";
import { UserError } from "../spec/errors.js";
import { KvPrecision, WeightPrecision } from "../spec/moe-transformer.js";
import { catalogId, resolvedBy } from "./workload.js";

const tokens = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "unbounded");

/** A finite JSON document (a NaN or Infinity would print as null: a missing bound, an internal error). */
function finite<T>(value: T): T {
  assertFinite(value);
  return value;
}

/** `strata llm fit --json`. */
export const llmFitJson = (o: DeployOpts & { detail?: boolean }, m: ResolvedModel) => finite(fitJson(runFit(o, m).result, o));

/** `strata llm context --json` (`label`: the model as given). */
export function llmContextJson(o: Omit<DeployOpts, "batch"> & { batch: number[] }, m: ResolvedModel, label: string) {
  const rows = o.batch.map((b) => ({ batch: b, ...runFit({ ...o, batch: b }, m).result }));
  return {
    rows,
    json: finite({ model: label, gpu: o.gpu, count: o.count, rows: rows.map((r) => ({ batch: r.batch, maxContextTokens: r.maxContextTokens, maxContextTokensHybrid: r.maxContextTokensHybrid, totalTokens: r.batch * r.maxContextTokens, totalTokensHybrid: r.batch * r.maxContextTokensHybrid })) }),
  };
}

/** `strata llm perf`: one run per batch, prompt + output checked against the model's positions. */
export function llmPerf(o: Omit<DeployOpts, "batch"> & { price?: number }, m: ResolvedModel, batches: number[], prompt = 2048, output = 256): PerfRun[] {
  const spec = requireSpec(m);
  if (prompt + output > spec.maxPosition) {
    throw new UserError(`--prompt ${prompt} + --output-tokens ${output}: expected at most the model's ${tokens(spec.maxPosition)} positions per sequence (maxPosition, HF max_position_embeddings), found ${tokens(prompt + output)} tokens`);
  }
  return perfRuns(o, m, batches, prompt, output);
}

/** `strata llm perf --json`: one run's object, or the rows of a batch sweep. */
export const llmPerfJson = (runs: PerfRun[]) => finite(runs.length === 1 ? perfJson(runs[0]!) : { rows: runs.map(perfJson) });

/** A model in a body: a preset id, or a document (model spec, workload, Hugging Face config.json). */
const ModelField = z.union([z.string().min(1), z.record(z.string(), z.unknown())]).transform(resolvedBy((v) => {
  if (typeof v === "string") {
    if (!listLlmPresets().some((p) => p.id === v)) throw new UserError(`unknown model "${v}": expected a preset (${listLlmPresets().map((p) => p.id).join(", ")}) or a model document`);
    return resolveModel(v);
  }
  const name = (v as { name?: unknown }).name;
  return resolveModelDocument(v, typeof name === "string" && name ? name : "model", "model");
}));

/** A flag's value as the command line spells it ("8") is taken as the number too: the fields are the flags. */
const asFlag = <S extends z.ZodType>(schema: S) => z.preprocess((v) => (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : v), schema);
/** A comma-separated list as `--batch 1,8,32` spells it, an array, or one number. */
const asList = <S extends z.ZodType>(schema: S) => z.preprocess((v) => (typeof v === "number" ? [v] : typeof v === "string" ? v.split(",").map((x) => (x.trim() !== "" && Number.isFinite(Number(x)) ? Number(x) : x)) : v), schema);

const gpus = asFlag(z.number().int().min(1).max(BOUNDS.maxGpus));
const batch = asFlag(z.number().int().min(1).max(BOUNDS.maxBatch));
const deployFields = (count: number) => ({
  model: ModelField,
  gpu: catalogId(getGpu).default("h100-sxm-80gb"),
  count: gpus.default(count),
  weights: WeightPrecision.default("bf16"),
  kv: KvPrecision.default("bf16"),
  tp: gpus.optional(),
  pp: gpus.optional(),
  ep: gpus.optional(),
  utilization: asFlag(z.number().min(BOUNDS.utilization.min).max(BOUNDS.utilization.max)).optional(),
});

export const LlmFitBody = z.strictObject({ ...deployFields(1), batch: batch.optional(), detail: z.boolean().optional() });
export const LlmContextBody = z.strictObject({ ...deployFields(1), batch: asList(z.array(batch).min(1)).default([1, 8, 32, 128]) });
export const LlmPerfBody = z.strictObject({
  ...deployFields(8),
  batch: asList(z.array(batch).min(1)).default([1]),
  prompt: asFlag(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)).optional(),
  outputTokens: asFlag(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)).optional(),
  price: asFlag(z.number().positive().max(BOUNDS.price.max)).optional(),
});

/** A parsed body as the library calls take it: the deployment, and the resolved model. */
export function deployOf<B extends { model: ResolvedModel }>(b: B): { o: Omit<B, "model"> & { model: string }; m: ResolvedModel } {
  return { o: { ...b, model: b.model.id }, m: b.model };
}
