/**
 * Flash attention time (FlashAttention-2/3 as behind torch SDPA and vLLM): prefill is compute
 * bound over the attended (query, key) pairs; decode streams the KV cache. Chunked attention
 * (Llama 4 iRoPE) attends only within its chunk, so its cost is linear in the sequence length.
 * Constants: perf/constants.ts `attention`, fitted on micro.json llm_bf16 (H100, 40 heads of 128).
 */
import type { Gpu } from "../catalog/gpus.js";
import { KERNEL_CONSTANTS } from "./constants.js";
import { peakFor } from "./gemm.js";
import type { Dtype } from "./kernel.js";

const A = KERNEL_CONSTANTS.attention;
const Q_TILE = 128;

/**
 * (query, key) pairs a causal sequence of t new tokens after `past` cached ones attends, within
 * chunks of `chunk` if given, or over a sliding window of the last `window` tokens (gpt-oss).
 */
export function attendedPairs(t: number, past = 0, chunk?: number, window?: number): number {
  if (window !== undefined) {
    // Position p (0-based) attends min(p + 1, window) keys: a ramp up to the window, then flat.
    const rampEnd = Math.min(past + t, Math.max(past, window - 1));
    const ramp = rampEnd > past ? ((past + 1 + rampEnd) * (rampEnd - past)) / 2 : 0;
    return ramp + (past + t - rampEnd) * window;
  }
  if (chunk === undefined) return t * past + (t * (t + 1)) / 2;
  let pairs = 0;
  // Each position p attends to the positions of its chunk up to itself: (p mod chunk) + 1 keys.
  for (let start = past; start < past + t; ) {
    const chunkStart = Math.floor(start / chunk) * chunk;
    const end = Math.min(past + t, chunkStart + chunk);
    const a = start - chunkStart + 1;
    const b = end - chunkStart;
    pairs += ((a + b) * (b - a + 1)) / 2;
    start = end;
  }
  return pairs;
}

/** Prefill of `batch` sequences of `t` new tokens each (after `past` cached tokens), `heads` query heads of `headDim`. */
export function attentionPrefillUs(gpu: Gpu, batch: number, heads: number, headDim: number, t: number, dtype: Dtype, past = 0, chunk?: number, window?: number): number {
  if (t <= 0) return 0;
  const { flopsPerSec } = peakFor(gpu, dtype);
  // QK^T and PV: 2 x 2 x d flops per attended pair and head.
  const flops = 4 * batch * heads * headDim * attendedPairs(t, past, chunk, window);
  const waves = Math.ceil((batch * heads * Math.ceil(t / Q_TILE)) / gpu.smCount);
  return A.prefillFixedUs + waves * A.prefillWaveUs + (flops / (flopsPerSec * A.prefillEfficiency)) * 1e6;
}

/**
 * Decode: one new token for each of `batch` sequences reading `kvTokens` cached tokens of
 * `kvBytesPerToken` each. `flopsPerKvToken` (MLA's absorbed attention: every query head scores and
 * sums the shared latent) bounds it from below at the prefill kernels' share of the bf16 peak.
 */
export function attentionDecodeUs(gpu: Gpu, batch: number, kvTokens: number, kvBytesPerToken: number, flopsPerKvToken = 0): number {
  const bytes = batch * kvTokens * kvBytesPerToken;
  const memoryS = bytes / (gpu.hbmBandwidthBytesPerSec * A.decodeBandwidthEfficiency);
  const computeS = flopsPerKvToken > 0 ? (batch * kvTokens * flopsPerKvToken) / (peakFor(gpu, "bf16").flopsPerSec * A.prefillEfficiency) : 0;
  return A.decodeFixedUs + Math.max(memoryS, computeS) * 1e6;
}
