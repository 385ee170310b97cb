/**
 * Does a model fit N GPUs, and the largest context: single sequence and per sequence of a
 * batch, with every layer holding full KV (vLLM 0.8's accounting) and with a hybrid cache
 * (chunked layers bounded by their window), capped at the model's maximum position.
 */
import type { Gpu } from "../catalog/gpus.js";
import { UserError } from "../spec/errors.js";
import type { KvPrecision, MoeTransformerModel, WeightPrecision } from "../spec/moe-transformer.js";
import { countParams } from "./params.js";
import { localWindow } from "./layers.js";
import { SERVING, kvPerToken, runtimeReserve, usableBytes, weightBytes, type Parallelism, type Reserve } from "./memory.js";

export interface FitOptions {
  weights: WeightPrecision;
  kv: KvPrecision;
  count: number;
  tp?: number;
  pp?: number;
  ep?: number;
  batch?: number;
  utilization?: number;
  /** Context the deployment must hold at least to count as fitting (default: one prefill chunk). */
  minContext?: number;
}

export interface FitResult {
  fits: boolean;
  params: { total: number; active: number };
  weightsBytes: number;
  kvBytesPerToken: number;
  maxContextTokens: number;
  maxContextTokensHybrid: number;
  detail: {
    parallelism: Parallelism;
    batch: number;
    usableBytesPerGpu: number;
    weightsBytesPerGpu: number;
    reserve: Reserve;
    freeForKvBytesPerGpu: number;
    kvBytesPerTokenPerGpu: number;
    kvBytesPerTokenGlobalPerGpu: number;
    /** Context KV would allow before the cap at maxPosition. */
    uncappedContextTokens: number;
    uncappedContextTokensHybrid: number;
    maxPosition: number;
    minContext: number;
  };
}

export function parallelism(o: Pick<FitOptions, "count" | "tp" | "pp" | "ep">): Parallelism {
  const pp = o.pp ?? 1;
  const tp = o.tp ?? Math.floor(o.count / pp);
  const ep = o.ep ?? 1;
  if (tp * pp !== o.count) throw new UserError(`--count ${o.count}: expected tensor parallel x pipeline parallel = count, found tp ${tp} x pp ${pp}`);
  if (ep > tp || tp % ep !== 0) throw new UserError(`--ep ${ep}: expected a divisor of the tensor-parallel degree ${tp} (experts are placed over the tp group)`);
  return { tp, pp, ep };
}

/** Tensor-parallel degrees a model accepts (vLLM): they divide the query heads, and divide or are a multiple of the KV heads. */
export function validTensorParallel(m: MoeTransformerModel, tp: number): boolean {
  const a = m.attention;
  if (a.heads % tp !== 0) return false;
  if (a.mla) return true;
  return tp >= a.kvHeads ? tp % a.kvHeads === 0 : a.kvHeads % tp === 0;
}

/**
 * What vLLM refuses to start: tensor parallelism must divide the attention heads (ModelConfig
 * verify_with_parallel_config: "Total number of attention heads must be divisible by tensor
 * parallel size") and divide, or be a multiple of, the KV heads (QKVParallelLinear partitions or
 * replicates them); pipeline parallelism at most one stage per layer. `flag` names the option that set tp.
 */
export function checkParallelism(m: MoeTransformerModel, par: Parallelism, flag = "--tp"): void {
  const { tp, pp } = par;
  if (!validTensorParallel(m, tp)) {
    const ok: number[] = [];
    for (let d = 1; d <= m.attention.heads; d++) if (validTensorParallel(m, d)) ok.push(d);
    const heads = m.attention.mla ? `${m.attention.heads} attention heads` : `${m.attention.heads} attention heads and ${m.attention.kvHeads} KV heads`;
    throw new UserError(
      `${flag}: tensor parallel ${tp} cannot split the model's ${heads} (vLLM requires tp to divide the attention heads${m.attention.mla ? "" : ", and to divide or be a multiple of the KV heads"}); expected a tensor-parallel degree of ${ok.join(", ")}${flag === "--count" ? " (times --pp)" : ""}, found ${tp}`,
    );
  }
  if (pp > m.layers) throw new UserError(`--pp: expected at most ${m.layers} pipeline stages (one per layer), found ${pp}`);
}

/** FP4 weights run on FP4 tensor cores (NVFP4/MXFP4 GEMMs): refuse a GPU without them. */
export function checkPrecisionSupport(gpu: Gpu, weights: WeightPrecision, flag = "--weights"): void {
  if (weights === "fp4" && gpu.peakFlopsPerSec.fp4 === undefined) {
    throw new UserError(`${flag} fp4: ${gpu.id} (${gpu.architecture}) has no FP4 tensor cores (no peakFlopsPerSec.fp4 in data/catalog/gpus.json); FP4 weights (NVFP4, MXFP4) need a GPU that has them, such as b200 or gb200; or use --weights fp8 or int4`);
  }
}

/** Largest single-sequence context for `free` bytes: all layers full, or chunked layers capped at window w. */
export function contextFor(free: number, all: number, global: number, chunkedTotal: number, window: number | undefined): { full: number; hybrid: number } {
  if (free <= 0) return { full: 0, hybrid: 0 };
  const full = Math.floor(free / all);
  if (window === undefined || full <= window) return { full, hybrid: full };
  if (global === 0) return { full, hybrid: Number.POSITIVE_INFINITY };
  return { full, hybrid: Math.floor((free - window * chunkedTotal) / global) };
}

export function fitModel(m: MoeTransformerModel, gpu: Gpu, o: FitOptions): FitResult {
  const par = parallelism(o);
  const batch = o.batch ?? 1;
  const p = countParams(m);
  const w = weightBytes(m, o.weights, par);
  const k = kvPerToken(m, o.kv, par);
  const reserve = runtimeReserve(m, par);
  const usable = usableBytes(gpu, o.utilization);
  const free = usable - w.perGpu - reserve.total;
  const local = localWindow(m);
  const window = local === undefined ? undefined : local + SERVING.maxNumBatchedTokens;
  const c = contextFor(free / batch, k.allLayersPerGpu, k.globalPerGpu, k.chunkedLayersPerGpu * k.chunkedLayerPerGpu, window);
  const cap = (x: number): number => Math.max(0, Math.min(x, m.maxPosition));
  const minContext = o.minContext ?? Math.min(SERVING.maxNumBatchedTokens, m.maxPosition);
  return {
    fits: cap(c.full) >= minContext,
    params: { total: p.total, active: p.active },
    weightsBytes: w.total,
    kvBytesPerToken: k.allLayers,
    maxContextTokens: cap(c.full),
    maxContextTokensHybrid: cap(c.hybrid),
    detail: {
      parallelism: par,
      batch,
      usableBytesPerGpu: usable,
      weightsBytesPerGpu: w.perGpu,
      reserve,
      freeForKvBytesPerGpu: free,
      kvBytesPerTokenPerGpu: k.allLayersPerGpu,
      kvBytesPerTokenGlobalPerGpu: k.globalPerGpu,
      uncappedContextTokens: Math.max(0, c.full),
      uncappedContextTokensHybrid: Math.max(0, c.hybrid),
      maxPosition: m.maxPosition,
      minContext,
    },
  };
}
