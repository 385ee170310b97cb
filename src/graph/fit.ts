/** Does one GPU's share of a step fit its memory, and if not, what does not. */
import type { Gpu } from "../catalog/gpus.js";
import type { MemoryEstimate } from "./dlrm-memory.js";

/** Usable share of HBM (the rest: CUDA context, allocator fragmentation, NCCL buffers). */
export const HBM_USABLE = 0.9;

export interface Fit {
  fits: boolean;
  /** Why not: the need against the capacity and its largest parts. */
  reason?: string;
}

export function fitCheck(m: MemoryEstimate, gpu: Gpu): Fit {
  const capacity = gpu.hbmBytes * HBM_USABLE;
  if (m.peakBytes <= capacity) return { fits: true };
  const gb = (b: number): string => `${(b / 1e9).toFixed(1)} GB`;
  const parts: Array<[string, number]> = [
    ["embedding tables", m.tableBytes],
    ["optimizer state", m.optimizerStateBytes],
    ["gradients", m.gradientBytes],
    ["activations", m.activationBytes],
    ["inputs", m.inputBytes],
    ["dense parameters", m.denseParamBytes],
  ];
  const top = parts.sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${gb(v)}`).join(", ");
  return { fits: false, reason: `needs ${gb(m.peakBytes)}, a ${gpu.id} offers ${gb(capacity)} usable (${top}); shard it over more GPUs (strata plan) or use a smaller batch` };
}
