/**
 * Predict a multi-GPU training step for a sharding plan (Neo, Mudigere et al. ISCA 2022,
 * Sec. 5): model-parallel embeddings, data-parallel MLPs. Per rank: its shards' embedding
 * kernels (the kernel models), the dense part with batch / ranks (the single-GPU predictor's
 * graph, so both share one cost model), the forward and backward all-to-all of pooled
 * embeddings and the all-reduce of dense gradients, scheduled with their overlaps
 * (schedule.ts, Neo Sec. 5.2).
 */
import type { Cluster } from "../catalog/clusters.js";
import { dlrmTrainingMemory } from "../graph/dlrm-memory.js";
import { allReduceUs, allToAllUs, COMM_BYTES, quantizationUs, type CommDtype } from "../perf/collectives.js";
import { predictWorkload } from "../predict.js";
import type { DlrmWorkload } from "../spec/workload.js";
import { rankFixedUs, shardBytes, shardCost, tableInfos, type TableInfo } from "./table-costs.js";
import { scheduleStep } from "./schedule.js";
import type { PlanResult, RankStats, Shard } from "./types.js";

/** Usable share of HBM (the rest: CUDA context, allocator fragmentation, NCCL buffers). */
export const HBM_USABLE = 0.9;

export interface DenseCost {
  gpuUs: number;
  hostUs: number;
  bottomGpuUs: number;
  paramBytes: number;
  memoryBytes: number;
}

/** The dense part of one rank's step: the single-GPU graph with batch / ranks, embeddings left out. */
export function denseCost(w: DlrmWorkload, c: Cluster): DenseCost {
  const local: DlrmWorkload = { ...w, training: { ...w.training, batchSize: Math.max(1, Math.round(w.training.batchSize / c.ranks)) } };
  const p = predictWorkload(local, { gpu: c.gpu });
  const cats = p.train.byCategory;
  const denseAdd = p.train.byOp.find((o) => o.name === "aten::add_");
  const gpuUs = cats["bottom-mlp"].gpuUs + cats.interaction.gpuUs + cats["top-mlp"].gpuUs + cats.loss.gpuUs + (denseAdd?.gpuUs ?? 0);
  // TorchRec runs the tables as one fused op: only the dense ops' host overheads remain.
  const hostUs = cats["bottom-mlp"].hostUs + cats.interaction.hostUs + cats["top-mlp"].hostUs + cats.loss.hostUs + cats.framework.hostUs + (denseAdd?.hostUs ?? 0);
  const m = dlrmTrainingMemory(local);
  // Per rank: dense parameters and their gradients and optimizer state, activations, inputs
  // and workspaces of its batch slice; the tables' bytes are counted per shard.
  const denseState = m.optimizerStateBytes * (m.denseParamBytes / Math.max(1, m.tableBytes + m.denseParamBytes));
  const memoryBytes = 2 * m.denseParamBytes + denseState + m.activationBytes + m.inputBytes + m.workspaceBytes;
  return { gpuUs, hostUs, bottomGpuUs: cats["bottom-mlp"].gpuUs, paramBytes: m.denseParamBytes, memoryBytes };
}

export interface EvaluateOptions {
  commDtype?: CommDtype;
  dense?: DenseCost;
}

/** Even split of n into k half-open ranges. */
export function splitRange(n: number, k: number): Array<[number, number]> {
  return Array.from({ length: k }, (_, i) => [Math.floor((n * i) / k), Math.floor((n * (i + 1)) / k)] as [number, number]);
}

export function evaluatePlan(w: DlrmWorkload, c: Cluster, shards: Shard[], strategy: string, options: EvaluateOptions = {}): PlanResult {
  const gpu = c.gpuSpec;
  const B = w.training.batchSize;
  const N = c.ranks;
  const cb = COMM_BYTES[options.commDtype ?? "fp32"];
  const dense = options.dense ?? denseCost(w, c);
  const tables = tableInfos(w);
  const fwd = new Float64Array(N);
  const bwd = new Float64Array(N);
  const hbm = new Float64Array(N).fill(dense.memoryBytes);
  const send = new Float64Array(N);
  const used = new Uint8Array(N);
  let replicatedGradBytes = 0;
  for (const s of shards) {
    const t: TableInfo = tables[s.table]!;
    s.ranks.forEach((r, i) => {
      const [r0, r1] = s.rows[i]!;
      const [c0, c1] = s.cols[i]!;
      const rows = r1 - r0;
      const cols = c1 - c0;
      used[r] = 1;
      hbm[r] = hbm[r]! + shardBytes(w, rows, cols);
      // Data-parallel replicas serve their own B / N samples; row-wise shards every sample's
      // lookups that fall in their rows (uniform share); the others every sample's lookups.
      const cost = s.type === "data-parallel" ? shardCost(gpu, w, B / N, t.pooling, rows, cols)
        : s.type === "row-wise" || s.type === "table-row-wise" ? shardCost(gpu, w, B, (t.pooling * rows) / t.rows, rows, cols)
        : shardCost(gpu, w, B, t.pooling, rows, cols);
      fwd[r] = fwd[r]! + cost.fwdUs;
      bwd[r] = bwd[r]! + cost.bwdUs;
      if (s.type !== "data-parallel") send[r] = send[r]! + B * cols * cb;
    });
    if (s.type === "data-parallel") replicatedGradBytes += t.bytes;
  }
  for (let r = 0; r < N; r++) {
    if (!used[r]) continue;
    fwd[r] = fwd[r]! + rankFixedUs.fwdUs;
    bwd[r] = bwd[r]! + rankFixedUs.bwdUs;
  }
  const a2aUs = allToAllUs(c, [...send]) + quantizationUs(c, Math.max(...send) * (4 / cb), options.commDtype ?? "fp32");
  const schedule = scheduleStep(
    Array.from({ length: N }, (_, r) => ({ embFwdUs: fwd[r]!, embBwdUs: bwd[r]! })),
    { denseUs: dense.gpuUs, bottomUs: dense.bottomGpuUs, a2aUs, allReduceUs: allReduceUs(c, dense.paramBytes + replicatedGradBytes) },
  );
  const emb = Array.from({ length: N }, (_, r) => fwd[r]! + bwd[r]!);
  const perRank: RankStats[] = emb.map((e, r) => ({
    rank: r,
    hbmBytes: hbm[r]!,
    embeddingUs: e,
    denseUs: dense.gpuUs,
    computeUs: Math.max(dense.hostUs, dense.gpuUs + e),
    // Time this rank's GPU waits on communication (and on slower ranks at collectives).
    commUs: Math.max(0, schedule.endUs[r]! - dense.gpuUs - e),
    a2aSendBytes: send[r]!,
  }));
  // A rank's step: its GPU schedule, or its host's op launches if those take longer.
  const stepUs = Math.max(dense.hostUs, ...schedule.endUs);
  const capacity = gpu.hbmBytes * HBM_USABLE;
  const over = perRank.filter((p) => p.hbmBytes > capacity);
  const meanEmb = emb.reduce((a, b) => a + b, 0) / N;
  return {
    strategy,
    feasible: over.length === 0,
    infeasibleReason: over.length ? `rank ${over[0]!.rank} needs ${(over[0]!.hbmBytes / 1e9).toFixed(1)} GB of HBM, a ${gpu.id} offers ${(capacity / 1e9).toFixed(1)} GB usable` : undefined,
    stepUs,
    samplesPerSec: B / (stepUs / 1e6),
    shards,
    perRank,
    // max >= mean by definition; clamp float rounding (a perfectly balanced plan gives -1e-16).
    imbalance: meanEmb > 0 ? Math.max(0, Math.max(...emb) / meanEmb - 1) : 0,
    phases: schedule.phases,
  };
}
