/**
 * Execution graph of a DLRM training step and inference batch as the reference
 * implementation (facebookresearch/dlrm, DLRM_Net) runs them on one GPU with PyTorch:
 * op names, launch order and syncs follow the H100 profiler traces in
 * ../shared/groundtruth/h100/traces. Kernel durations are filled in later (perf/time-graph.ts).
 */
import type { KernelWork } from "../perf/kernel.js";
import { hottestRowShare, uniqueFraction } from "../perf/index-stats.js";
import type { DlrmModel, DlrmWorkload, Precision } from "../spec/workload.js";
import { tableDim } from "../spec/workload.js";
import { overheadsFor, type HostOverheadTable } from "./host-overheads.js";
import type { ExecutionGraph, HostOp, Launch, OpCategory, Phase } from "./types.js";

const F32 = 4;
const I64 = 8;

/** Sizes derived from the model: feature count, interaction pairs, layer shapes. */
export function dlrmShapes(model: DlrmModel) {
  const tables = model.tables.length;
  const dim = model.embeddingDim;
  const features = tables + 1;
  // Dot interaction without self-interaction: F*(F-1)/2 pairs (groundtruth README).
  const pairs = model.interaction === "dot" ? (features * (features - 1)) / 2 : 0;
  const topInput = model.interaction === "dot" ? dim + pairs : dim + model.tables.reduce((s, t) => s + tableDim(model, t), 0);
  const bottom = model.bottomMlp.slice(1).map((out, i) => ({ in: model.bottomMlp[i]!, out }));
  const topWidths = [topInput, ...model.topMlp];
  const top = model.topMlp.map((out, i) => ({ in: topWidths[i]!, out }));
  return { tables, dim, features, pairs, topInput, bottom, top };
}

interface Builder {
  op(name: string, category: OpCategory, launches?: Launch[]): void;
}

function kernel(name: string, work: KernelWork): Launch {
  return { kind: "kernel", kernel: { name, work, stream: 0, durationUs: 0 } };
}
const sync = (reason: string): Launch => ({ kind: "sync", reason });
const ew = (name: string, bytes: number, flops = 0): Launch => kernel(name, { kind: "elementwise", bytes, flops });

function makeBuilder(ops: HostOp[], table: HostOverheadTable, phase: () => Phase, scale: () => number): Builder {
  return {
    op(name, category, launches = []) {
      ops.push({ name, category, phase: phase(), overheads: overheadsFor(table, name, scale()), launches });
    },
  };
}

function gemm(m: number, n: number, k: number, dtype: Precision): Launch {
  return kernel(`gemm ${m}x${n}x${k}`, { kind: "gemm", m, n, k, batch: 1, dtype });
}

function forward(b: Builder, model: DlrmModel, batch: number, dtype: Precision, training: boolean): void {
  const s = dlrmShapes(model);
  for (const layer of s.bottom) {
    b.op("aten::linear", "bottom-mlp", [gemm(batch, layer.out, layer.in, dtype)]);
    b.op("aten::relu", "bottom-mlp", [ew("relu", 2 * batch * layer.out * F32)]);
  }
  for (const t of model.tables) {
    const dim = tableDim(model, t);
    const lookups = batch * t.pooling;
    b.op("aten::select", "embedding");
    b.op("aten::embedding_bag", "embedding", [
      kernel("EmbeddingBag_updateOutputKernel_sum_mean", {
        kind: "embedding-forward", bags: batch, pooling: t.pooling, dim, rows: t.rows, elementBytes: F32,
        uniqueFraction: uniqueFraction(model.indexDistribution, t.rows, lookups),
      }),
    ]);
  }
  if (model.interaction === "dot") {
    const F = s.features;
    b.op("aten::cat", "interaction", [ew("CatArrayBatchedCopy", 2 * batch * F * s.dim * F32)]);
    b.op("aten::view", "interaction");
    b.op("aten::transpose", "interaction");
    b.op("aten::bmm", "interaction", [kernel(`bmm ${batch}x${F}x${F}x${s.dim}`, { kind: "bmm", m: F, n: F, k: s.dim, batch, dtype })]);
    // The reference builds the triangular index tensors li, lj on the host every step.
    for (let i = 0; i < 2; i++) for (const name of ["aten::empty", "aten::to", "aten::lift_fresh", "aten::detach_"]) b.op(name, "interaction");
    const pairBytes = s.pairs * I64;
    b.op("aten::index", "interaction", [
      kernel("Memcpy HtoD (Pageable -> Device)", { kind: "memcpy", bytes: pairBytes, direction: "h2d-pageable" }),
      sync("pageable copy of li"),
      kernel("Memcpy HtoD (Pageable -> Device)", { kind: "memcpy", bytes: pairBytes, direction: "h2d-pageable" }),
      sync("pageable copy of lj"),
      // A strided gather: moves about twice its output's bytes (traces).
      ew("index_elementwise_kernel", batch * s.pairs * 4 * F32),
    ]);
    b.op("aten::cat", "interaction", [ew("CatArrayBatchedCopy", 2 * batch * s.topInput * F32)]);
  } else {
    b.op("aten::cat", "interaction", [ew("CatArrayBatchedCopy", 2 * batch * s.topInput * F32)]);
  }
  s.top.forEach((layer, i) => {
    const last = i === s.top.length - 1;
    // A one-column output runs as bias copy + GEMV in cuBLAS.
    const launches = layer.out === 1 ? [ew("direct_copy_kernel", 2 * batch * F32), gemm(batch, 1, layer.in, dtype)] : [gemm(batch, layer.out, layer.in, dtype)];
    b.op("aten::linear", "top-mlp", launches);
    if (last) b.op("aten::sigmoid", "top-mlp", [ew("sigmoid", 2 * batch * layer.out * F32)]);
    else b.op("aten::relu", "top-mlp", [ew("relu", 2 * batch * layer.out * F32)]);
  });
  if (training) {
    b.op("aten::binary_cross_entropy", "loss", [
      ew("binary_cross_entropy", 3 * batch * F32),
      ew("reduce_kernel (mean)", batch * F32),
      kernel("Memcpy DtoD", { kind: "memcpy", bytes: F32, direction: "d2d" }),
    ]);
  }
}

function linearBackward(b: Builder, category: OpCategory, layer: { in: number; out: number }, batch: number, dtype: Precision, needInputGrad: boolean): void {
  const launches: Launch[] = [];
  if (needInputGrad) launches.push(gemm(batch, layer.in, layer.out, dtype));
  launches.push(gemm(layer.out, layer.in, batch, dtype));
  launches.push(ew("reduce_kernel (bias grad)", batch * layer.out * F32));
  b.op("bwd:AddmmBackward0", category, launches);
  b.op("bwd:torch::autograd::AccumulateGrad", category);
  b.op("bwd:TBackward0", category);
  b.op("bwd:torch::autograd::AccumulateGrad", category);
}

function backward(b: Builder, model: DlrmModel, batch: number, dtype: Precision): void {
  const s = dlrmShapes(model);
  b.op("autograd engine start", "framework");
  b.op("bwd:BinaryCrossEntropyBackward0", "loss", [ew("binary_cross_entropy_backward", 3 * batch * F32), ew("mul", 2 * batch * F32)]);
  for (let i = s.top.length - 1; i >= 0; i--) {
    const layer = s.top[i]!;
    if (i === s.top.length - 1) b.op("bwd:SigmoidBackward0", "top-mlp", [ew("sigmoid_backward", 3 * batch * layer.out * F32)]);
    else b.op("bwd:ReluBackward0", "top-mlp", [ew("threshold_backward", 3 * batch * layer.out * F32)]);
    linearBackward(b, "top-mlp", layer, batch, dtype, true);
  }
  if (model.interaction === "dot") {
    const F = s.features;
    b.op("bwd:CatBackward0", "interaction");
    const pairBytes = s.pairs * I64;
    b.op("bwd:IndexBackward0", "interaction", [
      kernel("fill zeros", { kind: "memset", bytes: batch * F * F * F32 }),
      kernel("Memcpy HtoD (Pageable -> Device)", { kind: "memcpy", bytes: pairBytes, direction: "h2d-pageable" }),
      sync("pageable copy of li"),
      kernel("Memcpy HtoD (Pageable -> Device)", { kind: "memcpy", bytes: pairBytes, direction: "h2d-pageable" }),
      sync("pageable copy of lj"),
      ew("linearize index", 3 * pairBytes),
      ew("copy", 2 * batch * s.pairs * F32),
      ew("index arithmetic", 2 * pairBytes),
      ew("arange", pairBytes),
      kernel("DeviceRadixSort", { kind: "sort", keys: s.pairs, keyBytes: I64 }),
      kernel("indexing_backward_kernel", { kind: "index-backward", elements: batch * s.pairs }),
    ]);
    b.op("bwd:BmmBackward0", "interaction", [
      kernel(`bmm ${batch}x${F}x${s.dim}x${F}`, { kind: "bmm", m: F, n: s.dim, k: F, batch, dtype }),
      kernel(`bmm ${batch}x${s.dim}x${F}x${F}`, { kind: "bmm", m: s.dim, n: F, k: F, batch, dtype }),
    ]);
    b.op("bwd:TransposeBackward0", "interaction", [ew("add", 3 * batch * F * s.dim * F32)]);
    b.op("bwd:ViewBackward0", "interaction");
  }
  b.op("bwd:CatBackward0", "interaction", [ew("add", 3 * batch * s.dim * F32)]);
  for (let i = model.tables.length - 1; i >= 0; i--) {
    const t = model.tables[i]!;
    b.op("bwd:EmbeddingBagBackward0", "embedding", [
      kernel("vectorized_gather_kernel", { kind: "embedding-backward", lookups: batch * t.pooling, dim: tableDim(model, t), elementBytes: F32 }),
    ]);
    b.op("bwd:torch::autograd::AccumulateGrad (sparse)", "embedding");
  }
  for (let i = s.bottom.length - 1; i >= 0; i--) {
    const layer = s.bottom[i]!;
    b.op("bwd:ReluBackward0", "bottom-mlp", [ew("threshold_backward", 3 * batch * layer.out * F32)]);
    linearBackward(b, "bottom-mlp", layer, batch, dtype, i > 0);
  }
}

function optimizer(b: Builder, model: DlrmModel, batch: number): void {
  const s = dlrmShapes(model);
  b.op("optimizer.step", "framework");
  // torch.optim.SGD walks model.parameters(): the tables (emb_l) first, then the MLPs.
  for (const t of model.tables) {
    b.op("aten::add_ (sparse)", "optimizer", [
      kernel("indexFuncLargeIndex (index_add_)", {
        kind: "embedding-update", lookups: batch * t.pooling, dim: tableDim(model, t), rows: t.rows,
        hottestRowShare: hottestRowShare(model.indexDistribution, t.rows), elementBytes: F32,
      }),
    ]);
  }
  for (const layer of [...s.bottom, ...s.top]) {
    for (const params of [layer.in * layer.out, layer.out]) b.op("aten::add_", "optimizer", [ew("CUDAFunctor_add", 3 * params * F32, params)]);
  }
}

/** One training iteration: forward, loss, zero_grad (set to None), backward, SGD step. */
export function buildDlrmTrainingGraph(w: DlrmWorkload, table: HostOverheadTable): ExecutionGraph {
  const ops: HostOp[] = [];
  let phase: Phase = "forward";
  const b = makeBuilder(ops, table, () => phase, () => 1);
  forward(b, w.model, w.training.batchSize, w.training.precision, true);
  b.op("aten::ones_like", "loss", [ew("fill", F32)]);
  phase = "backward";
  backward(b, w.model, w.training.batchSize, w.training.precision);
  phase = "optimizer";
  optimizer(b, w.model, w.training.batchSize);
  return { name: w.name, ops, streams: 1 };
}

/** One inference batch: the forward under torch.no_grad() (cheaper host ops: no autograd). */
export function buildDlrmInferenceGraph(w: DlrmWorkload, table: HostOverheadTable): ExecutionGraph {
  const ops: HostOp[] = [];
  const b = makeBuilder(ops, table, () => "forward", () => table.noGradFactor);
  const batch = w.inference?.batchSize ?? w.training.batchSize;
  forward(b, w.model, batch, w.training.precision, false);
  return { name: `${w.name} (inference)`, ops, streams: 1 };
}
