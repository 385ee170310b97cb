/**
 * `strata llm bench`: a deployment, an engine and a benchmark load in; what the engine's
 * benchmark prints out (trtllm-bench throughput, vllm bench serve, SGLang bench_serving):
 * output and total tokens/s, requests/s, mean TTFT and TPOT, whether it fits and the
 * concurrency the KV cache allows. One call per configuration (the sweep runs the same).
 */
import { getGpu, type Gpu } from "../catalog/gpus.js";
import { UserError } from "../spec/errors.js";
import type { KvPrecision, MoeTransformerModel, WeightPrecision } from "../spec/moe-transformer.js";
import { checkParallelism, checkPrecisionSupport } from "./fit.js";
import { engineMemory, maxConcurrency, type EngineMemory } from "./engine-memory.js";
import { getEngine, limitsFor, type EngineId, type EngineLimits, type EngineProfile } from "./engines.js";
import { GIB, type Parallelism } from "./memory.js";
import { StepModel, decodeBatch } from "./perf.js";
import { requireSpec, resolveModel, type ResolvedModel } from "./presets.js";
import { simulateRun, type RunResult, type RunWorkload } from "./serve-sim.js";

export interface BenchOpts {
  model: string;
  gpu: string;
  count: number;
  weights: WeightPrecision;
  /** Default: the engine's (engines.json kvDefault). */
  kv?: KvPrecision;
  tp?: number;
  ep?: number;
  /** Attention data-parallel degree (1 = off); default: the engine's (TensorRT-LLM's benchmark setup turns it on for MoE). */
  attentionDp?: number;
  engine: EngineId;
  input: number;
  output: number;
  concurrency?: number;
  requests?: number;
  rate?: number;
  rangeRatio?: number;
  seed?: number;
}

export interface Deployment {
  spec: MoeTransformerModel;
  name: string;
  gpu: Gpu;
  engine: EngineProfile;
  /** The KV cache dtype: --kv, or the engine's default for the weights. */
  kv: KvPrecision;
  par: Parallelism;
  limits: EngineLimits;
  memory: EngineMemory;
}

/** Parallelism as the engine runs it: tp over the GPUs; expert parallelism and attention DP from the flags or the engine's benchmark setup. */
export function deployment(o: BenchOpts, model: ResolvedModel = resolveModel(o.model)): Deployment {
  const engine = getEngine(o.engine);
  const own = requireSpec(model);
  // A ModelOpt checkpoint keeps only embeddings, router and norms in bf16 (memory.ts default), whatever the model's own checkpoint keeps.
  const spec = engine.checkpoints === "modelopt" ? { ...own, keepBf16: {} } : own;
  const gpu = getGpu(o.gpu);
  checkPrecisionSupport(gpu, o.weights);
  const tp = o.tp ?? o.count;
  if (tp !== o.count) throw new UserError(`--tp ${tp}: expected the GPU count (--count ${o.count}); pipeline parallelism is not simulated by llm bench`);
  const moeDp = engine.attentionDpForMoe && o.attentionDp === undefined && tp > 1;
  const dp = o.attentionDp ?? (moeDp ? tp : 1);
  if (tp % dp !== 0) throw new UserError(`--attention-dp ${dp}: expected a divisor of the tensor-parallel degree ${tp} (each data-parallel rank shards attention over tp / dp GPUs)`);
  const ep = o.ep ?? (dp > 1 ? tp : 1);
  if (ep > tp || tp % ep !== 0) throw new UserError(`--ep ${ep}: expected a divisor of the tensor-parallel degree ${tp} (experts are placed over the tp group)`);
  const par: Parallelism = { tp, pp: 1, ep, dp };
  checkParallelism(spec, { tp: tp / dp, pp: 1, ep: 1 }, dp > 1 ? "--attention-dp" : o.tp !== undefined ? "--tp" : "--count");
  const kv: KvPrecision = o.kv ?? (engine.kvDefault === "weights" && (o.weights === "fp8" || o.weights === "fp4") ? "fp8" : "bf16");
  const limits = limitsFor(engine, { m: spec, gpu, tp, pp: 1, weights: o.weights, kv, input: o.input, output: o.output });
  const memory = engineMemory(engine, spec, gpu, { weights: o.weights, kv, par, limits });
  return { spec, name: model.name, gpu, engine, kv, par, limits, memory };
}

export interface BenchResult {
  deployment: Deployment;
  fits: boolean;
  /** Why it does not fit (absent when it fits). */
  reason?: string;
  maxConcurrency: number;
  run?: RunResult;
  workload: RunWorkload;
  /** The full batch's decode step: the engine's step model and llm perf's roofline at the run's mean decode batch. */
  decodeStep?: { batch: number; context: number; engineMs: number; rooflineMs: number };
}

function workloadOf(o: BenchOpts): RunWorkload {
  if (o.concurrency === undefined && o.requests === undefined) throw new UserError("llm bench: give --requests N (an offline run of N requests) or --concurrency C (at most C in flight; 10 x C requests unless --requests)");
  // Without --requests a concurrency sweep sends 10 requests per slot (InferenceX's num_prompts = 10 x concurrency).
  const requests = o.requests ?? 10 * o.concurrency!;
  return { input: o.input, output: o.output, requests, concurrency: o.concurrency, rate: o.rate, rangeRatio: o.rangeRatio, seed: o.seed };
}

export function runBench(o: BenchOpts, model: ResolvedModel = resolveModel(o.model)): BenchResult {
  const d = deployment(o, model);
  const w = workloadOf(o);
  const seq = o.input + o.output;
  const mem = d.memory;
  const conc = maxConcurrency(mem, seq);
  const gb = (b: number): string => (b / GIB).toFixed(2);
  let reason: string | undefined;
  if (seq > d.spec.maxPosition) reason = `--input ${o.input} + --output ${o.output} = ${seq} tokens exceed the model's ${d.spec.maxPosition.toLocaleString("en-US")} positions`;
  else if (mem.kvBytesPerGpu <= 0) reason = `weights ${gb(mem.weightsBytesPerGpu)} GiB + reserve ${gb(mem.reserveBytesPerGpu)} GiB per GPU leave no KV cache in the ${gb(mem.usableBytesPerGpu)} GiB ${d.engine.id} may use (short by ${gb(-mem.kvBytesPerGpu)} GiB)`;
  else if (!d.engine.scheduler.chunkedPrefill && o.input > d.limits.tokenBudget) reason = `--input ${o.input}: ${d.engine.id} without chunked prefill schedules a prompt whole, and its token budget per step is ${d.limits.tokenBudget} (${d.limits.rule})`;
  else if (mem.kvTokensPerRank < Math.ceil(seq / mem.blockTokens) * mem.blockTokens) reason = `one request of ${seq} tokens needs ${(Math.ceil(seq / mem.blockTokens) * mem.blockTokens).toLocaleString("en-US")} KV tokens; a rank holds ${mem.kvTokensPerRank.toLocaleString("en-US")}`;
  if (reason) return { deployment: d, fits: false, reason, maxConcurrency: conc, workload: w };
  const base = { weights: o.weights, kv: d.kv, par: d.par, kernels: d.engine.kernels };
  const graphed = new StepModel(d.spec, d.gpu, { ...base, launch: "cuda-graph" });
  const eager = new StepModel(d.spec, d.gpu, { ...base, launch: "eager" });
  const run = simulateRun(d.spec, { profile: d.engine, limits: d.limits, kvTokensPerRank: mem.kvTokensPerRank, ranks: mem.ranks, graphed, eager }, w);
  // The run's typical decode step against llm perf's: same batch (per rank), mid-generation context.
  const batch = Math.max(1, Math.round(run.meanDecodeBatch / mem.ranks));
  const context = o.input + Math.floor(o.output / 2);
  const ranks = Array.from({ length: mem.ranks }, () => decodeBatch(d.spec, batch, context));
  const roofline = new StepModel(d.spec, d.gpu, { weights: o.weights, kv: d.kv, par: d.par });
  const decodeStep = { batch: batch * mem.ranks, context, engineMs: graphed.stepUs(ranks) / 1000, rooflineMs: roofline.stepUs(ranks) / 1000 };
  return { deployment: d, fits: true, maxConcurrency: conc, run, workload: w, decodeStep };
}

const r3 = (x: number): number => Number(x.toFixed(3));

/** `strata llm bench --json` (the contract's fields first; a sweep's result per configuration is the same). */
export function benchJson(b: BenchResult) {
  const d = b.deployment;
  const r = b.run;
  return {
    outputTokensPerSec: r3(r?.outputTokensPerSec ?? 0),
    totalTokensPerSec: r3(r?.totalTokensPerSec ?? 0),
    requestsPerSec: r3(r?.requestsPerSec ?? 0),
    meanTtftMs: r3(r?.ttft.meanMs ?? 0),
    meanTpotMs: r3(r?.tpot.meanMs ?? 0),
    fits: b.fits,
    maxConcurrency: Number(b.maxConcurrency.toFixed(2)),
    ...(b.reason ? { reason: b.reason } : {}),
    p99TtftMs: r3(r?.ttft.p99Ms ?? 0),
    p99TpotMs: r3(r?.tpot.p99Ms ?? 0),
    meanE2eMs: r3(r?.e2e.meanMs ?? 0),
    p99E2eMs: r3(r?.e2e.p99Ms ?? 0),
    outputTokensPerSecPerGpu: r3((r?.outputTokensPerSec ?? 0) / d.par.tp),
    outputTokensPerSecPerUser: r3(r && r.tpot.meanMs > 0 ? 1000 / r.tpot.meanMs : 0),
    durationS: r3(r?.durationS ?? 0),
    requests: b.workload.requests,
    kvCacheTokens: d.memory.kvTokens,
    engine: d.engine.id,
    kv: d.kv,
    parallelism: { tp: d.par.tp, ep: d.par.ep, attentionDp: d.par.dp ?? 1 },
    limits: { maxSeqs: d.limits.maxSeqs, tokenBudget: d.limits.tokenBudget, maxCudaGraphBatch: d.limits.graphSizes.at(-1) ?? 0 },
    memoryPerGpuGiB: { usable: r3(d.memory.usableBytesPerGpu / GIB), weights: r3(d.memory.weightsBytesPerGpu / GIB), reserve: r3(d.memory.reserveBytesPerGpu / GIB), kv: r3(Math.max(0, d.memory.kvBytesPerGpu) / GIB) },
    ...(r ? { steps: r.steps, meanDecodeBatch: r3(r.meanDecodeBatch), peakRunning: r.peakRunning, preemptions: r.preemptions, meanStepMs: r3(r.meanStepMs) } : {}),
    ...(b.decodeStep ? { decodeStep: { batch: b.decodeStep.batch, context: b.decodeStep.context, engineMs: r3(b.decodeStep.engineMs), rooflineMs: r3(b.decodeStep.rooflineMs) } } : {}),
  };
}

/** The KV lines vLLM prints at start-up, for this deployment (per rank; ranks x that with attention DP). */
export function kvLines(b: BenchResult): string[] {
  const m = b.deployment.memory;
  const len = b.workload.input + b.workload.output;
  const dp = m.ranks > 1 ? ` per attention-DP rank (${m.ranks} ranks: ${m.kvTokens.toLocaleString("en-US")} tokens)` : "";
  return [
    `GPU KV cache size: ${m.kvTokensPerRank.toLocaleString("en-US")} tokens${dp}`,
    `Maximum concurrency for ${len.toLocaleString("en-US")} tokens per request: ${(b.maxConcurrency / m.ranks).toFixed(2)}x${m.ranks > 1 ? ` per rank, ${b.maxConcurrency.toFixed(2)}x in all` : ""}`,
  ];
}
