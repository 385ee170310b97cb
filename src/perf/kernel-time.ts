/** One entry point: the duration of any kernel on a GPU, dispatching to the kernel models. */
import type { Gpu } from "../catalog/gpus.js";
import { KERNEL_CONSTANTS } from "./constants.js";
import { bmmUs, gemmUs } from "./gemm.js";
import { embeddingBackwardUs, embeddingForwardUs, embeddingUpdateUs } from "./embedding.js";
import { elementwiseUs, memcpyUs, sortUs } from "./elementwise.js";
import type { KernelWork } from "./kernel.js";

export function kernelUs(gpu: Gpu, work: KernelWork): number {
  switch (work.kind) {
    case "gemm":
      return gemmUs(gpu, work.m, work.n, work.k, work.batch, work.dtype);
    case "bmm":
      return bmmUs(gpu, work.m, work.n, work.k, work.batch, work.dtype);
    case "embedding-forward":
      return embeddingForwardUs(gpu, work);
    case "embedding-backward":
      return embeddingBackwardUs(gpu, work);
    case "embedding-update":
      return embeddingUpdateUs(gpu, work);
    case "elementwise":
      return elementwiseUs(gpu, work.bytes, work.flops);
    case "memcpy":
      return memcpyUs(gpu, work.bytes, work.direction);
    case "memset":
      return elementwiseUs(gpu, work.bytes, 0);
    case "index-backward":
      return KERNEL_CONSTANTS.elementwise.indexBackwardFixedUs + (work.elements * KERNEL_CONSTANTS.elementwise.indexBackwardSmNs) / gpu.smCount / 1000;
    case "sort":
      return sortUs(work.keys);
  }
}

export { KERNEL_CONSTANTS };
