/**
 * Serving engines as data (data/llm/engines.json, every figure with its source): how each one
 * schedules steps, counts memory, captures CUDA graphs, pays the host per step and where its
 * kernels differ from the roofline. The rules that turn a profile into limits for one
 * deployment (the engines' own default heuristics) live here, with their sources.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { dataPath } from "../catalog/data-path.js";
import type { Gpu } from "../catalog/gpus.js";
import { UserError } from "../spec/errors.js";
import type { KvPrecision, MoeTransformerModel, WeightPrecision } from "../spec/moe-transformer.js";
import { countParams } from "./params.js";
import { GIB, SERVING } from "./memory.js";

export const ENGINE_IDS = ["trtllm", "vllm", "sglang"] as const;
export type EngineId = (typeof ENGINE_IDS)[number];

export const EngineProfile = z.object({
  id: z.enum(ENGINE_IDS),
  name: z.string(),
  scheduler: z.object({
    /** guaranteed-no-evict: reserve a request's whole KV on admission (TensorRT-LLM); on-demand-preempt: blocks as tokens are scheduled, preempt the newest on shortage (vLLM); prefill-first: admit with a decaying reservation of future tokens, prefill batches before decode (SGLang). */
    policy: z.enum(["guaranteed-no-evict", "on-demand-preempt", "prefill-first"]),
    /** Whether one step runs prefill chunks and decode tokens together. */
    mixPrefillDecode: z.boolean(),
    /** Whether a prompt may be split over steps to fit the token budget. */
    chunkedPrefill: z.boolean(),
    /** Which engine's default rule sets max sequences and the token budget (limitsFor). */
    limits: z.enum(["trtllm-bench", "vllm", "sglang"]),
    newTokenRatio: z.object({ init: z.number(), min: z.number(), decaySteps: z.number().int().positive() }).optional(),
  }),
  kvBlockTokens: z.number().int().positive(),
  /** perPeerGiB: the communication and graph buffers per peer GPU when it differs from vLLM's (memory.ts SERVING.enginePerPeerGiB). */
  memory: z.object({ kind: z.enum(["fraction-of-free", "fraction-of-total", "static-fraction"]), fraction: z.number().positive().max(1).optional(), perPeerGiB: z.number().nonnegative().optional() }),
  attentionDpForMoe: z.boolean(),
  /** "modelopt": the engine's benchmarks use NVIDIA ModelOpt checkpoints (every linear layer quantized but lm_head and the router); default: the model's own. */
  checkpoints: z.enum(["modelopt", "model"]).default("model"),
  cudaGraph: z.object({ batchSizes: z.array(z.number().int().positive()).optional(), maxCaptureSize: z.number().int().positive().optional(), mixedSteps: z.enum(["eager", "piecewise"]) }),
  /**
   * Host work per step: stepUs + perRequestUs x the step's requests. With an overlap scheduler it runs
   * while the GPU computes the previous step (the step takes the longer of the two, plus exposedUs);
   * without, it adds to every step.
   */
  host: z.object({ stepUs: z.number().nonnegative(), perRequestUs: z.number().nonnegative(), overlap: z.boolean(), exposedUs: z.number().nonnegative() }),
  /** KV cache dtype when --kv is not given: "weights" = fp8 for fp8/fp4 weights (the checkpoint's), else bf16. */
  kvDefault: z.enum(["weights", "bf16"]),
  kernels: z.object({ fp8GemmKHalf: z.number().positive().optional(), moeComputeEfficiency: z.number().positive().max(1).optional(), moeBandwidthEfficiency: z.number().positive().max(1).optional() }),
  /** The figures fitted on the development results (dot paths), the rest sourced. */
  fitted: z.array(z.string()).default([]),
  sources: z.record(z.string(), z.string()),
});
export type EngineProfile = z.infer<typeof EngineProfile>;

let cached: EngineProfile[] | undefined;

export function listEngines(): EngineProfile[] {
  cached ??= z.object({ engines: z.array(EngineProfile) }).parse(JSON.parse(readFileSync(dataPath("llm/engines.json"), "utf8"))).engines;
  return cached;
}

export function getEngine(id: string): EngineProfile {
  const e = listEngines().find((x) => x.id === id);
  if (!e) throw new UserError(`--engine: expected one of ${ENGINE_IDS.join(", ")}, found ${JSON.stringify(id)}`);
  return e;
}

/** What a deployment's limits depend on. */
export interface LimitsInput {
  m: MoeTransformerModel;
  gpu: Gpu;
  tp: number;
  pp: number;
  weights: WeightPrecision;
  kv: KvPrecision;
  input: number;
  output: number;
}

export interface EngineLimits {
  /** Sequences one rank runs at once (max_batch_size, max_num_seqs, max_running_requests). */
  maxSeqs: number;
  /** Tokens one step may schedule on one rank (max_num_tokens, max_num_batched_tokens, chunked_prefill_size). */
  tokenBudget: number;
  /** Decode batch sizes replayed as CUDA graphs (padded up to the next). */
  graphSizes: number[];
  /** Where the numbers come from, for the printed assumptions. */
  rule: string;
}

/** The device memory the engine sees, GiB (torch total_memory; memory.ts deviceVisibleFraction). */
export const visibleGiB = (gpu: Gpu): number => (gpu.hbmBytes * SERVING.deviceVisibleFraction) / GIB;

/**
 * trtllm-bench's tuning heuristic (tensorrt_llm/bench/build/tuning.py calc_engine_setting and
 * finetune_setting): requests the KV cache could hold at ISL + OSL, then max_batch_size rounded up
 * and max_num_tokens = requests x (1 + ISL / OSL), at least 2048 and at most 32768.
 */
export function trtllmBenchLimits(x: LimitsInput): { maxBatchSize: number; maxNumTokens: number } {
  const bytesPerElem = x.weights === "bf16" ? 2 : x.weights === "fp8" ? 1 : 0.5;
  const kvElem = x.kv === "fp8" ? 1 : 2;
  const a = x.m.attention;
  // The heuristic counts GQA KV (2 x max(tp, kv heads) x head size per layer); MLA's latent is one head of kv_lora_rank + rope.
  const perLayer = a.mla ? a.mla.kvLoraRank + a.mla.ropeDim : 2 * Math.max(x.tp, a.kvHeads) * a.headDim;
  const bytePerTokenGiB = (x.m.layers * perLayer * kvElem) / GIB;
  const engineGiB = (countParams(x.m).total * bytesPerElem) / GIB;
  const available = visibleGiB(x.gpu) * x.tp * x.pp - engineGiB;
  const requests = (available * 0.95) / (bytePerTokenGiB * (x.input + x.output));
  const rawBs = Math.max(0, Math.min(requests, 4096) / x.pp);
  const rawTokens = Math.min(rawBs * (1 + x.input / x.output), 32768);
  const maxBatchSize = rawBs < 256 ? Math.max(64, 32 * Math.ceil(rawBs / 32)) : rawBs < 1024 ? 128 * Math.ceil(rawBs / 128) : 256 * Math.ceil(rawBs / 256);
  const maxNumTokens = rawTokens < 4096 ? Math.max(2048, 256 * Math.ceil(rawTokens / 256)) : rawTokens < 8192 ? 512 * Math.ceil(rawTokens / 512) : 1024 * Math.ceil(rawTokens / 1024);
  return { maxBatchSize, maxNumTokens };
}

/** vLLM's CUDA graph capture sizes: [1, 2, 4] + range(8, 256, 8) + range(256, max + 1, 16). */
export function vllmCaptureSizes(max: number): number[] {
  const sizes = [1, 2, 4].filter((s) => s <= max);
  for (let s = 8; s < Math.min(max + 1, 256); s += 8) sizes.push(s);
  for (let s = 256; s <= max; s += 16) sizes.push(s);
  return sizes;
}

/** SGLang's capture sizes: [1, 2, 4, 8, 12] + range(16, 257, 8) + range(272, 512, 16) + range(512, max + 1, 32). */
export function sglangCaptureSizes(max: number): number[] {
  const sizes = [1, 2, 4, 8, 12];
  for (let s = 16; s < 257; s += 8) sizes.push(s);
  for (let s = 272; s < 512; s += 16) sizes.push(s);
  for (let s = 512; s <= max; s += 32) sizes.push(s);
  return sizes.filter((s) => s <= max);
}

/** SGLang's GPU-memory tiers (ServerArgs._handle_gpu_memory_settings): chunked prefill size and CUDA-graph batch limit. */
export function sglangMemorySettings(gpu: Gpu, tp: number): { chunkedPrefill: number; cudaGraphMaxBs: number } {
  const mib = visibleGiB(gpu) * 1024;
  if (mib < 20 * 1024) return { chunkedPrefill: 2048, cudaGraphMaxBs: 8 };
  if (mib < 35 * 1024) return { chunkedPrefill: 2048, cudaGraphMaxBs: tp < 4 ? 24 : 80 };
  if (mib < 60 * 1024) return { chunkedPrefill: 4096, cudaGraphMaxBs: tp < 4 ? 32 : 160 };
  if (mib < 160 * 1024) return { chunkedPrefill: 8192, cudaGraphMaxBs: tp < 4 ? 256 : 512 };
  return { chunkedPrefill: 16384, cudaGraphMaxBs: 512 };
}

/** SGLang's mem_fraction_static: (GPU MiB - reserved) / GPU MiB, reserved at least 10 GiB on GPUs above 60 GiB. */
export function sglangMemFractionStatic(gpu: Gpu, tp: number, pp: number): number {
  const mib = visibleGiB(gpu) * 1024;
  const s = sglangMemorySettings(gpu, tp);
  let reserved = 512 + Math.max(s.chunkedPrefill, 2048) * 1.5 + s.cudaGraphMaxBs * 2 + (tp * pp / 8) * 1024;
  if (mib > 60 * 1024) reserved = Math.max(reserved, 10 * 1024);
  return Math.round(((mib - reserved) / mib) * 1000) / 1000;
}

/** The engine's default limits for a deployment (each rule's source is in engines.json `limits`). */
export function limitsFor(e: EngineProfile, x: LimitsInput): EngineLimits {
  switch (e.scheduler.limits) {
    case "trtllm-bench": {
      const t = trtllmBenchLimits(x);
      const sizes = (e.cudaGraph.batchSizes ?? []).filter((s) => s <= t.maxBatchSize);
      return { maxSeqs: t.maxBatchSize, tokenBudget: t.maxNumTokens, graphSizes: sizes.length && sizes.at(-1)! < t.maxBatchSize ? [...sizes, t.maxBatchSize] : sizes, rule: `trtllm-bench heuristic: max_batch_size ${t.maxBatchSize}, max_num_tokens ${t.maxNumTokens}` };
    }
    case "vllm": {
      const large = visibleGiB(x.gpu) >= 70 && x.gpu.architecture !== "ampere";
      const maxSeqs = large ? 1024 : 256;
      const tokenBudget = large ? 8192 : 2048;
      const capture = Math.min(2 * maxSeqs, e.cudaGraph.maxCaptureSize ?? 512, tokenBudget);
      return { maxSeqs, tokenBudget, graphSizes: vllmCaptureSizes(capture), rule: `vLLM defaults: max_num_seqs ${maxSeqs}, max_num_batched_tokens ${tokenBudget}` };
    }
    case "sglang": {
      const s = sglangMemorySettings(x.gpu, x.tp);
      return { maxSeqs: 4096, tokenBudget: s.chunkedPrefill, graphSizes: sglangCaptureSizes(s.cudaGraphMaxBs), rule: `SGLang defaults: chunked_prefill_size ${s.chunkedPrefill}, cuda_graph_max_bs ${s.cudaGraphMaxBs}` };
    }
  }
}
