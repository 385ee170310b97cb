/** Fill every kernel's duration in a graph from the kernel models for one GPU. */
import type { Cluster } from "../catalog/clusters.js";
import type { Gpu } from "../catalog/gpus.js";
import type { ExecutionGraph } from "../graph/types.js";
import { kernelUs } from "./kernel-time.js";

/** `correction` multiplies the modelled time of an op's kernels (learned per op name from traces). */
export function timeKernels(graph: ExecutionGraph, gpu: Gpu, correction: (opName: string) => number = () => 1, cluster?: Cluster): ExecutionGraph {
  for (const op of graph.ops) {
    const k = correction(op.name);
    for (const launch of op.launches) {
      if (launch.kind === "kernel") launch.kernel.durationUs = kernelUs(gpu, launch.kernel.work, cluster) * (launch.kernel.work.kind === "collective" ? 1 : k);
    }
  }
  return graph;
}
