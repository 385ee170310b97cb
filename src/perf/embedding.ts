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

export function embeddingForwardUs(
  gpu: Gpu,
  w: { bags: number; pooling: number; dim: number; elementBytes: number; uniqueFraction: number },
): number {
  const lookups = w.bags * w.pooling;
  const bytes = rowBytes(w.dim, w.elementBytes);
  // Unique rows come from HBM; repeats within the batch are mostly L2 hits.
  const effectiveBytes = lookups * bytes * (w.uniqueFraction + (1 - w.uniqueFraction) * E.l2ReuseCost);
  const bandwidthUs = (effectiveBytes / gatherBandwidthBytesPerSec(gpu)) * 1e6;
  // Each warp sums one bag's 32-column chunk with dependent loads; warps beyond what the GPU
  // holds (64 per SM) run in further waves.
  const warps = Math.min(E.forwardWarps, gpu.smCount * 64);
  const waves = Math.ceil((w.bags * Math.ceil(w.dim / 32)) / warps);
  const latencyUs = waves * w.pooling * E.forwardLatencyDramLatencies * gpu.dramLatencyNs * 1e-3;
  return E.forwardFixedUs + Math.max(bandwidthUs, latencyUs);
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
