/**
 * Embedding-bag kernels: forward (pooled lookup), backward (sparse gradient rows) and the
 * sparse SGD update. Memory-traffic models after Lin et al. (HiPC 2022, Sec. IV-B), with L2
 * reuse of rows repeated in a batch (the index distribution's unique fraction), refitted to the
 * kernels PyTorch 2.11 runs (constants: perf/constants.ts, fitted on the 21 H100 traces).
 *
 * None of these kernels streams at peak HBM bandwidth, so none scales with it across GPUs:
 * random-row gathers are bound by the bytes the SMs keep in flight over the DRAM latency
 * (Little's law), the index_select backward by block scheduling (SMs x clock), the index_add_
 * update by atomic throughput (SMs x clock). trace/retime.ts re-times traced kernels with these
 * same functions, so `predict --gpu` and `trace predict --gpu` scale them alike.
 */
import type { Gpu } from "../catalog/gpus.js";
import type { Optimizer } from "../spec/workload.js";
import { KERNEL_CONSTANTS } from "./constants.js";
import type { EmbeddingPart } from "./kernel.js";

const E = KERNEL_CONSTANTS.embedding;
const SECTOR_BYTES = 32;

function rowBytes(dim: number, elementBytes: number): number {
  return Math.max(SECTOR_BYTES, Math.ceil((dim * elementBytes) / SECTOR_BYTES) * SECTOR_BYTES);
}

/** Streaming kernels' fraction of HBM bandwidth caps any gather (perf/constants.ts elementwise). */
const STREAM_EFFICIENCY = KERNEL_CONSTANTS.elementwise.bandwidthEfficiency;

/**
 * Achieved bandwidth of a random-row gather, B/s: Little's law, SMs x bytes in flight per SM
 * over the DRAM load latency, capped by streaming bandwidth. Bytes in flight per SM default to
 * the PyTorch EmbeddingBag kernel's fit (H100 traces); TBE kernels pass their own.
 */
export function gatherBandwidthBytesPerSec(gpu: Gpu, bytesInFlightPerSm: number = E.gatherBytesInFlightPerSm): number {
  const littles = (gpu.smCount * bytesInFlightPerSm) / (gpu.dramLatencyNs * 1e-9);
  return Math.min(gpu.hbmBandwidthBytesPerSec * STREAM_EFFICIENCY, littles);
}

/** SM cycles per microsecond summed over the GPU: the rate of block scheduling and atomic issue. */
export function smCyclesPerUs(gpu: Gpu): number {
  return gpu.smCount * gpu.boostClockMHz;
}

/**
 * Fraction of a forward's row loads that miss L2. A row looked up for the first time in the batch
 * is still cached from earlier steps with the probability that the table fits the effective L2
 * (capacity / table bytes, the LRU hit rate of uniformly accessed rows); a repeat within the batch
 * hits unless the batch's distinct rows overflow it (capacity / distinct bytes). Zipf batches
 * repeat hot rows, so their low unique fraction keeps them in L2. Without `rows` every first
 * touch misses.
 */
export function forwardL2MissFraction(gpu: Gpu, w: { rows?: number; lookups: number; rowBytes: number; uniqueFraction: number }): number {
  const cache = gpu.l2Bytes * E.forwardL2Fraction;
  const miss = (bytes: number): number => (bytes > cache ? 1 - cache / bytes : 0);
  const u = Math.min(1, Math.max(0, w.uniqueFraction));
  return u * miss((w.rows ?? Infinity) * w.rowBytes) + (1 - u) * miss(u * w.lookups * w.rowBytes);
}

/** L1 line: a warp's row load holds one line's miss slot in flight however few of its sectors it uses. */
const LINE_BYTES = 128;

/**
 * EmbeddingBag_updateOutputKernel_sum_mean (PyTorch, mode sum): grid 1024 x block (32, 8), one
 * warp per chunk of 32 columns of one bag (lanes = min(32, dim) do work), grid-stride over the
 * bags x ceil(dim / 32) chunks. A chunk reads its bag's offsets and divides its 64-bit chunk
 * index, then runs `pooling` iterations of a dependent index load, row load and add.
 *
 * Latency bound: each warp runs ceil(chunks / warps) chunks in turn, each a chain of dependent
 * loads (the prologue, then one per lookup), in DRAM latencies. Throughput bound: SM issue
 * cycles per chunk plus, for the lookups, the larger of SM issue cycles per chunk-lookup (a
 * dim-16 row costs a warp-lookup like a dim-32 one) and the L2 misses at the Little's law
 * gather bandwidth, each miss holding a 128-byte line in flight (so a dim-16 miss costs as much
 * as a dim-32 one). The kernel moves from one bound to the other smoothly as queues fill: the
 * p-norm of the two. Constants: perf/constants.ts, fitted on every forward kernel of the 21
 * H100 traces and micro.json embedding_bag.
 */
export function embeddingForwardUs(
  gpu: Gpu,
  w: { bags: number; pooling: number; dim: number; elementBytes: number; uniqueFraction: number; rows?: number },
): number {
  const lookups = w.bags * w.pooling;
  const bytes = rowBytes(w.dim, w.elementBytes);
  const chunksPerBag = Math.ceil(w.dim / 32);
  const chunks = w.bags * chunksPerBag;
  // 8192 warps fit at once on H100 (64 per SM); more chunks run in further waves.
  const warps = Math.min(E.forwardWarps, gpu.smCount * 64);
  const waves = Math.ceil(chunks / warps);
  const latencyUs = waves * (E.forwardChunkDramLatencies + w.pooling * E.forwardLatencyDramLatencies) * gpu.dramLatencyNs * 1e-3;
  const cycles = smCyclesPerUs(gpu);
  const miss = forwardL2MissFraction(gpu, { rows: w.rows, lookups, rowBytes: bytes, uniqueFraction: w.uniqueFraction });
  const missLineBytes = miss * lookups * chunksPerBag * Math.max(LINE_BYTES, bytes / chunksPerBag);
  const issueUs = (lookups * chunksPerBag * E.forwardLookupCycles) / cycles;
  const dramUs = (missLineBytes / gatherBandwidthBytesPerSec(gpu)) * 1e6;
  const throughputUs = (chunks * E.forwardChunkCycles) / cycles + Math.max(issueUs, dramUs);
  const p = E.forwardBoundExponent;
  return E.forwardFixedUs + (latencyUs ** p + throughputUs ** p) ** (1 / p);
}

export function embeddingBackwardUs(gpu: Gpu, w: { lookups: number; dim: number; elementBytes: number }): number {
  // One block per lookup: bound by block scheduling (SM cycles) on small rows, by bandwidth on wide ones.
  const blockUs = (w.lookups * E.backwardBlockCycles) / smCyclesPerUs(gpu);
  const bytes = 2 * w.lookups * w.dim * w.elementBytes;
  const bandwidthUs = (bytes / (gpu.hbmBandwidthBytesPerSec * KERNEL_CONSTANTS.elementwise.bandwidthEfficiency)) * 1e6;
  return E.backwardFixedUs + Math.max(blockUs, bandwidthUs);
}

/**
 * fp32 optimizer-state words per embedding element: Adagrad one accumulator (Duchi et al., JMLR
 * 2011), Adam two moments (Kingma & Ba, ICLR 2015), row-wise Adagrad one accumulator per row
 * (FBGEMM EXACT_ROWWISE_ADAGRAD) shared by the row's `dim` elements.
 */
export function optimizerStateWords(optimizer: Optimizer, dim: number): number {
  switch (optimizer) {
    case "sgd": return 0;
    case "adagrad": return 1;
    case "adam": return 2;
    case "rowwise-adagrad": return 1 / Math.max(1, dim);
  }
}

/** Words an update reads and writes per element, relative to SGD's three (gradient, weight read and write): plus each state word read and written. */
export function optimizerTrafficFactor(optimizer: Optimizer, dim: number): number {
  return (3 + 2 * optimizerStateWords(optimizer, dim)) / 3;
}

export function embeddingUpdateUs(
  gpu: Gpu,
  w: { lookups: number; dim: number; hottestRowShare: number; optimizer?: Optimizer },
): number {
  // One atomicAdd per element: bound by the GPU's atomic issue rate (SMs x clock), not HBM.
  const elementsPerUs = smCyclesPerUs(gpu) * E.updateAtomicsPerSmCycle;
  const atomicUs = ((w.lookups * w.dim) / elementsPerUs) * optimizerTrafficFactor(w.optimizer ?? "sgd", w.dim);
  // Atomic adds to one row serialise: the hottest row bounds the kernel on tiny tables.
  const serialUs = (w.lookups * w.hottestRowShare * E.updateSerialCyclesPerHit) / gpu.boostClockMHz;
  return E.updateFixedUs + Math.max(atomicUs, serialUs);
}

/**
 * FBGEMM's table-batched embedding (TBE) kernels run every shard of a rank in one launch and
 * are bandwidth-bound (FBGEMM's benchmarks report GB/s): the forward reads each looked-up row
 * (repeats in the batch mostly from L2, Lin et al. Sec. IV-B) and writes the pooled outputs.
 * The backward fused with the optimizer sorts the lookups by row, reduces the gradients of each
 * unique row and updates it once (split_embedding_backward_codegen_<optimizer>: no atomics, no
 * sparse gradient tensors): it reads the output gradients, sorts (index, position) pairs, and
 * reads and writes every unique row with its optimizer state. One efficiency for both kernels
 * (perf/constants.ts, fitted on the MLPerf DLRM-DCNv2 1 x 8 H100 development point). Row
 * gathers and row updates (random rows) move at the Little's law gather bandwidth with TBE's own
 * bytes in flight per SM, the pooled outputs, gradients and sort at the streaming fraction.
 */
const T = KERNEL_CONSTANTS.tbe;

/** Random-row bytes at TBE's gather bandwidth (never above its streaming fraction), the rest streamed. */
function tbeTransferUs(gpu: Gpu, rowBytesTotal: number, streamBytes: number): number {
  const stream = gpu.hbmBandwidthBytesPerSec * T.bandwidthEfficiency;
  const gather = Math.min(stream, gatherBandwidthBytesPerSec(gpu, T.gatherBytesInFlightPerSm));
  return (rowBytesTotal / gather + streamBytes / stream) * 1e6;
}

export function tbeForwardUs(gpu: Gpu, parts: readonly EmbeddingPart[], elementBytes: number, outputBytes = elementBytes): number {
  let rowBytesTotal = 0;
  let streamBytes = 0;
  for (const p of parts) {
    const lookups = p.bags * p.pooling;
    if (lookups <= 0) continue;
    rowBytesTotal += lookups * rowBytes(p.dim, elementBytes) * (p.uniqueFraction + (1 - p.uniqueFraction) * E.l2ReuseCost);
    streamBytes += p.bags * p.dim * outputBytes;
  }
  return T.forwardFixedUs + tbeTransferUs(gpu, rowBytesTotal, streamBytes);
}

export function tbeBackwardUs(gpu: Gpu, parts: readonly EmbeddingPart[], elementBytes: number, optimizer: Optimizer, gradBytes = elementBytes): number {
  let rowBytesTotal = 0;
  let streamBytes = 0;
  for (const p of parts) {
    const lookups = p.bags * p.pooling;
    if (lookups <= 0) continue;
    const unique = Math.min(p.rows, lookups * p.uniqueFraction);
    streamBytes += p.bags * p.dim * gradBytes + lookups * T.sortBytesPerLookup;
    rowBytesTotal += unique * p.dim * 2 * (elementBytes + 4 * optimizerStateWords(optimizer, p.dim));
  }
  return T.backwardFixedUs + tbeTransferUs(gpu, rowBytesTotal, streamBytes);
}
