/**
 * Re-time a traced kernel for another GPU: the traced duration times the ratio of a kernel
 * model's time on the target GPU to its time on the traced GPU, with the same models that
 * `strata predict --gpu` uses (perf/), so both scale a kernel alike. Rules:
 *  - kernels no longer than a kernel launch (the traced GPU's launchOverheadUs) are fixed
 *    cost and stay as traced;
 *  - GEMMs take their shapes from the innermost op that launched them (aten::mm / addmm / bmm
 *    inside an autograd node such as AddmmBackward0, or aten::linear forward) and scale with
 *    the GEMM model (gemmUs; bmmUs for aten::bmm) only; without a shape, by the fp32 FLOP rate;
 *  - embedding gathers (EmbeddingBag forward, the index_select backward) and index_add_ atomic
 *    scatters use the embedding models (Little's law gather bandwidth, block scheduling, atomic
 *    throughput), never the peak HBM bandwidth ratio; without shapes, by those models' rates;
 *  - host copies scale with the host link; indexing_backward with SM count; every other kernel
 *    (elementwise, reductions, copies on the device) streams and scales with HBM bandwidth.
 */
import type { Gpu } from "../catalog/gpus.js";
import { bmmUs, gemmUs } from "../perf/gemm.js";
import { embeddingBackwardUs, embeddingForwardUs, embeddingUpdateUs, gatherBandwidthBytesPerSec, smCyclesPerUs } from "../perf/embedding.js";
import { uniqueFraction } from "../perf/index-stats.js";

export interface TracedKernel {
  name: string;
  durationUs: number;
  /** The top-level op (canonical name, e.g. "bwd:AddmmBackward0") and its recorded shapes. */
  op: string;
  inputDims?: unknown;
  /** The innermost op around the launch (e.g. "aten::mm") and its recorded shapes. */
  innerOp?: string;
  innerDims?: unknown;
}

type Dims = number[][];
const is2 = (d: unknown): d is [number, number] => Array.isArray(d) && d.length === 2 && d.every((x) => typeof x === "number");
const is3 = (d: unknown): d is [number, number, number] => Array.isArray(d) && d.length === 3 && d.every((x) => typeof x === "number");
const is1 = (d: unknown): d is [number] => Array.isArray(d) && d.length === 1 && typeof d[0] === "number";

export interface GemmShape {
  kind: "gemm" | "bmm";
  batch: number;
  m: number;
  n: number;
  k: number;
}

/** The GEMM an op computes, from its recorded input shapes (PyTorch's argument order). */
export function gemmShapeOf(op: string | undefined, dims: unknown): GemmShape | undefined {
  if (!op || !Array.isArray(dims)) return undefined;
  const d = dims as Dims;
  switch (op) {
    case "aten::linear": // input (m, k), weight (n, k)
      return is2(d[0]) && is2(d[1]) ? { kind: "gemm", batch: 1, m: d[0][0], n: d[1][0], k: d[0][1] } : undefined;
    case "aten::addmm": // bias, mat1 (m, k), mat2 (k, n)
      return is2(d[1]) && is2(d[2]) ? { kind: "gemm", batch: 1, m: d[1][0], n: d[2][1], k: d[1][1] } : undefined;
    case "aten::mm":
    case "aten::matmul": // mat1 (m, k), mat2 (k, n)
      return is2(d[0]) && is2(d[1]) ? { kind: "gemm", batch: 1, m: d[0][0], n: d[1][1], k: d[0][1] } : undefined;
    case "aten::bmm": // (b, m, k), (b, k, n)
      return is3(d[0]) && is3(d[1]) ? { kind: "bmm", batch: d[0][0], m: d[0][1], n: d[1][2], k: d[0][2] } : undefined;
  }
  return undefined;
}

/** The shape of a traced GEMM kernel: its innermost op's, else its top-level op's (forward aten::linear / aten::bmm). */
export function tracedGemmShape(k: TracedKernel): GemmShape | undefined {
  return gemmShapeOf(k.innerOp, k.innerDims) ?? gemmShapeOf(k.op, k.inputDims);
}

const GEMM_KERNEL = /gemm|gemv|cutlass|xmma/i;
const SPLIT_K_REDUCE = /splitKreduce/i;

export function retimer(from: Gpu, to: Gpu): (k: TracedKernel) => number {
  const bw = from.hbmBandwidthBytesPerSec / to.hbmBandwidthBytesPerSec;
  const sms = from.smCount / to.smCount;
  const link = from.hostLink.bandwidthBytesPerSecPerDirection / to.hostLink.bandwidthBytesPerSecPerDirection;
  const flops = from.peakFlopsPerSec.fp32 / to.peakFlopsPerSec.fp32;
  const gather = gatherBandwidthBytesPerSec(from) / gatherBandwidthBytesPerSec(to);
  const cycles = smCyclesPerUs(from) / smCyclesPerUs(to);
  const ratio = (model: (g: Gpu) => number): number => model(to) / model(from);
  return (k) => {
    const n = k.name;
    if (k.durationUs <= from.launchOverheadUs) return k.durationUs;
    if (/Memcpy HtoD|Memcpy DtoH/.test(n)) return k.durationUs * link;
    if (GEMM_KERNEL.test(n) && !SPLIT_K_REDUCE.test(n)) {
      const s = tracedGemmShape(k);
      if (!s) return k.durationUs * flops;
      const model = s.kind === "bmm" ? (g: Gpu) => bmmUs(g, s.m, s.n, s.k, s.batch, "fp32") : (g: Gpu) => gemmUs(g, s.m, s.n, s.k, s.batch, "fp32");
      return k.durationUs * ratio(model);
    }
    if (/EmbeddingBag_updateOutputKernel/.test(n)) {
      const w = embeddingBagShape(k);
      return k.durationUs * (w ? ratio((g) => embeddingForwardUs(g, w)) : gather);
    }
    if (/vectorized_gather_kernel/.test(n)) {
      const w = gatherShape(k);
      return k.durationUs * (w ? ratio((g) => embeddingBackwardUs(g, w)) : cycles);
    }
    if (/indexFuncLargeIndex|indexFuncSmallIndex/.test(n)) {
      const w = indexAddShape(k);
      return k.durationUs * (w ? ratio((g) => embeddingUpdateUs(g, w)) : cycles);
    }
    if (/indexing_backward/.test(n)) return k.durationUs * sms;
    return k.durationUs * bw;
  };
}

/** aten::embedding_bag / _embedding_bag: weight (rows, dim), indices (lookups), offsets (bags). */
function embeddingBagShape(k: TracedKernel) {
  for (const [op, dims] of [[k.innerOp, k.innerDims], [k.op, k.inputDims]] as const) {
    if (!op?.includes("embedding_bag") || !Array.isArray(dims)) continue;
    const d = dims as Dims;
    if (!is2(d[0]) || !is1(d[1]) || !is1(d[2])) continue;
    const [rows, dim] = d[0];
    const lookups = d[1][0];
    const bags = d[2][0];
    if (bags <= 0 || lookups <= 0) continue;
    // The trace does not record the index distribution: uniform (the ratio barely depends on it).
    return { bags, pooling: lookups / bags, dim, rows, elementBytes: 4, uniqueFraction: uniqueFraction({ kind: "uniform" }, rows, lookups) };
  }
  return undefined;
}

/** aten::gather (inside index_select of the sparse EmbeddingBag backward): self, dim, index (lookups, dim). */
function gatherShape(k: TracedKernel) {
  const d = k.innerDims as Dims | undefined;
  if (k.innerOp === "aten::gather" && Array.isArray(d) && is2(d[2])) return { lookups: d[2][0], dim: d[2][1], elementBytes: 4 };
  if (k.innerOp === "aten::index_select" && Array.isArray(d) && is2(d[0]) && is1(d[2])) return { lookups: d[2][0], dim: d[0][1], elementBytes: 4 };
  return undefined;
}

/** aten::index_add_: self (rows, dim), dim, index (lookups), source (lookups, dim). */
function indexAddShape(k: TracedKernel) {
  const d = k.innerDims as Dims | undefined;
  if (k.innerOp !== "aten::index_add_" || !Array.isArray(d) || !is2(d[0]) || !is1(d[2])) return undefined;
  const [rows, dim] = d[0];
  return { lookups: d[2][0], dim, hottestRowShare: 1 / Math.max(1, rows) };
}
