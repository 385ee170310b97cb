/**
 * GEMM and batched-GEMM time. Roofline with tile and wave quantisation, in the spirit of the
 * GEMM models of Lin et al. (HiPC 2022, Sec. IV-A): the kernel library picks the tile shape
 * (and split-K) that is fastest for the shape; a wave that fills only part of the SMs costs a
 * whole wave. Constants: perf/constants.ts (fitted on micro.json gemm_fp32 and trace GEMMs).
 */
import type { Gpu } from "../catalog/gpus.js";
import { KERNEL_CONSTANTS } from "./constants.js";
import type { Dtype } from "./kernel.js";

const C = KERNEL_CONSTANTS.gemm;
const TILES: ReadonlyArray<readonly [number, number]> = [[128, 128], [128, 64], [64, 64], [64, 32], [32, 32]];

export function dtypeBytes(dtype: Dtype): number {
  return dtype === "fp32" || dtype === "tf32" ? 4 : dtype === "fp8" ? 1 : dtype === "fp4" ? 0.5 : 2;
}

/** Peak FLOP/s of a dtype, and the fraction of it a large GEMM reaches. */
export function peakFor(gpu: Gpu, dtype: Dtype): { flopsPerSec: number; efficiency: number; tensor: boolean } {
  const p = gpu.peakFlopsPerSec;
  // A GPU without the dtype's tensor cores falls back to the next wider ones (callers that must
  // refuse, as LLM fp4 does, check the catalog first).
  const tensor = dtype === "fp32" ? undefined : p[dtype] ?? (dtype === "fp4" ? p.fp8 ?? p.fp16 : dtype === "fp8" ? p.fp16 ?? p.bf16 : p.fp16);
  if (tensor === undefined) return { flopsPerSec: p.fp32, efficiency: C.efficiency, tensor: false };
  return { flopsPerSec: tensor, efficiency: C.tensorCoreEfficiency, tensor: true };
}

/**
 * fp32 (SIMT) GEMM efficiency by problem size: it rises from smallEfficiency for a GEMM of a
 * few tiles to efficiency (the large-GEMM plateau) as the waves of tiles over the SMs grow,
 * efficiency x W / (W + halfWaves) style: more waves hide each tile's prologue/epilogue and the
 * tail. W = tiles (x split-K) / SMs. Constants fitted on micro.json gemm_fp32 (perf/constants.ts).
 */
export function sizeEfficiency(waves: number): number {
  return C.smallEfficiency + (C.efficiency - C.smallEfficiency) * (waves / (waves + C.halfWaves));
}

/** `batch` equal GEMMs of m x k times k x n in one kernel (cuBLAS batched / strided): the grouped model with equal groups. */
export function gemmUs(gpu: Gpu, m: number, n: number, k: number, batch: number, dtype: Dtype): number {
  return m > 0 && batch > 0 ? tiledGemmUs(gpu, batch, batch * m, m, n, k, dtype) : 0;
}

/**
 * Grouped GEMM: one kernel over groups of rows[g] x k times k x n, each with its own weights
 * (MoE experts: rows[g] = tokens routed to expert g; batched GEMM: equal rows). Empty groups
 * cost nothing; weights of every non-empty group are read once.
 * weightBytesPerValue: storage of the k x n weights when it differs from the compute dtype.
 */
export function groupedGemmUs(gpu: Gpu, rows: readonly number[], n: number, k: number, dtype: Dtype, weightBytesPerValue?: number, implementation: { compute?: number; bandwidth?: number } = {}): number {
  const used = rows.filter((r) => r > 0);
  if (used.length === 0) return 0;
  const m = used.reduce((a, b) => a + b, 0);
  return tiledGemmUs(gpu, used.length, m, used, n, k, dtype, weightBytesPerValue, implementation);
}

/**
 * The tile search of a (grouped) GEMM of `groups` non-empty groups with `m` rows in all: `rows`
 * each (equal groups) or rows[g]; plain loops, as the planner times millions of GEMMs.
 * Tensor-core dtypes use stream-K (tiles spread evenly, no partial last wave) and their own
 * bandwidth efficiency.
 */
function tiledGemmUs(gpu: Gpu, groups: number, m: number, rows: number | readonly number[], n: number, k: number, dtype: Dtype, weightBytesPerValue?: number, implementation: { compute?: number; bandwidth?: number } = {}): number {
  const peak = peakFor(gpu, dtype);
  const { flopsPerSec, tensor } = peak;
  // An implementation's share of the model's rates (LLM engines' kernel profiles); 1 by default.
  const efficiency = peak.efficiency * (implementation.compute ?? 1);
  const bandwidth = gpu.hbmBandwidthBytesPerSec * (tensor ? C.tensorCoreBandwidthEfficiency : C.bandwidthEfficiency) * (implementation.bandwidth ?? 1);
  const bytes = dtypeBytes(dtype);
  const sms = gpu.smCount;
  let best = Infinity;
  for (const [tm, tn] of TILES) {
    let rowTiles = 0;
    if (typeof rows === "number") rowTiles = groups * Math.ceil(rows / tm);
    else for (let g = 0; g < rows.length; g++) rowTiles += Math.ceil(rows[g]! / tm);
    const tiles = rowTiles * Math.ceil(n / tn);
    // Split-K fills idle SMs when there are too few output tiles (cuBLAS heuristics).
    const split = tiles < sms ? Math.max(1, Math.min(Math.floor(sms / tiles), Math.floor(k / 256))) : 1;
    const waves = Math.ceil((tiles * split) / sms);
    const tileEfficiency = Math.min(1, ((tm * tn) / (tm + tn) / 64) ** C.tileExponent);
    const waveFill = tensor ? Math.min(1, (tiles * split) / sms) : (tiles * split) / (waves * sms);
    const computeS = (2 * m * n * k) / (flopsPerSec * (tensor ? efficiency : sizeEfficiency((tiles * split) / sms)) * tileEfficiency * waveFill);
    const outputPasses = split > 1 ? 3 : 1;
    // Weight-only quantisation (int4) reads fewer weight bytes than the compute dtype's.
    const memoryS = ((m * k + m * n * outputPasses) * bytes + groups * k * n * (weightBytesPerValue ?? bytes)) / bandwidth;
    const us = Math.max(computeS, memoryS) * 1e6 + C.fixedUs + (split > 1 ? C.splitKUs : 0);
    best = Math.min(best, us);
  }
  return best;
}

/** Batched small GEMMs (dot interaction): a roofline with its own, lower efficiencies. */
export function bmmUs(gpu: Gpu, m: number, n: number, k: number, batch: number, dtype: Dtype): number {
  const B = KERNEL_CONSTANTS.bmm;
  const { flopsPerSec } = peakFor(gpu, dtype);
  const flops = 2 * batch * m * n * k;
  const bytes = batch * (m * k + k * n + m * n) * dtypeBytes(dtype);
  const s = Math.max(flops / (flopsPerSec * B.efficiency), bytes / (gpu.hbmBandwidthBytesPerSec * B.bandwidthEfficiency));
  return B.fixedUs + s * 1e6;
}
