/**
 * Training compute: FLOPs per token from the active parameters (6N: forward 2N, backward 4N;
 * Kaplan et al. 2020, Sec. 2.1) plus attention over the attended (query, key) pairs (forward
 * 4 x heads x head_dim per pair, x3 with backward); chunked layers attend within their chunk,
 * sliding-window layers over their window.
 * Time and GPU-hours for a token budget at an MFU, and the reverse: the MFU that published
 * GPU-hours imply. Peaks are the catalog's dense tensor FLOP/s (bf16 or fp8).
 */
import type { Gpu } from "../catalog/gpus.js";
import { UserError } from "../spec/errors.js";
import type { MoeTransformerModel } from "../spec/moe-transformer.js";
import { attendedPairs } from "../perf/attention.js";
import { layerKind } from "./layers.js";
import { countParams } from "./params.js";

export type TrainPrecision = "bf16" | "fp8";

export interface FlopsPerToken {
  /** 6 x active parameters that multiply (the input embedding is a lookup and is left out). */
  dense: number;
  attention: number;
  total: number;
  activeMatmulParams: number;
}

export function trainFlopsPerToken(m: MoeTransformerModel, seqLen: number): FlopsPerToken {
  const p = countParams(m);
  const inputEmbedding = m.vocab * m.hidden;
  const activeMatmulParams = p.active - inputEmbedding - p.activeByGroup.norms;
  const a = m.attention;
  const headDim = a.mla ? (a.mla.nopeDim + a.mla.ropeDim + a.mla.vDim) / 2 : a.headDim;
  let pairs = 0;
  for (let i = 0; i < m.layers; i++) {
    const kind = layerKind(m, i);
    pairs += attendedPairs(seqLen, 0, kind === "chunked" ? a.chunkSize : undefined, kind === "sliding" ? a.slidingWindow : undefined);
  }
  const attention = 3 * 4 * a.heads * headDim * (pairs / seqLen);
  const dense = 6 * activeMatmulParams;
  return { dense, attention, total: dense + attention, activeMatmulParams };
}

export function peakFlops(gpu: Gpu, precision: TrainPrecision): number {
  const p = gpu.peakFlopsPerSec[precision] ?? (precision === "fp8" ? undefined : gpu.peakFlopsPerSec.fp16);
  if (p === undefined) throw new UserError(`${gpu.id} has no ${precision} tensor peak in the catalog`);
  return p;
}

export interface TrainPlan {
  flopsPerToken: FlopsPerToken;
  totalFlops: number;
  gpuHours: number;
  days: number;
  gpus: number;
  mfu: number;
}

/** Time and GPU-hours for `tokens` at `mfu` of `precision` peak on `gpus` GPUs. */
export function trainPlan(m: MoeTransformerModel, gpu: Gpu, o: { tokens: number; seqLen: number; mfu: number; gpus: number; precision: TrainPrecision }): TrainPlan {
  if (!(o.mfu > 0 && o.mfu <= 1)) throw new UserError(`--mfu: expected a fraction in (0, 1], found ${o.mfu}`);
  const f = trainFlopsPerToken(m, o.seqLen);
  const totalFlops = f.total * o.tokens;
  const gpuSeconds = totalFlops / (peakFlops(gpu, o.precision) * o.mfu);
  return { flopsPerToken: f, totalFlops, gpuHours: gpuSeconds / 3600, days: gpuSeconds / o.gpus / 86400, gpus: o.gpus, mfu: o.mfu };
}

/** MFU implied by a published GPU-hour figure: useful FLOPs over what the GPUs could have done. */
export function impliedMfu(flopsPerToken: number, tokens: number, gpuHours: number, peak: number): number {
  return (flopsPerToken * tokens) / (gpuHours * 3600 * peak);
}
