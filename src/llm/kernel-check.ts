/**
 * The LLM kernel models against micro.json `llm_bf16` (H100): predicted vs measured time per
 * point. micro.json times one call with CUDA events, which adds a floor; LLM_MICRO_FLOOR_US was
 * fitted with the tensor-core GEMM bandwidth efficiency (perf/constants.ts) on the same data.
 * Used by bench/llm.ts and test/llm-perf.test.ts; no predictor reads measurements.
 */
import type { Gpu } from "../catalog/gpus.js";
import { attentionDecodeUs, attentionPrefillUs } from "../perf/attention.js";
import { gemmUs } from "../perf/gemm.js";

export const LLM_MICRO_FLOOR_US = 21;

export interface LlmMicro {
  gemm: Array<{ name: string; M: number; N: number; K: number; ms: number }>;
  attn_prefill: Array<{ B: number; H: number; T: number; D: number; ms: number }>;
  attn_decode: Array<{ B: number; H: number; Lkv: number; D: number; ms: number }>;
}

export interface KernelFamily {
  family: string;
  points: Array<{ label: string; predictedUs: number; measuredUs: number }>;
  gmae: number;
  maxError: number;
}

const gmae = (ratios: number[]): number => Math.exp(ratios.reduce((s, r) => s + Math.abs(Math.log(r)), 0) / ratios.length) - 1;

export function llmKernelAccuracy(gpu: Gpu, micro: LlmMicro): KernelFamily[] {
  const family = (name: string, points: KernelFamily["points"]): KernelFamily => {
    const ratios = points.map((p) => p.predictedUs / p.measuredUs);
    return { family: name, points, gmae: gmae(ratios), maxError: Math.max(...ratios.map((r) => Math.abs(r - 1))) };
  };
  const F = LLM_MICRO_FLOOR_US;
  return [
    family("bf16 GEMM (Llama 4 projections and FFNs, M = 1..8192)", micro.gemm.map((g) => ({ label: `${g.name} M=${g.M}`, predictedUs: gemmUs(gpu, g.M, g.N, g.K, 1, "bf16") + F, measuredUs: g.ms * 1000 }))),
    family("flash attention prefill (causal)", micro.attn_prefill.map((a) => ({ label: `B=${a.B} H=${a.H} T=${a.T}`, predictedUs: attentionPrefillUs(gpu, a.B, a.H, a.D, a.T, "bf16") + F, measuredUs: a.ms * 1000 }))),
    family("attention decode", micro.attn_decode.map((a) => ({ label: `B=${a.B} H=${a.H} L=${a.Lkv}`, predictedUs: attentionDecodeUs(gpu, a.B, a.Lkv, 2 * a.H * a.D * 2) + F, measuredUs: a.ms * 1000 }))),
  ];
}
