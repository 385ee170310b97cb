/** Kernel models against micro.json (H100): GEMM, batched GEMM, embedding bag. */
import { getGpu } from "../src/catalog/gpus.js";
import { bmmUs, gemmUs } from "../src/perf/gemm.js";
import { embeddingForwardUs } from "../src/perf/embedding.js";
import { uniqueFraction } from "../src/perf/index-stats.js";
import { join } from "node:path";
import { loadWorkload } from "../src/spec/load.js";
import { predictWorkload } from "../src/predict.js";
import { readKinetoTrace } from "../src/trace/read-kineto.js";
import { linkTrace } from "../src/trace/link.js";
import { tracedGpuByOp } from "../src/trace/calibrate.js";
import { GROUNDTRUTH, gmae, workloadFiles } from "./shared.js";

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
    fam("embedding bag forward", m.embedding_bag.map((e) => [embeddingForwardUs(gpu, { bags: e.batch, pooling: e.pooling, dim: e.dim, rows: e.rows, elementBytes: 4, uniqueFraction: uniqueFraction({ kind: "uniform" }, e.rows, e.batch * e.pooling) }), e.fwd_ms * 1000])),
  ];
}

/** GPU time per op, predicted vs the traces' kernel durations, summed over the 21 workloads. */
export async function opGpuTimeVsTraces(): Promise<Array<{ op: string; predictedMs: number; tracedMs: number }>> {
  const sums = new Map<string, { p: number; m: number }>();
  for (const file of workloadFiles()) {
    const w = loadWorkload(file);
    const p = predictWorkload(w);
    const steps = linkTrace(await readKinetoTrace(join(GROUNDTRUTH, "traces", `${w.name}.kineto.json.gz`)));
    const traced = tracedGpuByOp(steps);
    for (const o of p.train.byOp) {
      const e = sums.get(o.name) ?? { p: 0, m: 0 };
      e.p += o.gpuUs;
      e.m += traced.get(o.name) ?? 0;
      sums.set(o.name, e);
    }
  }
  return [...sums].filter(([, e]) => e.m > 0).map(([op, e]) => ({ op, predictedMs: e.p / 1000, tracedMs: e.m / 1000 })).sort((a, b) => b.tracedMs - a.tracedMs);
}
