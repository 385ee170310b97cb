/**
 * Peak GPU memory of a DLRM training step on one GPU: parameters, their gradients (dense, and
 * the sparse gradients of the tables: one row per lookup plus its index), inputs and the
 * activations autograd keeps for the backward, plus the CUDA libraries' workspaces.
 */
import type { ImplementationProfile } from "../catalog/implementations.js";
import { optimizerStateWords } from "../perf/embedding.js";
import { dtypeBytes } from "../perf/gemm.js";
import type { DlrmWorkload } from "../spec/workload.js";
import { tableDim } from "../spec/workload.js";
import { DENSE_STATE_WORDS, denseParamCount, dlrmShapes, embeddingBytes, singleGpuWork, type RankWork } from "./dlrm.js";

const F32 = 4;
const I64 = 8;
/**
 * cuBLAS workspaces, allocated through PyTorch's caching allocator: 32 MiB per handle on
 * Hopper (CUBLAS_WORKSPACE_CONFIG default :4096:8), one handle for the forward thread and
 * one for the autograd thread. Matches the 57-80 MiB that the smallest H100 workloads
 * (dev09, dev16, dev17, dev19) allocate beyond tensors.
 */
const LIBRARY_WORKSPACE_BYTES = 2 * 32 * 2 ** 20;

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

/** HBM bytes of `rows x cols` of a table with its optimizer state (fp32 state whatever the rows' precision). */
export function tableStateBytes(w: DlrmWorkload, rows: number, cols: number): number {
  return rows * cols * (embeddingBytes(w.training.embeddingPrecision) + optimizerStateWords(w.training.optimizer, cols) * F32);
}

/** One rank's peak memory: its shards (all tables on a single GPU), the dense part with its batch slice. */
export function dlrmTrainingMemory(w: DlrmWorkload, p: ImplementationProfile, work: RankWork = singleGpuWork(w)): MemoryEstimate {
  const m = w.model;
  const B = work.localBatch;
  const s = dlrmShapes(m);
  const act = dtypeBytes(w.training.precision);
  const emb = embeddingBytes(w.training.embeddingPrecision);
  // Tables homed off the GPU keep only their cache rows in HBM (rows cached with their optimizer state, as SSD TBE does).
  const tableBytes = work.parts.reduce((sum, t) => sum + (t.residentRows ?? t.rows) * t.dim * emb, 0);
  const denseParams = denseParamCount(m);
  // Mixed precision keeps fp32 master weights and a low-precision copy.
  const denseParamBytes = denseParams * (F32 + (act < F32 ? act : 0));
  const words = DENSE_STATE_WORDS[w.training.optimizer];
  const optimizerStateBytes = work.parts.reduce((sum, t) => sum + tableStateBytes(w, t.residentRows ?? t.rows, t.dim) - (t.residentRows ?? t.rows) * t.dim * emb, 0) + denseParams * F32 * words;
  // Sparse gradients (reference): values (lookups x dim) and int64 indices, alive until the step.
  // Fused backward + optimizer kernels update rows in place and keep no such tensors (FBGEMM TBE).
  const sparseGrad = p.embedding.fusedOptimizer ? 0 : work.parts.reduce((sum, t) => sum + t.bags * t.pooling * (t.dim * emb + I64), 0);
  const gradientBytes = denseParams * F32 + sparseGrad;
  const inputBytes = work.parts.reduce((sum, t) => sum + t.bags * t.pooling * I64 + t.bags * I64, 0) + B * m.bottomMlp[0]! * F32 + B * F32;
  // Saved activations: each layer's output and its ReLU, pooled embeddings, interaction tensors.
  const layers = [...s.bottom, ...s.top];
  const mlpActs = layers.reduce((sum, l) => sum + 2 * B * l.out * act, 0);
  const embActs = m.tables.reduce((sum, t) => sum + B * tableDim(m, t) * act, 0);
  const interaction =
    m.interaction === "dot" ? B * (s.features * s.dim + s.features * s.features + s.pairs + s.topInput) * act
    // DCNv2: x0, and per cross layer its input, V x_l and U V x_l.
    : m.interaction === "dcnv2" ? B * (s.catWidth + s.cross.reduce((sum, c) => sum + 2 * c.width + c.rank, 0)) * act
    : B * s.topInput * act;
  const activationBytes = mlpActs + embActs + interaction;
  const workspaceBytes = LIBRARY_WORKSPACE_BYTES;
  const peakBytes = tableBytes + denseParamBytes + optimizerStateBytes + gradientBytes + inputBytes + activationBytes + workspaceBytes;
  return { tableBytes, denseParamBytes, optimizerStateBytes, gradientBytes, activationBytes, inputBytes, workspaceBytes, peakBytes };
}
