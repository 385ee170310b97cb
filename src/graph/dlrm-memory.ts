/**
 * Peak GPU memory of a DLRM training step on one GPU: parameters, their gradients (dense, and
 * the sparse gradients of the tables: one row per lookup plus its index), inputs and the
 * activations autograd keeps for the backward, plus the CUDA libraries' workspaces.
 */
import type { DlrmWorkload } from "../spec/workload.js";
import { tableDim } from "../spec/workload.js";
import { dlrmShapes } from "./dlrm.js";

const F32 = 4;
const I64 = 8;
/**
 * cuBLAS workspaces, allocated through PyTorch's caching allocator: 32 MiB per handle on
 * Hopper (CUBLAS_WORKSPACE_CONFIG default :4096:8), one handle for the forward thread and
 * one for the autograd thread. Matches the 57-80 MiB that the smallest H100 workloads
 * (dev09, dev16, dev17, dev19) allocate beyond tensors.
 */
const LIBRARY_WORKSPACE_BYTES = 2 * 32 * 2 ** 20;
/** Optimizer state in float32 words per parameter (rowwise Adagrad keeps one per row). */
const OPTIMIZER_WORDS = { sgd: 0, adagrad: 1, "rowwise-adagrad": 0, adam: 2 } as const;

export interface MemoryEstimate {
  tableBytes: number;
  denseParamBytes: number;
  optimizerStateBytes: number;
  gradientBytes: number;
  activationBytes: number;
  inputBytes: number;
  workspaceBytes: number;
  peakBytes: number;
}

export function dlrmTrainingMemory(w: DlrmWorkload): MemoryEstimate {
  const m = w.model;
  const B = w.training.batchSize;
  const s = dlrmShapes(m);
  const tableBytes = m.tables.reduce((sum, t) => sum + t.rows * tableDim(m, t) * F32, 0);
  const layers = [...s.bottom, ...s.top];
  const denseParams = layers.reduce((sum, l) => sum + l.in * l.out + l.out, 0);
  const denseParamBytes = denseParams * F32;
  const words = OPTIMIZER_WORDS[w.training.optimizer];
  const rowwise = w.training.optimizer === "rowwise-adagrad" ? m.tables.reduce((sum, t) => sum + t.rows * F32, 0) : 0;
  const optimizerStateBytes = (tableBytes + denseParamBytes) * words + rowwise;
  // Sparse gradients: values (lookups x dim) and int64 indices, alive until the step.
  const sparseGrad = m.tables.reduce((sum, t) => sum + B * t.pooling * (tableDim(m, t) * F32 + I64), 0);
  const gradientBytes = denseParamBytes + sparseGrad;
  const inputBytes = m.tables.reduce((sum, t) => sum + B * t.pooling * I64 + B * I64, 0) + B * m.bottomMlp[0]! * F32 + B * F32;
  // Saved activations: each layer's output and its ReLU, pooled embeddings, interaction tensors.
  const mlpActs = layers.reduce((sum, l) => sum + 2 * B * l.out * F32, 0);
  const embActs = m.tables.reduce((sum, t) => sum + B * tableDim(m, t) * F32, 0);
  const interaction = m.interaction === "dot" ? B * (s.features * s.dim + s.features * s.features + s.pairs + s.topInput) * F32 : B * s.topInput * F32;
  const activationBytes = mlpActs + embActs + interaction;
  const workspaceBytes = LIBRARY_WORKSPACE_BYTES;
  const peakBytes = tableBytes + denseParamBytes + optimizerStateBytes + gradientBytes + inputBytes + activationBytes + workspaceBytes;
  return { tableBytes, denseParamBytes, optimizerStateBytes, gradientBytes, activationBytes, inputBytes, workspaceBytes, peakBytes };
}
