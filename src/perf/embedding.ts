/**
 * Embedding-bag kernels: forward (pooled lookup), backward (sparse gradient rows) and the
 * sparse SGD update. Memory-traffic models after Lin et al. (HiPC 2022, Sec. IV-B), with L2
 * reuse of rows repeated in a batch (the index distribution's unique fraction), refitted to the
 * kernels PyTorch 2.11 runs (constants: perf/constants.ts, fitted on the 21 H100 traces).
 */
import type { Gpu } from "../catalog/gpus.js";
import { KERNEL_CONSTANTS } from "./constants.js";

const E = KERNEL_CONSTANTS.embedding;
const SECTOR_BYTES = 32;

function rowBytes(dim: number, elementBytes: number): number {
  return Math.max(SECTOR_BYTES, Math.ceil((dim * elementBytes) / SECTOR_BYTES) * SECTOR_BYTES);
}

export function embeddingForwardUs(
  gpu: Gpu,
  w: { bags: number; pooling: number; dim: number; elementBytes: number; uniqueFraction: number },
): number {
  const lookups = w.bags * w.pooling;
  const bytes = rowBytes(w.dim, w.elementBytes);
  // Unique rows come from HBM; repeats within the batch are mostly L2 hits.
  const effectiveBytes = lookups * bytes * (w.uniqueFraction + (1 - w.uniqueFraction) * E.l2ReuseCost);
  const bandwidthUs = (effectiveBytes / (gpu.hbmBandwidthBytesPerSec * E.forwardBandwidthEfficiency)) * 1e6;
  // Each warp sums one bag's 32-column chunk with dependent loads; warps beyond what the GPU
  // holds (64 per SM) run in further waves.
  const warps = Math.min(E.forwardWarps, gpu.smCount * 64);
  const waves = Math.ceil((w.bags * Math.ceil(w.dim / 32)) / warps);
  const latencyUs = waves * w.pooling * E.forwardLatencyUs;
  return E.forwardFixedUs + Math.max(bandwidthUs, latencyUs);
}

export function embeddingBackwardUs(gpu: Gpu, w: { lookups: number; dim: number; elementBytes: number }): number {
  // One block per lookup: bound by block scheduling on small rows, by bandwidth on wide ones.
  const blockUs = (w.lookups * E.backwardBlockUs) / gpu.smCount;
  const bytes = 2 * w.lookups * w.dim * w.elementBytes;
  const bandwidthUs = (bytes / (gpu.hbmBandwidthBytesPerSec * KERNEL_CONSTANTS.elementwise.bandwidthEfficiency)) * 1e6;
  return E.backwardFixedUs + Math.max(blockUs, bandwidthUs);
}

export function embeddingUpdateUs(
  gpu: Gpu,
  w: { lookups: number; dim: number; hottestRowShare: number },
): number {
  const elementsPerUs = (gpu.hbmBandwidthBytesPerSec * E.updateElementsPerByte) / 1e6;
  const streamUs = (w.lookups * w.dim) / elementsPerUs;
  // Atomic adds to one row serialise: the hottest row bounds the kernel on tiny tables.
  const serialUs = w.lookups * w.hottestRowShare * E.updateSerialUsPerHit;
  return E.updateFixedUs + Math.max(streamUs, serialUs);
}
