/** Fill every kernel's duration in a graph from the kernel models for one GPU. */
import type { Gpu } from "../catalog/gpus.js";
import type { ExecutionGraph } from "../graph/types.js";
import { kernelUs } from "./kernel-time.js";

export function timeKernels(graph: ExecutionGraph, gpu: Gpu, correction: (kind: string) => number = () => 1): ExecutionGraph {
  for (const op of graph.ops) {
    for (const launch of op.launches) {
      if (launch.kind === "kernel") launch.kernel.durationUs = kernelUs(gpu, launch.kernel.work) * correction(launch.kernel.work.kind);
    }
  }
  return graph;
}
