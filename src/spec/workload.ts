/**
 * The workload format: a model, how it is trained or served, and on what hardware.
 * Schemas are the single source of the types (z.infer). The format is documented in
 * docs/workload-format.md and accepts ../shared/groundtruth/h100/workloads/*.json as they are.
 */
import { z } from "zod";
import { MoeTransformerModel } from "./moe-transformer.js";

const positiveInt = z.number().int().positive();

/**
 * Upper bounds a real system could reach, with room to spare (docs/workload-format.md): past
 * them a number is a typo or an overflow, and the models' arithmetic would lose meaning.
 */
export const LIMITS = {
  /** Rows of one table: 1e12 (the largest production tables have ~1e10). */
  rows: 1e12,
  /** Lookups per sample of one table. */
  pooling: 1e5,
  /** Columns of a table, widths of a layer. */
  width: 1 << 20,
  /** Tables in a model. */
  tables: 1e5,
  /** Samples in a batch. */
  batchSize: 1 << 30,
  /** Zipf exponent. */
  alpha: 10,
  /** Layers of an MLP or a cross network. */
  layers: 1000,
  /** GPUs behind one workload's hardware.count. */
  count: 1e6,
} as const;
const bounded = (max: number) => positiveInt.max(max);

export const IndexDistribution = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("uniform") }).strict(),
  /** Bounded continuous Zipf over ranks, scattered over the table (groundtruth README). */
  z.object({ kind: z.literal("zipf"), alpha: z.number().positive().max(LIMITS.alpha) }).strict(),
]);
export type IndexDistribution = z.infer<typeof IndexDistribution>;

/** Where a table's rows live: on the GPU, or in a tier of the node behind HBM (and DRAM) caches. */
export const HOMES = ["hbm", "dram", "cxl", "pmem", "ssd"] as const;
export type Home = (typeof HOMES)[number];
export const CACHE_POLICIES = ["set-lru", "lru", "lfu"] as const;
export type CachePolicy = (typeof CACHE_POLICIES)[number];

/**
 * A table homed off the GPU (docs/tiers.md): HBM holds `hbmCacheRows` of it (FBGEMM's UVM
 * cache: 32-way set-associative LRU by default), DRAM `dramCacheRows` in front of a slower home;
 * misses are fetched one batch ahead (pipelined) or before the lookup (blocking).
 */
export const TablePlacement = z.object({
  home: z.enum(HOMES),
  hbmCacheRows: z.number().int().nonnegative().max(LIMITS.rows).default(0),
  dramCacheRows: z.number().int().nonnegative().max(LIMITS.rows).default(0),
  policy: z.enum(CACHE_POLICIES).default("set-lru"),
  prefetch: z.enum(["pipelined", "blocking"]).default("pipelined"),
}).strict();
export type TablePlacement = z.infer<typeof TablePlacement>;

export const EmbeddingTable = z.object({
  rows: bounded(LIMITS.rows),
  /** Lookups per sample (fixed bag size, as in the reference benchmark; a mean may be fractional). */
  pooling: z.number().positive().max(LIMITS.pooling),
  /** Columns; defaults to the model's embeddingDim. */
  dim: bounded(LIMITS.width).optional(),
  name: z.string().optional(),
  /** Off-GPU home and caches (absent: the whole table in HBM). */
  placement: TablePlacement.optional(),
}).strict();
export type EmbeddingTable = z.infer<typeof EmbeddingTable>;

export const DlrmModel = z.object({
  kind: z.literal("dlrm"),
  /** Bottom MLP widths including the dense-feature input width first (like --arch-mlp-bot). */
  bottomMlp: z.array(bounded(LIMITS.width)).min(2).max(LIMITS.layers),
  /** Top MLP output widths; the input width is derived from the interaction. */
  topMlp: z.array(bounded(LIMITS.width)).min(1).max(LIMITS.layers),
  /** dot: pairwise dots without self pairs; cat: concatenation; dcnv2: low-rank cross layers (Wang et al., WWW 2021). */
  interaction: z.enum(["dot", "cat", "dcnv2"]).default("dot"),
  /** DCNv2 cross network: layers x_{l+1} = x0 * (U (V x_l) + b) + x_l with V, U of rank `rank` (MLPerf v3+: 3 layers, rank 512). */
  cross: z.object({ layers: bounded(LIMITS.layers), rank: bounded(LIMITS.width) }).strict().optional(),
  embeddingDim: bounded(LIMITS.width),
  tables: z.array(EmbeddingTable).min(1).max(LIMITS.tables),
  indexDistribution: IndexDistribution.default({ kind: "uniform" }),
}).strict().superRefine((m, ctx) => {
  // The bottom MLP's output joins the pooled embeddings in the interaction (dot products, a
  // concatenation of equal-width features, or DCNv2's x0): it must be as wide as a table's row.
  const last = m.bottomMlp[m.bottomMlp.length - 1]!;
  if (last !== m.embeddingDim) ctx.addIssue({ code: "custom", path: ["bottomMlp", m.bottomMlp.length - 1], input: last, message: `the bottom MLP's last width must equal embeddingDim (${m.embeddingDim}): it joins the pooled embeddings in the interaction` });
  if (m.cross && m.interaction !== "dcnv2") ctx.addIssue({ code: "custom", path: ["cross"], input: m.cross, message: `cross layers belong to interaction "dcnv2"; interaction is "${m.interaction}"` });
});
export type DlrmModel = z.infer<typeof DlrmModel>;

/** The MoE transformer kind (Llama 4, Mixtral, DeepSeek-V3, ...): spec/moe-transformer.ts. */
export { MoeTransformerModel };

export const Model = z.discriminatedUnion("kind", [DlrmModel, MoeTransformerModel]);
export type Model = z.infer<typeof Model>;

export const Precision = z.enum(["fp32", "tf32", "bf16", "fp16", "fp8"]);
export type Precision = z.infer<typeof Precision>;
/** How embedding rows are stored (FBGEMM SparseType: FP32, FP16, BF16, FP8, INT8 with a per-row scale and bias). */
export const EmbeddingPrecision = z.enum(["fp32", "fp16", "bf16", "fp8", "int8"]);
export type EmbeddingPrecision = z.infer<typeof EmbeddingPrecision>;
export const Optimizer = z.enum(["sgd", "adagrad", "rowwise-adagrad", "adam"]);
export type Optimizer = z.infer<typeof Optimizer>;
/** Software stacks with a profile in data/implementations (docs/perf-model.md). */
export const IMPLEMENTATIONS = ["reference", "torchrec", "hugectr"] as const;
export const ImplementationId = z.enum(IMPLEMENTATIONS);
export type ImplementationId = z.infer<typeof ImplementationId>;

export const Training = z.object({
  batchSize: bounded(LIMITS.batchSize),
  optimizer: Optimizer.default("sgd"),
  /** Dense layers' compute precision (fp16/bf16: mixed precision with fp32 master weights). */
  precision: Precision.default("fp32"),
  embeddingPrecision: EmbeddingPrecision.default("fp32"),
  /** Dynamic loss scaling (fp16): an unscale and inf-check pass over the dense gradients each step. */
  lossScaling: z.boolean().default(false),
  loss: z.enum(["bce"]).default("bce"),
  /** How the step runs: the PyTorch reference, TorchRec + FBGEMM, or NVIDIA HugeCTR. */
  implementation: ImplementationId.default("reference"),
}).strict();
export type Training = z.infer<typeof Training>;

export const Inference = z.object({ batchSize: bounded(LIMITS.batchSize) }).strict();

/** `node`: a node preset (data/catalog/nodes.json) whose tiers hold tables homed off the GPU. */
export const Hardware = z.union([
  z.object({ gpu: z.string().min(1), count: bounded(LIMITS.count).default(1), node: z.string().min(1).optional() }).strict(),
  z.object({ cluster: z.string().min(1), node: z.string().min(1).optional() }).strict(),
]);
export type Hardware = z.infer<typeof Hardware>;

export const Workload = z.object({
  name: z.string().min(1),
  model: Model,
  training: Training,
  inference: Inference.optional(),
  hardware: Hardware.default({ gpu: "h100-sxm-80gb", count: 1 }),
  /** Measurements that travel with a workload; no predictor ever reads them. */
  measured: z.unknown().optional(),
}).strict();
export type Workload = z.infer<typeof Workload>;
/** A workload as written (defaults not yet applied): what presets print. */
export type WorkloadInput = z.input<typeof Workload>;
export type DlrmWorkload = Workload & { model: DlrmModel };

export function isDlrm(w: Workload): w is DlrmWorkload {
  return w.model.kind === "dlrm";
}

/** The DCNv2 cross network of a model (MLPerf v3+ shape when not given). */
export function crossOf(model: DlrmModel): { layers: number; rank: number } {
  return model.cross ?? { layers: 3, rank: 512 };
}

/** Columns of table t (per-table dim, else the model's). */
export function tableDim(model: DlrmModel, t: EmbeddingTable): number {
  return t.dim ?? model.embeddingDim;
}

/** The cluster a workload's hardware names: hardware.cluster, or one host of hardware.count > 1 GPUs. */
export function workloadClusterId(w: Workload): string | undefined {
  const h = w.hardware;
  return "cluster" in h ? h.cluster : h.count > 1 ? `1x${h.count}-${h.gpu}` : undefined;
}
