/** Elementwise ops, reductions, copies and sorts: rooflines on the catalog's bandwidth. */
import type { Gpu } from "../catalog/gpus.js";
import { KERNEL_CONSTANTS } from "./constants.js";

const W = KERNEL_CONSTANTS.elementwise;
const M = KERNEL_CONSTANTS.memcpy;

export function elementwiseUs(gpu: Gpu, bytes: number, flops: number): number {
  const memS = bytes / (gpu.hbmBandwidthBytesPerSec * W.bandwidthEfficiency);
  const computeS = flops / gpu.peakFlopsPerSec.fp32;
  return W.fixedUs + Math.max(memS, computeS) * 1e6;
}

export function memcpyUs(gpu: Gpu, bytes: number, direction: "h2d-pageable" | "h2d-pinned" | "d2h" | "d2d"): number {
  const link = gpu.hostLink.bandwidthBytesPerSecPerDirection;
  switch (direction) {
    case "h2d-pageable":
      return M.pageableFixedUs + (bytes / (link * M.pageableBandwidthFraction)) * 1e6;
    case "h2d-pinned":
    case "d2h":
      return M.pageableFixedUs + (bytes / (link * M.pinnedBandwidthFraction)) * 1e6;
    case "d2d":
      return W.fixedUs + ((2 * bytes) / (gpu.hbmBandwidthBytesPerSec * M.d2dBandwidthFraction)) * 1e6;
  }
}

/**
 * Misses fetched from the node's tiers: the device reads, the H2D copy of the rows and the D2H
 * copy of evicted dirty rows stream through one pipeline (FBGEMM prefetch and cache eviction
 * kernels), so the slowest stage sets the time; PCIe is full duplex (pinned-copy bandwidth).
 */
export function tierFetchUs(gpu: Gpu, h2dBytes: number, d2hBytes: number, storageUs: number): number {
  if (h2dBytes <= 0 && d2hBytes <= 0 && storageUs <= 0) return 0;
  return Math.max(storageUs, memcpyUs(gpu, h2dBytes, "h2d-pinned"), memcpyUs(gpu, d2hBytes, "d2h"));
}

export function sortUs(keys: number): number {
  const S = KERNEL_CONSTANTS.sort;
  return S.fixedUs + keys / S.keysPerUs;
}
