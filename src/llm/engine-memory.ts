/**
 * Memory as each engine counts it: what it may use per GPU, what weights and its reserve take,
 * the KV cache left in blocks and tokens, and the concurrency a request length allows — the
 * figures vLLM prints at start-up ("GPU KV cache size: N tokens", "Maximum concurrency for L
 * tokens per request: X.XXx"), TensorRT-LLM's kv_cache_free_gpu_mem_fraction of the free memory,
 * SGLang's mem_fraction_static pool (sources: data/llm/engines.json).
 */
import type { Gpu } from "../catalog/gpus.js";
import type { KvPrecision, MoeTransformerModel, WeightPrecision } from "../spec/moe-transformer.js";
import { sglangMemFractionStatic, type EngineLimits, type EngineProfile } from "./engines.js";
import { GIB, SERVING, kvPerToken, runtimeReserve, weightBytes, type Parallelism } from "./memory.js";

export interface EngineMemory {
  /** What the engine may use per GPU (its memory fraction of the device). */
  usableBytesPerGpu: number;
  weightsBytesPerGpu: number;
  /** Activations at the token budget, sampler buffers, CUDA context and communication buffers. */
  reserveBytesPerGpu: number;
  /** Left for KV per GPU (negative: the weights and reserve do not fit). */
  kvBytesPerGpu: number;
  /** KV bytes one token takes on one GPU of a rank, every layer counted (as the engines allocate). */
  kvBytesPerTokenPerGpu: number;
  blockTokens: number;
  /** KV capacity of one attention data-parallel rank (every rank without attention DP), tokens, whole blocks. */
  kvTokensPerRank: number;
  /** Over all ranks. */
  kvTokens: number;
  ranks: number;
  /** How the usable memory was counted, for the printed assumptions. */
  rule: string;
}

/** KV blocks a request of `tokens` tokens holds. */
export const blocksFor = (tokens: number, blockTokens: number): number => Math.ceil(tokens / blockTokens);

/**
 * vLLM's start-up formula (vllm/v1/core/kv_cache_utils.py): blocks = available // (page bytes x
 * layers), GPU KV cache size = blocks x block size, maximum concurrency for L tokens = blocks /
 * ceil(L / block size).
 */
export function vllmKvReport(availableBytes: number, pageBytesPerLayer: number, layers: number, blockTokens: number, maxModelLen: number): { blocks: number; tokens: number; maxConcurrency: number } {
  const blocks = Math.max(0, Math.floor(availableBytes / (pageBytesPerLayer * layers)));
  return { blocks, tokens: blocks * blockTokens, maxConcurrency: blocks / blocksFor(maxModelLen, blockTokens) };
}

export function engineMemory(e: EngineProfile, m: MoeTransformerModel, gpu: Gpu, o: { weights: WeightPrecision; kv: KvPrecision; par: Parallelism; limits: EngineLimits }): EngineMemory {
  const { par, limits } = o;
  const visible = gpu.hbmBytes * SERVING.deviceVisibleFraction;
  const weights = weightBytes(m, o.weights, par).perGpu;
  const r = runtimeReserve(m, par, { tokens: limits.tokenBudget, seqs: limits.maxSeqs });
  let usable: number;
  let reserve: number;
  let kvBytes: number;
  let rule: string;
  switch (e.memory.kind) {
    case "fraction-of-total": {
      // vLLM: gpu_memory_utilization x total, less weights, the profiling peak and non-torch memory.
      const f = e.memory.fraction ?? SERVING.memoryUtilization;
      usable = visible * f;
      reserve = r.total;
      kvBytes = usable - weights - reserve;
      rule = `gpu_memory_utilization ${f} of ${(visible / GIB).toFixed(1)} GiB, less weights and the profiling run (activations at ${limits.tokenBudget} tokens, sampler for ${limits.maxSeqs} sequences, RoPE cache, CUDA context and communication buffers)`;
      break;
    }
    case "fraction-of-free": {
      // TensorRT-LLM: kv_cache_free_gpu_mem_fraction of what is free after the model and a profiling pass.
      const f = e.memory.fraction ?? 0.9;
      const engine = e.memory.perPeerGiB === undefined ? r.engine : (SERVING.engineBaseGiB + e.memory.perPeerGiB * (par.tp * par.pp - 1)) * GIB;
      reserve = r.activations + r.ropeCache + engine;
      usable = visible;
      kvBytes = f * (visible - weights - reserve);
      rule = `kv_cache_free_gpu_mem_fraction ${f} of the ${(visible / GIB).toFixed(1)} GiB left after weights and the profiling pass at ${limits.tokenBudget} tokens`;
      break;
    }
    case "static-fraction": {
      // SGLang: the pool is mem_fraction_static x the GPU's memory less the weights (and the CUDA context).
      const f = e.memory.fraction ?? sglangMemFractionStatic(gpu, par.tp, par.pp);
      usable = visible * f;
      reserve = SERVING.engineBaseGiB * GIB;
      kvBytes = usable - weights - reserve;
      rule = `mem_fraction_static ${f} of ${(visible / GIB).toFixed(1)} GiB (weights + KV pool; the rest is left to activations and CUDA graphs)`;
      break;
    }
  }
  const perToken = kvPerToken(m, o.kv, par).allLayersPerGpu;
  const block = e.kvBlockTokens;
  const blocks = kvBytes > 0 ? Math.floor(kvBytes / (perToken * block)) : 0;
  const ranks = par.dp ?? 1;
  return {
    usableBytesPerGpu: usable,
    weightsBytesPerGpu: weights,
    reserveBytesPerGpu: reserve,
    kvBytesPerGpu: kvBytes,
    kvBytesPerTokenPerGpu: perToken,
    blockTokens: block,
    kvTokensPerRank: blocks * block,
    kvTokens: blocks * block * ranks,
    ranks,
    rule,
  };
}

/** Requests of `tokens` tokens the KV cache holds at once over all ranks (vLLM's "Maximum concurrency", per rank times ranks). */
export function maxConcurrency(mem: EngineMemory, tokens: number): number {
  return (mem.kvTokensPerRank / mem.blockTokens / blocksFor(tokens, mem.blockTokens)) * mem.ranks;
}
