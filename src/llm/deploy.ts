/**
 * A serving deployment as `strata llm fit` and `strata llm perf` take it, the library calls they
 * make, and their JSON (the commands print it; a sweep's result per configuration is the same).
 */
import { getGpu } from "../catalog/gpus.js";
import type { KvPrecision, MoeTransformerModel, WeightPrecision } from "../spec/moe-transformer.js";
import { checkParallelism, checkPrecisionSupport, fitModel, parallelism, type FitOptions, type FitResult } from "./fit.js";
import { requireSpec, resolveModel, type ResolvedModel } from "./presets.js";
import { servePerf, type PerfResult } from "./perf.js";

export interface DeployOpts {
  model: string;
  gpu: string;
  count: number;
  weights: WeightPrecision;
  kv: KvPrecision;
  tp?: number;
  pp?: number;
  ep?: number;
  batch?: number;
  utilization?: number;
}

export function runFit(o: DeployOpts, model: ResolvedModel = resolveModel(o.model)): { result: FitResult; name: string; spec: MoeTransformerModel } {
  const spec = requireSpec(model);
  const opts: FitOptions = { weights: o.weights, kv: o.kv, count: o.count, tp: o.tp, pp: o.pp, ep: o.ep, batch: o.batch, utilization: o.utilization };
  checkParallelism(spec, parallelism(opts), o.tp !== undefined ? "--tp" : "--count");
  const gpu = getGpu(o.gpu);
  checkPrecisionSupport(gpu, o.weights);
  return { result: fitModel(spec, gpu, opts), name: model.name, spec };
}

/**
 * `strata llm fit --json`: exactly the contract's fields; `--detail` adds `detail`, the per-GPU
 * accounting the text output prints (usable, weights, the runtime reserve by part, free for KV).
 */
export function fitJson(r: FitResult, o: { detail?: boolean } = {}) {
  return { fits: r.fits, params: r.params, weightsBytes: r.weightsBytes, kvBytesPerToken: r.kvBytesPerToken, maxContextTokens: r.maxContextTokens, maxContextTokensHybrid: r.maxContextTokensHybrid, ...(o.detail ? { detail: wholeBytes(r.detail) } : {}) };
}

/** Byte figures as whole bytes (usable memory is a fraction of HBM; the engine reserve a fitted GiB count). */
function wholeBytes(d: FitResult["detail"]): FitResult["detail"] {
  const r = d.reserve;
  const reserve = { activations: Math.round(r.activations), sampler: Math.round(r.sampler), ropeCache: Math.round(r.ropeCache), engine: Math.round(r.engine), total: Math.round(r.total) };
  return { ...d, usableBytesPerGpu: Math.round(d.usableBytesPerGpu), weightsBytesPerGpu: Math.round(d.weightsBytesPerGpu), freeForKvBytesPerGpu: Math.round(d.freeForKvBytesPerGpu), reserve };
}

export interface PerfRun {
  batch: number;
  fit: FitResult;
  r: PerfResult;
  fits: boolean;
  inputCost?: number;
  outputCost?: number;
}

/** One `strata llm perf` run per batch (prompt + output already checked against the model's positions). */
export function perfRuns(o: Omit<DeployOpts, "batch"> & { price?: number }, m: ResolvedModel, batches: number[], prompt: number, output: number): PerfRun[] {
  const spec = requireSpec(m);
  return batches.map((batch) => {
    const fit = runFit({ ...o, batch }, m).result;
    const r = servePerf(spec, getGpu(o.gpu), { weights: o.weights, kv: o.kv, par: fit.detail.parallelism, batch, prompt, output });
    // $ per million tokens: every GPU billed for the phase's time.
    const cost = (tokensPerSec: number): number | undefined => (o.price === undefined ? undefined : Number(((o.price * r.gpus) / 3600 / tokensPerSec * 1e6).toFixed(4)));
    // Fits when every sequence's prompt + output fits the KV cache (all-layers accounting, as vLLM 0.8).
    return { batch, fit, r, fits: prompt + output <= fit.maxContextTokens, inputCost: cost(r.prefill.tokensPerSec), outputCost: cost(r.decode.tokensPerSec) };
  });
}

const ms = (us: number): number => Number((us / 1000).toFixed(3));

/** One row of `strata llm perf --json`. */
export function perfJson(x: PerfRun) {
  return {
    batch: x.batch,
    fits: x.fits,
    prefill: { latencyMs: ms(x.r.prefill.us), tokensPerSec: Math.round(x.r.prefill.tokensPerSec), tokensPerSecPerGpu: Math.round(x.r.prefill.tokensPerSecPerGpu), byComponentMs: Object.fromEntries(Object.entries(x.r.prefill.byComponent).map(([k, v]) => [k, ms(v)])) },
    decode: { context: x.r.decode.context, stepMs: ms(x.r.decode.us), tokensPerSec: Math.round(x.r.decode.tokensPerSec), tokensPerSecPerGpu: Math.round(x.r.decode.tokensPerSecPerGpu), byComponentMs: Object.fromEntries(Object.entries(x.r.decode.byComponent).map(([k, v]) => [k, ms(v)])) },
    requestMs: ms(x.r.requestUs),
    ...(x.inputCost !== undefined ? { usdPerMillionInputTokens: x.inputCost, usdPerMillionOutputTokens: x.outputCost } : {}),
  };
}
