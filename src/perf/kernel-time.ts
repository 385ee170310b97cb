/** One entry point: the duration of any kernel on a GPU, dispatching to the kernel models. */
import { reshapeCluster, type Cluster } from "../catalog/clusters.js";
import type { Gpu } from "../catalog/gpus.js";
import { attentionDecodeUs, attentionPrefillUs } from "./attention.js";
import { allGatherUs, allReduceUs, allToAllUs, hostAllReduceUs, reduceScatterUs } from "./collectives.js";
import { KERNEL_CONSTANTS } from "./constants.js";
import { bmmUs, gemmUs, groupedGemmUs } from "./gemm.js";
import { embeddingBackwardUs, embeddingForwardUs, embeddingUpdateUs, tbeBackwardUs, tbeForwardUs } from "./embedding.js";
import { elementwiseUs, memcpyUs, sortUs, tierFetchUs } from "./elementwise.js";
import type { KernelWork } from "./kernel.js";

/** `cluster`: where collectives run (none: a single GPU, collectives cost nothing). */
export function kernelUs(gpu: Gpu, work: KernelWork, cluster?: Cluster): number {
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
    case "tbe-forward":
      return tbeForwardUs(gpu, work.parts, work.elementBytes, work.outputBytes);
    case "tbe-backward":
      return tbeBackwardUs(gpu, work.parts, work.elementBytes, work.optimizer, work.gradBytes);
    case "collective": {
      if (!cluster || cluster.ranks <= 1) return 0;
      if (work.scope === "host") cluster = reshapeCluster(cluster, 1);
      switch (work.op) {
        case "all-to-all": return allToAllUs(cluster, [work.bytes]);
        case "all-reduce": return work.algorithm === "one-shot" ? hostAllReduceUs(cluster, work.bytes) : allReduceUs(cluster, work.bytes);
        case "reduce-scatter": return reduceScatterUs(cluster, work.bytes);
        case "all-gather": return allGatherUs(cluster, work.bytes);
      }
      break;
    }
    case "grouped-gemm":
      return groupedGemmUs(gpu, work.rows, work.n, work.k, work.dtype, work.weightBytesPerValue, { compute: work.computeEfficiency, bandwidth: work.bandwidthEfficiency });
    case "attention-prefill":
      return attentionPrefillUs(gpu, work.batch, work.heads, work.headDim, work.tokens, work.dtype, work.past, work.chunk, work.window);
    case "attention-decode":
      return attentionDecodeUs(gpu, work.batch, work.kvTokens, work.kvBytesPerToken, work.flopsPerKvToken);
    case "elementwise":
      return elementwiseUs(gpu, work.bytes, work.flops);
    case "memcpy":
      return memcpyUs(gpu, work.bytes, work.direction);
    case "tier-fetch":
      return tierFetchUs(gpu, work.h2dBytes, work.d2hBytes, work.storageUs);
    case "memset":
      return elementwiseUs(gpu, work.bytes, 0);
    case "index-backward":
      return KERNEL_CONSTANTS.elementwise.indexBackwardFixedUs + (work.elements * KERNEL_CONSTANTS.elementwise.indexBackwardSmNs) / gpu.smCount / 1000;
    case "sort":
      return sortUs(work.keys);
  }
}

export { KERNEL_CONSTANTS };
