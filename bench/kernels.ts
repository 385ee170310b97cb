/** Kernel models against micro.json (H100): GEMM, batched GEMM, embedding bag. */
import { getGpu } from "../src/catalog/gpus.js";
import { bmmUs, gemmUs } from "../src/perf/gemm.js";
import { embeddingBackwardUs, embeddingForwardUs, embeddingUpdateUs } from "../src/perf/embedding.js";
import { uniqueFraction, hottestRowShare } from "../src/perf/index-stats.js";
import { gmae } from "./shared.js";

/** CUDA-event timing of a single launch adds this floor (fitted with the GEMM model). */
export const MICRO_EVENT_FLOOR_US = 37;
const MIN_US = 60;

interface Micro {
  micro: {
    gemm_fp32: Array<{ M: number; N: number; K: number; ms: number }>;
    bmm_interaction: Array<{ B: number; F: number; d: number; ms: number }>;
    embedding_bag: Array<{ rows: number; dim: number; pooling: number; batch: number; fwd_ms: number; fwd_bwd_sgd_ms: number }>;
  };
}

export function kernelAccuracy(micro: Micro) {
  const gpu = getGpu("h100-sxm-80gb");
  const fam = (family: string, pairs: Array<[number, number]>) => {
    const kept = pairs.filter(([, meas]) => meas >= MIN_US);
    const ratios = kept.map(([pred, meas]) => (pred + MICRO_EVENT_FLOOR_US) / meas);
    return { family, points: kept.length, gmae: gmae(ratios), maxError: Math.max(...ratios.map((r) => Math.abs(r - 1))) };
  };
  const m = micro.micro;
  return [
    fam("gemm fp32 (addmm)", m.gemm_fp32.map((g) => [gemmUs(gpu, g.M, g.N, g.K, 1, "fp32"), g.ms * 1000])),
    fam("bmm (dot interaction)", m.bmm_interaction.map((b) => [bmmUs(gpu, b.F, b.F, b.d, b.B, "fp32"), b.ms * 1000])),
    fam("embedding bag forward", m.embedding_bag.map((e) => [embeddingForwardUs(gpu, { bags: e.batch, pooling: e.pooling, dim: e.dim, elementBytes: 4, uniqueFraction: uniqueFraction({ kind: "uniform" }, e.rows, e.batch * e.pooling) }), e.fwd_ms * 1000])),
    fam("embedding bag fwd + bwd + SGD", m.embedding_bag.map((e) => {
      const lookups = e.batch * e.pooling;
      const fwd = embeddingForwardUs(gpu, { bags: e.batch, pooling: e.pooling, dim: e.dim, elementBytes: 4, uniqueFraction: uniqueFraction({ kind: "uniform" }, e.rows, lookups) });
      const bwd = embeddingBackwardUs(gpu, { lookups, dim: e.dim, elementBytes: 4 });
      const upd = embeddingUpdateUs(gpu, { lookups, dim: e.dim, hottestRowShare: hottestRowShare({ kind: "uniform" }, e.rows) });
      return [fwd + bwd + upd, e.fwd_bwd_sgd_ms * 1000];
    })),
  ];
}
