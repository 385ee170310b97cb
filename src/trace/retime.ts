/**
 * Re-time a traced kernel for another GPU with the kernel models: the traced duration times
 * the ratio of the model's time on the target GPU to its time on the traced GPU. GEMMs with
 * recorded shapes use the GEMM model; other kernels scale with what bounds them (HBM
 * bandwidth, SM count for block-scheduling-bound kernels, the host link for copies).
 */
import type { Gpu } from "../catalog/gpus.js";
import { gemmUs } from "../perf/gemm.js";

interface TracedKernel {
  name: string;
  durationUs: number;
  op: string;
  inputDims?: unknown;
}

function gemmShape(op: string, dims: unknown): [number, number, number, number] | undefined {
  if (!Array.isArray(dims)) return undefined;
  const d = dims as number[][];
  if (op === "aten::linear" && d[0]?.length === 2 && d[1]?.length === 2) return [1, d[0][0]!, d[1][0]!, d[0][1]!];
  if (op === "aten::bmm" && d[0]?.length === 3 && d[1]?.length === 3) return [d[0][0]!, d[0][1]!, d[1][2]!, d[0][2]!];
  return undefined;
}

export function retimer(from: Gpu, to: Gpu): (k: TracedKernel) => number {
  const bw = from.hbmBandwidthBytesPerSec / to.hbmBandwidthBytesPerSec;
  const sms = from.smCount / to.smCount;
  const link = from.hostLink.bandwidthBytesPerSecPerDirection / to.hostLink.bandwidthBytesPerSecPerDirection;
  const flops = from.peakFlopsPerSec.fp32 / to.peakFlopsPerSec.fp32;
  return (k) => {
    const n = k.name;
    if (/gemm|gemv|cutlass|xmma|splitK/i.test(n)) {
      const shape = gemmShape(k.op, k.inputDims);
      if (shape) {
        const [b, m, nn, kk] = shape;
        return k.durationUs * (gemmUs(to, m, nn, kk, b, "fp32") / gemmUs(from, m, nn, kk, b, "fp32"));
      }
      return k.durationUs * Math.max(flops, bw) ** 0.5 * Math.min(flops, bw) ** 0.5;
    }
    if (/Memcpy HtoD|Memcpy DtoH/.test(n)) return k.durationUs * link;
    if (/vectorized_gather_kernel|indexing_backward/.test(n)) return k.durationUs * sms;
    return k.durationUs * bw;
  };
}
