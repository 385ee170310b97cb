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

export function sortUs(keys: number): number {
  const S = KERNEL_CONSTANTS.sort;
  return S.fixedUs + keys / S.keysPerUs;
}
