/**
 * DLRM model presets sized like published ones, and a seeded generator of realistic table
 * populations (row counts, dims and pooling factors spanning orders of magnitude).
 */
import type { WorkloadInput } from "../spec/workload.js";
import { UserError } from "../spec/errors.js";

/** mulberry32: a small, fast, seedable PRNG (deterministic across platforms). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PopulationOptions {
  tables: number;
  seed: number;
  /** Row counts are log-uniform in [minRows, maxRows]. */
  minRows?: number;
  maxRows?: number;
  dims?: number[];
  /** Pooling factors are log-uniform in [1, maxPooling]. */
  maxPooling?: number;
}

/**
 * Table populations like production DLRMs (Mudigere et al. ISCA 2022, Fig. 2; Acun et al.,
 * HPCA 2021): row counts and pooling factors span orders of magnitude, roughly log-uniform.
 */
export function generateTables(o: PopulationOptions): Array<{ rows: number; pooling: number; dim: number }> {
  const r = rng(o.seed);
  const minRows = o.minRows ?? 1e3;
  const maxRows = o.maxRows ?? 1e8;
  const dims = o.dims ?? [32, 64, 128, 256];
  const maxPooling = o.maxPooling ?? 100;
  const logUniform = (lo: number, hi: number): number => Math.exp(Math.log(lo) + r() * (Math.log(hi) - Math.log(lo)));
  return Array.from({ length: o.tables }, () => ({
    rows: Math.round(logUniform(minRows, maxRows)),
    pooling: Math.max(1, Math.round(logUniform(1, maxPooling))),
    dim: dims[Math.floor(r() * dims.length)]!,
  }));
}

/**
 * MLPerf Training DLRM-DCNv2 (v3.0 and later; mlcommons/training recommendation_v2/torchrec_dlrm
 * README and dlrm_main.py): bottom MLP 13-512-256-128, DCNv2 with 3 low-rank (512) cross layers,
 * top MLP 1024-1024-512-256-1, 26 Criteo 1TB tables (--num_embeddings_per_feature, capped at 40M
 * rows) of dim 128 with their multi-hot sizes (--multi_hot_sizes, uniform multi-hot distribution),
 * Adagrad. As NVIDIA's HugeCTR submissions run it (training_results_v4.0 NVIDIA dlrm_dcnv2
 * train.py): fp16 mixed precision with a static loss scale, fp32 tables and Adagrad state.
 * Reference global batch 65536; NVIDIA's 1 x 8 H100 runs 55296, its 8 x 8 H100 135168.
 */
export const MLPERF_DCNV2_TABLE_ROWS = [40000000, 39060, 17295, 7424, 20265, 3, 7122, 1543, 63, 40000000, 3067956, 405282, 10, 2209, 11938, 155, 4, 976, 14, 40000000, 40000000, 40000000, 590152, 12973, 108, 36];
export const MLPERF_DCNV2_MULTI_HOT = [3, 2, 1, 2, 6, 1, 1, 1, 1, 7, 3, 8, 1, 6, 9, 5, 1, 1, 1, 12, 100, 27, 10, 3, 1, 1];

function dcnv2(batchSize = 65536): WorkloadInput {
  return {
    name: "mlperf-dlrm-dcnv2",
    model: {
      kind: "dlrm", bottomMlp: [13, 512, 256, 128], topMlp: [1024, 1024, 512, 256, 1], interaction: "dcnv2", cross: { layers: 3, rank: 512 }, embeddingDim: 128,
      tables: MLPERF_DCNV2_TABLE_ROWS.map((rows, i) => ({ rows, pooling: MLPERF_DCNV2_MULTI_HOT[i]! })), indexDistribution: { kind: "uniform" },
    },
    training: { batchSize, optimizer: "adagrad", precision: "fp16", embeddingPrecision: "fp32", loss: "bce", implementation: "hugectr" },
    hardware: { cluster: "1x8-h100-sxm-80gb" },
  };
}

/** A ZionEX-scale model: hundreds of tables, over a trillion parameters (Mudigere et al. Sec. 6). */
function zionexScale(seed: number): WorkloadInput {
  const tables = generateTables({ tables: 400, seed, minRows: 1e4, maxRows: 2e8, dims: [64, 128, 256], maxPooling: 80 });
  return {
    name: `zionex-scale-s${seed}`,
    model: {
      kind: "dlrm", bottomMlp: [2048, 1024, 256], topMlp: [1024, 1024, 512, 1], interaction: "dot", embeddingDim: 256,
      tables: tables.map((t) => ({ rows: t.rows, pooling: t.pooling, dim: t.dim })), indexDistribution: { kind: "zipf", alpha: 1.05 },
    },
    training: { batchSize: 65536, optimizer: "rowwise-adagrad", precision: "fp32", loss: "bce" },
    hardware: { cluster: "zionex-16x8-a100" },
  };
}

/** A random DLRM for planner suites: `tables` tables, seeded. */
export function randomDlrm(seed: number, tables: number, batchSize = 16384): WorkloadInput {
  const ts = generateTables({ tables, seed, maxRows: 5e7 });
  return {
    name: `random-t${tables}-s${seed}`,
    model: {
      kind: "dlrm", bottomMlp: [256, 128, 64], topMlp: [512, 256, 1], interaction: "dot", embeddingDim: 64,
      tables: ts.map((t) => ({ rows: t.rows, pooling: t.pooling, dim: t.dim })), indexDistribution: { kind: "uniform" },
    },
    training: { batchSize, optimizer: "sgd", precision: "fp32", loss: "bce" },
    hardware: { cluster: "dgx-h100-8" },
  };
}

export const PRESETS = ["mlperf-dlrm-dcnv2", "zionex-scale", "random"] as const;

export function dlrmPreset(name: string, seed = 1, tables = 64, batchSize?: number): WorkloadInput {
  if (name === "mlperf-dlrm-dcnv2") return dcnv2(batchSize);
  if (name === "zionex-scale") return zionexScale(seed);
  if (name === "random") return randomDlrm(seed, tables);
  throw new UserError(`unknown preset "${name}"; presets: ${PRESETS.join(", ")}`);
}
