/**
 * Execution graph of a DLRM training step (one rank's) and inference batch, as an implementation
 * profile (data/implementations) says the software stack runs it. The `reference` profile is the
 * facebookresearch/dlrm DLRM_Net on PyTorch: op names, launch order and syncs follow the H100
 * profiler traces in ../shared/groundtruth/h100/traces. Fused profiles (TorchRec, HugeCTR) run a
 * rank's tables in one table-batched kernel. With several ranks the graph carries the
 * collectives (all-to-all of pooled embeddings, DDP all-reduce) on their own streams.
 * Kernel durations are filled in later (perf/time-graph.ts).
 */
import type { ImplementationProfile } from "../catalog/implementations.js";
import { COMM_BYTES } from "../perf/collectives.js";
import { dtypeBytes } from "../perf/gemm.js";
import type { CollectiveOp, EmbeddingPart, KernelWork } from "../perf/kernel.js";
import { hottestRowShare, uniqueFraction } from "../perf/index-stats.js";
import type { DlrmModel, DlrmWorkload, EmbeddingPrecision, Optimizer, Precision } from "../spec/workload.js";
import { crossOf, tableDim } from "../spec/workload.js";
import { overheadsLookup, type HostDrivers, type HostOverheadTable } from "./host-overheads.js";
import type { ExecutionGraph, HostOp, Launch, OpCategory, Phase } from "./types.js";

const F32 = 4;
const I64 = 8;

/** Streams: compute, embedding communication, dense-gradient all-reduce (DDP's process group), tier prefetch. */
export const STREAM = { compute: 0, embeddingComm: 1, allReduce: 2, prefetch: 3 } as const;

/** Sizes derived from the model: feature count, interaction pairs, layer shapes. */
export function dlrmShapes(model: DlrmModel) {
  const tables = model.tables.length;
  const dim = model.embeddingDim;
  const features = tables + 1;
  // Dot interaction without self-interaction: F*(F-1)/2 pairs (groundtruth README).
  const pairs = model.interaction === "dot" ? (features * (features - 1)) / 2 : 0;
  const catWidth = dim + model.tables.reduce((s, t) => s + tableDim(model, t), 0);
  // DCNv2 and cat feed the concatenated features on; dot feeds the bottom output and the pairs.
  const topInput = model.interaction === "dot" ? dim + pairs : catWidth;
  const bottom = model.bottomMlp.slice(1).map((out, i) => ({ in: model.bottomMlp[i]!, out }));
  const topWidths = [topInput, ...model.topMlp];
  const top = model.topMlp.map((out, i) => ({ in: topWidths[i]!, out }));
  const cross = model.interaction === "dcnv2" ? Array.from({ length: crossOf(model).layers }, () => ({ width: catWidth, rank: crossOf(model).rank })) : [];
  return { tables, dim, features, pairs, topInput, catWidth, bottom, top, cross };
}

/** Dense parameters: MLP weights and biases, and the cross layers' V (no bias) and U (with bias). */
export function denseParamCount(model: DlrmModel): number {
  const s = dlrmShapes(model);
  const mlp = [...s.bottom, ...s.top].reduce((sum, l) => sum + l.in * l.out + l.out, 0);
  return mlp + s.cross.reduce((sum, c) => sum + 2 * c.width * c.rank + c.width, 0);
}

/** Bytes of one stored embedding value; int8 rows carry a per-row fp16 scale and bias (FBGEMM). */
export function embeddingBytes(p: EmbeddingPrecision): number {
  return p === "fp32" ? 4 : p === "fp16" || p === "bf16" ? 2 : 1;
}

/** What one rank of a job does: its shards' lookups and what it communicates. */
export interface RankWork {
  /** Ranks in the job (1: a single GPU, no communication). */
  ranks: number;
  /** Samples of the dense part on this rank (global batch / ranks). */
  localBatch: number;
  /** The table shards this rank looks up. */
  parts: EmbeddingPart[];
  /** Pooled-embedding bytes this rank sends in the forward all-to-all (its gradients come back in the backward). */
  a2aSendBytes: number;
  /** Partial pooled sums of row-wise shards: reduce-scattered in the forward, their gradients all-gathered in the backward (Neo Sec. 5.1). */
  rowWiseBytes: number;
  /** This rank's host (keys the host-scoped collectives). */
  host: number;
  /** Partial pooled sums of table-row-wise shards: reduce-scattered inside the host before the all-to-all (TorchRec TWRW), gradients all-gathered back. */
  hostRowWiseBytes: number;
  /** Bytes the quantise and dequantise passes of reduced-precision all-to-all move (0 at fp32). */
  a2aQuantizeBytes: number;
  /** Index bytes this rank sends in the input all-to-all. */
  inputDistBytes: number;
  /** Gradient bytes of data-parallel (replicated) tables, all-reduced with the dense ones. */
  replicatedGradBytes: number;
  /** Cache misses of tables homed off the GPU, fetched from the node's tiers (tier/fetch.ts). */
  fetch?: TierFetch;
}

/** One step's cache-miss traffic of a rank (docs/tiers.md). */
export interface TierFetch {
  h2dBytes: number;
  d2hBytes: number;
  /** Device time on the rank's node for the misses (shared devices: the node's busiest one), us. */
  storageUs: number;
  /** Blocking: the lookup waits for the fetch; pipelined: the next batch's misses come while this one runs. */
  blocking: boolean;
}

/** One table's lookups for `bags` samples of `pooling` lookups on `rows` rows x `dim` columns. */
export function embeddingPart(model: DlrmModel, bags: number, pooling: number, rows: number, dim: number): EmbeddingPart {
  const lookups = bags * pooling;
  return { bags, pooling, dim, rows, uniqueFraction: uniqueFraction(model.indexDistribution, rows, lookups), hottestRowShare: hottestRowShare(model.indexDistribution, rows) };
}

/** A single GPU: every table whole, every sample. */
export function singleGpuWork(w: DlrmWorkload, batch = w.training.batchSize): RankWork {
  const parts = w.model.tables.map((t) => embeddingPart(w.model, batch, t.pooling, t.rows, tableDim(w.model, t)));
  return { ranks: 1, host: 0, localBatch: batch, parts, a2aSendBytes: 0, rowWiseBytes: 0, hostRowWiseBytes: 0, a2aQuantizeBytes: 0, inputDistBytes: 0, replicatedGradBytes: 0 };
}

interface Builder {
  op(name: string, category: OpCategory, launches?: Launch[]): void;
  /** The next compute kernel waits for everything enqueued so far on `stream`. */
  waitFor(stream: number): void;
}

function kernel(name: string, work: KernelWork, stream: number = STREAM.compute): Launch {
  // Every kernel has one shape (all fields, durationUs a double from the start: -0, not the small
  // integer 0), so the simulator's loops see one object layout and V8 compiles them once.
  return { kind: "kernel", kernel: { name, work, stream, durationUs: -0, waitStreams: undefined, collective: undefined } };
}
const sync = (reason: string): Launch => ({ kind: "sync", reason });
const ew = (name: string, bytes: number, flops = 0): Launch => kernel(name, { kind: "elementwise", bytes, flops });
const collective = (name: string, key: string, op: CollectiveOp, bytes: number, stream: number, scope?: "host"): Launch => {
  const l = kernel(name, { kind: "collective", op, bytes, ...(scope ? { scope } : {}) }, stream);
  if (l.kind === "kernel") Object.assign(l.kernel, { collective: key, waitStreams: [STREAM.compute] });
  return l;
};

/** The model-size drivers of host costs for one rank (as trace/overheads.ts stepDrivers counts them in a trace). */
export function hostDrivers(model: DlrmModel, work: RankWork): HostDrivers {
  const s = dlrmShapes(model);
  // Weight and bias per MLP layer; V, U and U's bias per cross layer; one tensor per local table.
  const denseTensors = 2 * (s.bottom.length + s.top.length) + 3 * s.cross.length;
  const tables = work.parts.length;
  return { tables, params: denseTensors + tables, pairs: s.pairs };
}

function makeBuilder(ops: HostOp[], table: HostOverheadTable, phase: () => Phase, drivers: HostDrivers): Builder {
  const overheads = overheadsLookup(table, drivers);
  let pending: number[] = [];
  return {
    op(name, category, launches = []) {
      if (pending.length) {
        const first = launches.find((l) => l.kind === "kernel" && l.kernel.stream === STREAM.compute);
        if (first?.kind === "kernel") {
          first.kernel.waitStreams = [...(first.kernel.waitStreams ?? []), ...pending];
          pending = [];
        }
      }
      ops.push({ name, category, phase: phase(), overheads: overheads(name), launches });
    },
    waitFor(stream) {
      pending.push(stream);
    },
  };
}

/** The reference's li, lj index tensors: built on the host, each a pageable copy and its sync. */
function hostIndexCopies(pairBytes: number): Launch[] {
  return ["li", "lj"].flatMap((t): Launch[] => [kernel("Memcpy HtoD (Pageable -> Device)", { kind: "memcpy", bytes: pairBytes, direction: "h2d-pageable" }), sync(`pageable copy of ${t}`)]);
}

function gemm(m: number, n: number, k: number, dtype: Precision): Launch {
  return kernel(`gemm ${m}x${n}x${k}`, { kind: "gemm", m, n, k, batch: 1, dtype });
}

/** Everything a builder step needs: the workload, the profile, this rank's work. */
interface Ctx {
  b: Builder;
  model: DlrmModel;
  p: ImplementationProfile;
  work: RankWork;
  /** Dense samples on this rank. */
  batch: number;
  dtype: Precision;
  /** Bytes per activation value (fp32, or fp16/bf16 under mixed precision). */
  act: number;
  emb: number;
  optimizer: Optimizer;
  /** Bytes per dense-gradient value in the all-reduce. */
  gradBytes: number;
  /** Dynamic loss scaling: unscale and inf check before the step. */
  lossScaling: boolean;
}

function embeddingForward(c: Ctx): void {
  const { b, work } = c;
  if (work.fetch?.blocking) b.waitFor(STREAM.prefetch);
  if (c.p.embedding.fused) {
    if (work.parts.length) b.op("fbgemm::split_embedding_codegen_lookup", "embedding", [kernel("split_embedding_codegen_forward (table-batched)", { kind: "tbe-forward", parts: work.parts, elementBytes: c.emb, outputBytes: c.act })]);
    return;
  }
  for (const part of work.parts) {
    b.op("aten::select", "embedding");
    b.op("aten::embedding_bag", "embedding", [
      kernel("EmbeddingBag_updateOutputKernel_sum_mean", {
        kind: "embedding-forward", bags: part.bags, pooling: part.pooling, dim: part.dim, rows: part.rows, elementBytes: c.emb, uniqueFraction: part.uniqueFraction,
      }),
    ]);
  }
}

/** Forward all-to-all of pooled embeddings (Neo Sec. 5.2); the interaction waits for it. */
function pooledAllToAll(c: Ctx, key: "a2a-fwd" | "a2a-bwd", name: string): void {
  if (c.work.ranks <= 1) return;
  const q = c.work.a2aQuantizeBytes / 2;
  const launches: Launch[] = [];
  if (q > 0) launches.push(ew("quantize (reduced-precision all-to-all)", q));
  const fwd = key === "a2a-fwd";
  const host = c.work.hostRowWiseBytes;
  // Forward: reduce inside the host, then exchange; backward: exchange, then gather inside the host.
  if (host > 0 && fwd) launches.push(collective("reduce-scatter in host (table-row-wise partial sums)", `host-rs-fwd@${c.work.host}`, "reduce-scatter", host, STREAM.embeddingComm, "host"));
  launches.push(collective(name, key, "all-to-all", c.work.a2aSendBytes, STREAM.embeddingComm));
  if (host > 0 && !fwd) launches.push(collective("all-gather in host (table-row-wise gradients)", `host-ag-bwd@${c.work.host}`, "all-gather", host, STREAM.embeddingComm, "host"));
  if (c.work.rowWiseBytes > 0) {
    launches.push(fwd ? collective("reduce-scatter (row-wise partial sums)", "rs-fwd", "reduce-scatter", c.work.rowWiseBytes, STREAM.embeddingComm)
      : collective("all-gather (row-wise gradients)", "ag-bwd", "all-gather", c.work.rowWiseBytes, STREAM.embeddingComm));
  }
  c.b.op(`nccl:all_to_all (${fwd ? "pooled embeddings" : "embedding gradients"})`, "communication", launches);
}

/** The consumer of an all-to-all's output waits for it (and dequantises it when it came in reduced precision). */
function awaitAllToAll(c: Ctx): void {
  if (c.work.ranks <= 1) return;
  c.b.waitFor(STREAM.embeddingComm);
  const q = c.work.a2aQuantizeBytes / 2;
  if (q > 0) c.b.op("dequantize", "communication", [ew("dequantize (reduced-precision all-to-all)", q)]);
}

function mlpForward(c: Ctx, layers: Array<{ in: number; out: number }>, category: OpCategory, last: boolean): void {
  const { b, batch, act } = c;
  const fused = c.p.dense.fusedEpilogue;
  layers.forEach((layer, i) => {
    const isLast = last && i === layers.length - 1;
    // A one-column output runs as bias copy + GEMV in cuBLAS (traces); fused stacks keep the GEMM only.
    const launches = layer.out === 1 && !fused ? [ew("direct_copy_kernel", 2 * batch * act), gemm(batch, 1, layer.in, c.dtype)] : [gemm(batch, layer.out, layer.in, c.dtype)];
    b.op("aten::linear", category, launches);
    if (fused) return;
    if (isLast) b.op("aten::sigmoid", category, [ew("sigmoid", 2 * batch * layer.out * act)]);
    else b.op("aten::relu", category, [ew("relu", 2 * batch * layer.out * act)]);
  });
}

function interactionForward(c: Ctx): void {
  const { b, model, batch, act } = c;
  const s = dlrmShapes(model);
  if (model.interaction === "dot") {
    const F = s.features;
    b.op("aten::cat", "interaction", [ew("CatArrayBatchedCopy", 2 * batch * F * s.dim * act)]);
    b.op("aten::view", "interaction");
    b.op("aten::transpose", "interaction");
    b.op("aten::bmm", "interaction", [kernel(`bmm ${batch}x${F}x${F}x${s.dim}`, { kind: "bmm", m: F, n: F, k: s.dim, batch, dtype: c.dtype })]);
    const pairBytes = s.pairs * I64;
    // A strided gather: moves about twice its output's bytes (traces).
    const gather = ew("index_elementwise_kernel", batch * s.pairs * 4 * act);
    if (c.p.interaction.hostBuiltIndices) {
      // The reference builds the triangular index tensors li, lj on the host every step.
      for (let i = 0; i < 2; i++) for (const name of ["aten::empty", "aten::to", "aten::lift_fresh", "aten::detach_"]) b.op(name, "interaction");
    }
    b.op("aten::index", "interaction", [...(c.p.interaction.hostBuiltIndices ? hostIndexCopies(pairBytes) : []), gather]);
    b.op("aten::cat", "interaction", [ew("CatArrayBatchedCopy", 2 * batch * s.topInput * act)]);
    return;
  }
  b.op("aten::cat", "interaction", [ew("CatArrayBatchedCopy", 2 * batch * s.topInput * act)]);
  // DCNv2 low-rank cross layers (Wang et al., WWW 2021, Eq. 2; torchrec LowRankCrossNet): x_{l+1} = x0 * (U (V x_l) + b) + x_l.
  for (const layer of s.cross) {
    b.op("aten::linear", "interaction", [gemm(batch, layer.rank, layer.width, c.dtype)]);
    b.op("aten::linear", "interaction", [gemm(batch, layer.width, layer.rank, c.dtype)]);
    // Fused: the U GEMM's epilogue reads x0 and x_l and writes x_{l+1} in place of its plain output.
    if (c.p.dense.fusedEpilogue) b.op("cross: x0 * xw + xl (epilogue)", "interaction", [ew("fused epilogue traffic", 2 * batch * layer.width * act)]);
    else {
      b.op("aten::mul", "interaction", [ew("mul", 3 * batch * layer.width * act)]);
      b.op("aten::add", "interaction", [ew("add", 3 * batch * layer.width * act)]);
    }
  }
}

function forward(c: Ctx, training: boolean): void {
  const { b, model } = c;
  const s = dlrmShapes(model);
  // Fused stacks look up first so the all-to-all hides behind the bottom MLP (Neo Sec. 5.2).
  if (c.p.schedule.embeddingsFirst) {
    embeddingForward(c);
    pooledAllToAll(c, "a2a-fwd", "all-to-all forward (pooled embeddings)");
    mlpForward(c, s.bottom, "bottom-mlp", false);
  } else {
    mlpForward(c, s.bottom, "bottom-mlp", false);
    embeddingForward(c);
    pooledAllToAll(c, "a2a-fwd", "all-to-all forward (pooled embeddings)");
  }
  awaitAllToAll(c);
  interactionForward(c);
  mlpForward(c, s.top, "top-mlp", true);
  if (training) {
    b.op("aten::binary_cross_entropy", "loss", [
      ew("binary_cross_entropy", 3 * c.batch * F32),
      ew("reduce_kernel (mean)", c.batch * F32),
      kernel("Memcpy DtoD", { kind: "memcpy", bytes: F32, direction: "d2d" }),
    ]);
  }
}

/** DDP: gradient buckets all-reduced on their own stream as the backward fills them. */
class Buckets {
  private filled = 0;
  private index = 0;
  constructor(private readonly c: Ctx) {}
  private limit(): number {
    const s = this.c.p.schedule;
    return this.index === 0 ? s.ddpFirstBucketBytes : s.ddpBucketBytes;
  }
  add(bytes: number): void {
    if (this.c.work.ranks <= 1) return;
    this.filled += bytes;
    if (this.limit() > 0 && this.filled >= this.limit()) this.flush();
  }
  flush(): void {
    if (this.c.work.ranks <= 1 || this.filled <= 0) return;
    const key = `allreduce-${this.index}`;
    this.c.b.op("nccl:all_reduce (DDP bucket)", "communication", [collective(`all-reduce dense gradients (bucket ${this.index})`, key, "all-reduce", this.filled, STREAM.allReduce)]);
    this.index += 1;
    this.filled = 0;
  }
}

function linearBackward(c: Ctx, category: OpCategory, layer: { in: number; out: number }, needInputGrad: boolean, buckets: Buckets, bias = true): void {
  const { b, batch } = c;
  const launches: Launch[] = [];
  if (needInputGrad) launches.push(gemm(batch, layer.in, layer.out, c.dtype));
  launches.push(gemm(layer.out, layer.in, batch, c.dtype));
  // Fused stacks reduce the bias gradient in the GEMM epilogue (cuBLASLt BGRADB).
  if (bias && !c.p.dense.fusedEpilogue) launches.push(ew("reduce_kernel (bias grad)", batch * layer.out * c.act));
  b.op("bwd:AddmmBackward0", category, launches);
  b.op("bwd:torch::autograd::AccumulateGrad", category);
  b.op("bwd:TBackward0", category);
  b.op("bwd:torch::autograd::AccumulateGrad", category);
  buckets.add((layer.in * layer.out + (bias ? layer.out : 0)) * F32);
}

function mlpBackward(c: Ctx, layers: Array<{ in: number; out: number }>, category: OpCategory, last: boolean, buckets: Buckets, firstNeedsInputGrad: boolean): void {
  const { b, batch, act } = c;
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    if (!c.p.dense.fusedEpilogue) {
      if (last && i === layers.length - 1) b.op("bwd:SigmoidBackward0", category, [ew("sigmoid_backward", 3 * batch * layer.out * act)]);
      else b.op("bwd:ReluBackward0", category, [ew("threshold_backward", 3 * batch * layer.out * act)]);
    }
    linearBackward(c, category, layer, i > 0 || firstNeedsInputGrad, buckets);
  }
}

function interactionBackward(c: Ctx, buckets: Buckets): void {
  const { b, model, batch, act } = c;
  const s = dlrmShapes(model);
  if (model.interaction === "dot") {
    const F = s.features;
    b.op("bwd:CatBackward0", "interaction");
    const pairBytes = s.pairs * I64;
    b.op("bwd:IndexBackward0", "interaction", [
      kernel("fill zeros", { kind: "memset", bytes: batch * F * F * act }),
      ...(c.p.interaction.hostBuiltIndices ? hostIndexCopies(pairBytes) : []),
      ew("linearize index", 3 * pairBytes),
      ew("copy", 2 * batch * s.pairs * act),
      ew("index arithmetic", 2 * pairBytes),
      ew("arange", pairBytes),
      kernel("DeviceRadixSort", { kind: "sort", keys: s.pairs, keyBytes: I64 }),
      kernel("indexing_backward_kernel", { kind: "index-backward", elements: batch * s.pairs }),
    ]);
    b.op("bwd:BmmBackward0", "interaction", [
      kernel(`bmm ${batch}x${F}x${s.dim}x${F}`, { kind: "bmm", m: F, n: s.dim, k: F, batch, dtype: c.dtype }),
      kernel(`bmm ${batch}x${s.dim}x${F}x${F}`, { kind: "bmm", m: s.dim, n: F, k: F, batch, dtype: c.dtype }),
    ]);
    b.op("bwd:TransposeBackward0", "interaction", [ew("add", 3 * batch * F * s.dim * act)]);
    b.op("bwd:ViewBackward0", "interaction");
  }
  for (let l = s.cross.length - 1; l >= 0; l--) {
    const { width, rank } = s.cross[l]!;
    // d(xw) = g * x0, d(x0) += g * xw; g flows on to x_l unchanged.
    if (c.p.dense.fusedEpilogue) b.op("cross backward (fused)", "interaction", [ew("d(xw), d(x0) in one pass", 5 * batch * width * act)]);
    else b.op("bwd:MulBackward0", "interaction", [ew("mul", 3 * batch * width * act), ew("mul + accumulate", 4 * batch * width * act)]);
    linearBackward(c, "interaction", { in: rank, out: width }, true, buckets);
    linearBackward(c, "interaction", { in: width, out: rank }, true, buckets, false);
  }
  b.op("bwd:CatBackward0", "interaction", [ew("add", 3 * batch * s.dim * act)]);
}

function embeddingBackward(c: Ctx): void {
  const { b, work } = c;
  if (c.p.embedding.fused) {
    if (work.parts.length) {
      b.op("fbgemm::split_embedding_backward_codegen (fused optimizer)", "embedding", [
        kernel("split_embedding_backward_codegen + optimizer update (table-batched)", { kind: "tbe-backward", parts: work.parts, elementBytes: c.emb, optimizer: c.optimizer, gradBytes: c.act }),
      ]);
    }
    return;
  }
  for (let i = work.parts.length - 1; i >= 0; i--) {
    const part = work.parts[i]!;
    b.op("bwd:EmbeddingBagBackward0", "embedding", [
      kernel("vectorized_gather_kernel", { kind: "embedding-backward", lookups: part.bags * part.pooling, dim: part.dim, elementBytes: c.emb }),
    ]);
    b.op("bwd:torch::autograd::AccumulateGrad (sparse)", "embedding");
  }
}

function backward(c: Ctx): void {
  const { b, model, batch } = c;
  const s = dlrmShapes(model);
  const buckets = new Buckets(c);
  b.op("autograd engine start", "framework");
  b.op("bwd:BinaryCrossEntropyBackward0", "loss", [ew("binary_cross_entropy_backward", 3 * batch * F32), ew("mul", 2 * batch * F32)]);
  mlpBackward(c, s.top, "top-mlp", true, buckets, true);
  interactionBackward(c, buckets);
  pooledAllToAll(c, "a2a-bwd", "all-to-all backward (embedding gradients)");
  if (c.p.schedule.embeddingsFirst) {
    // The gradients' all-to-all hides behind the bottom MLP's backward; the lookups' backward waits for it.
    mlpBackward(c, s.bottom, "bottom-mlp", false, buckets, false);
    buckets.flush();
    awaitAllToAll(c);
    embeddingBackward(c);
  } else {
    awaitAllToAll(c);
    embeddingBackward(c);
    mlpBackward(c, s.bottom, "bottom-mlp", false, buckets, false);
  }
  buckets.add(c.work.replicatedGradBytes * (c.gradBytes / F32));
  buckets.flush();
}

/** Elementwise passes over every dense parameter per optimizer (torch/optim/{sgd,adagrad,adam}.py), in words moved per parameter. */
const DENSE_OPTIMIZER_PASSES: Record<Optimizer, Array<[string, number]>> = {
  sgd: [["aten::add_", 3]],
  adagrad: [["aten::addcmul_", 3], ["aten::sqrt", 2], ["aten::add_", 2], ["aten::addcdiv_", 4]],
  "rowwise-adagrad": [["aten::addcmul_", 3], ["aten::sqrt", 2], ["aten::add_", 2], ["aten::addcdiv_", 4]],
  adam: [["aten::lerp_", 3], ["aten::mul_", 2], ["aten::addcmul_", 3], ["aten::sqrt", 2], ["aten::div_", 2], ["aten::add_", 2], ["aten::addcdiv_", 4]],
};

/** Optimizer state words per dense parameter (row-wise Adagrad is a table optimizer: dense layers run Adagrad). */
export const DENSE_STATE_WORDS: Record<Optimizer, number> = { sgd: 0, adagrad: 1, "rowwise-adagrad": 1, adam: 2 };

function sparseUpdate(c: Ctx): void {
  if (c.p.embedding.fusedOptimizer) return;
  // torch.optim walks model.parameters(): the tables (emb_l) first, then the MLPs.
  for (const part of c.work.parts) {
    c.b.op("aten::add_ (sparse)", "optimizer", [
      kernel("indexFuncLargeIndex (index_add_)", {
        kind: "embedding-update", lookups: part.bags * part.pooling, dim: part.dim, rows: part.rows,
        hottestRowShare: part.hottestRowShare, elementBytes: c.emb, ...(c.optimizer === "sgd" ? {} : { optimizer: c.optimizer }),
      }),
    ]);
  }
}

function optimizer(c: Ctx): void {
  const { b, model } = c;
  const s = dlrmShapes(model);
  const mixed = c.act < F32;
  b.op("optimizer.step", "framework");
  // The DDP reducer's final callback makes the step wait for the last bucket's all-reduce.
  if (c.work.ranks > 1) b.waitFor(STREAM.allReduce);
  if (c.lossScaling) {
    // GradScaler: unscale and check for inf/NaN, then read the flag on the host (torch.amp.GradScaler.step).
    b.op("aten::_amp_foreach_non_finite_check_and_unscale_", "optimizer", [ew("unscale + inf check", 2 * denseParamCount(model) * F32), sync("found_inf.item()")]);
  }
  sparseUpdate(c);
  const passes = DENSE_OPTIMIZER_PASSES[c.optimizer];
  const params = denseParamCount(model);
  if (c.p.dense.optimizer === "fused") {
    // One pass: gradient read, weight and state read and written once (SGD 3 words, Adagrad 5, Adam 7).
    const words = 3 + 2 * DENSE_STATE_WORDS[c.optimizer];
    b.op("fused optimizer step", "optimizer", [ew(`fused ${c.optimizer} update`, words * params * F32, params)]);
  } else if (c.p.dense.optimizer === "foreach") {
    // Multi-tensor kernels over all dense parameters at once (torch._foreach_*).
    for (const [name, words] of passes) b.op(`${name.replace("aten::", "aten::_foreach_")}`, "optimizer", [ew(`multi_tensor_apply ${name.slice(6)}`, words * params * F32, params)]);
  } else {
    for (const layer of [...s.bottom, ...s.cross.flatMap((x) => [{ in: x.width, out: x.rank, noBias: true }, { in: x.rank, out: x.width }]), ...s.top]) {
      const tensors = "noBias" in layer ? [layer.in * layer.out] : [layer.in * layer.out, layer.out];
      for (const n of tensors) for (const [name, words] of passes) b.op(name, "optimizer", [ew(name === "aten::add_" ? "CUDAFunctor_add" : name.slice(6), words * n * F32, n)]);
    }
  }
  // Mixed precision keeps fp32 master weights and refreshes the low-precision copy (Micikevicius et al., ICLR 2018).
  if (mixed) b.op("aten::_foreach_copy_ (fp16 weights)", "optimizer", [ew("cast master weights", (F32 + c.act) * params)]);
}

/** Collapse a graph into one CUDA-graph launch: the host pays the launch, then nothing per op or kernel. */
function asCudaGraph(graph: ExecutionGraph, launchUs: number): ExecutionGraph {
  const zero = { t1: 0, t2: 0, t3: 0, t4: 0, t5: 0 };
  const ops: HostOp[] = graph.ops.map((op) => ({ ...op, overheads: zero, launches: op.launches.filter((l) => l.kind === "kernel") }));
  return { ...graph, ops: [{ name: "cudaGraphLaunch", category: "framework", phase: "forward", overheads: { ...zero, t2: launchUs }, launches: [] }, ...ops] };
}

function context(w: DlrmWorkload, p: ImplementationProfile, b: Builder, work: RankWork): Ctx {
  const dtype = w.training.precision;
  return {
    b, model: w.model, p, work, batch: work.localBatch, dtype, act: dtypeBytes(dtype), emb: embeddingBytes(w.training.embeddingPrecision),
    optimizer: w.training.optimizer, gradBytes: COMM_BYTES[p.communication.allReduce], lossScaling: w.training.lossScaling,
  };
}

/**
 * One training iteration on one rank: forward, loss, zero_grad (set to None), backward, optimizer
 * step; with several ranks, the pipelined input all-to-all, the pooled-embedding all-to-alls and
 * the DDP all-reduce as collectives.
 */
export function buildDlrmTrainingGraph(w: DlrmWorkload, table: HostOverheadTable, p: ImplementationProfile, work: RankWork = singleGpuWork(w)): ExecutionGraph {
  const ops: HostOp[] = [];
  let phase: Phase = "forward";
  const b = makeBuilder(ops, table, () => phase, hostDrivers(w.model, work));
  const c = context(w, p, b, work);
  if (work.ranks > 1 && p.schedule.pipelinedInputDist && work.inputDistBytes > 0) {
    // TrainPipelineSparseDist: the next batch's indices move while this batch computes.
    b.op("nccl:all_to_all (next batch's indices)", "communication", [collective("input all-to-all (next batch's indices)", "input-dist", "all-to-all", work.inputDistBytes, STREAM.embeddingComm)]);
  }
  const fetch = work.fetch;
  if (fetch && (fetch.h2dBytes > 0 || fetch.storageUs > 0)) {
    // FBGEMM prefetch(): on its own stream; pipelined it serves the next batch, blocking this one.
    b.op("fbgemm::prefetch (cache misses from the node's tiers)", "embedding", [kernel("lxu_cache_insert + tier reads", { kind: "tier-fetch", h2dBytes: fetch.h2dBytes, d2hBytes: fetch.d2hBytes, storageUs: fetch.storageUs }, STREAM.prefetch)]);
  }
  forward(c, true);
  b.op("aten::ones_like", "loss", [ew("fill", F32)]);
  phase = "backward";
  backward(c);
  phase = "optimizer";
  optimizer(c);
  const graph: ExecutionGraph = { name: w.name, ops, streams: work.fetch ? 4 : work.ranks > 1 ? 3 : 1 };
  return p.host.cudaGraph ? asCudaGraph(graph, p.host.graphLaunchUs) : graph;
}

/** Forward ops whose inputs need no gradient in training either (offsets select, li/lj construction): no autograd node to skip. */
const NO_AUTOGRAD_OPS = new Set(["aten::select", "aten::empty", "aten::to", "aten::lift_fresh", "aten::detach_"]);

/**
 * torch.no_grad() on one forward op: what it removes is the autograd recording of ops whose
 * inputs need gradients (the grad_fn node, its saved tensors and edges before the first launch,
 * set_history after the last), i.e. part of T2 and T3; the Python between ops (T1), the launch
 * calls (T4) and the gaps between them (T5) stay.
 */
function noGradOp(op: HostOp, factor: number): HostOp {
  if (NO_AUTOGRAD_OPS.has(op.name)) return op;
  const o = op.overheads;
  return { ...op, overheads: { ...o, t2: o.t2 * factor, t3: o.t3 * factor } };
}

/**
 * One inference batch: the forward under torch.no_grad(). Same ops and kernels as the training
 * forward (the reference calls the same embedding_bag: the tables still require grad); host costs
 * as in training less the autograd recording (noGradOp, factor table.noGradFactor). The two syncs
 * in aten::index drain the GPU every batch, so only the work after them (gather, cat, top MLP)
 * overlaps the next batch's host work when batches run back to back.
 */
export function buildDlrmInferenceGraph(w: DlrmWorkload, table: HostOverheadTable, p: ImplementationProfile): ExecutionGraph {
  const built: HostOp[] = [];
  const batch = w.inference?.batchSize ?? w.training.batchSize;
  const work = singleGpuWork(w, batch);
  const b = makeBuilder(built, table, () => "forward", hostDrivers(w.model, work));
  forward(context(w, p, b, work), false);
  const ops = built.map((op) => noGradOp(op, table.noGradFactor));
  const graph: ExecutionGraph = { name: `${w.name} (inference)`, ops, streams: 1 };
  return p.host.cudaGraph ? asCudaGraph(graph, p.host.graphLaunchUs) : graph;
}
