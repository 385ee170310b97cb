/**
 * Node power at its utilisation (docs/tiers.md, "Power"): base (board, NICs, fans, PSU losses)
 * plus every device at idle + (active - idle) x its busy share; GPUs alike between an idle floor
 * and their TDP, CPUs between an idle floor and theirs.
 */
import type { Node, TierKind } from "../catalog/tiers.js";

/**
 * Idle draw as a share of TDP. GPUs: an idle A100 SXM draws ~50-60 W of its 400 W (nvidia-smi
 * on DGX A100 systems); CPUs: Xeon package idle ~30% of TDP (C-states off, as servers run).
 * Assumed (docs/tiers.md).
 */
export const GPU_IDLE_FRACTION = 0.15;
export const CPU_IDLE_FRACTION = 0.3;

export type Utilisation = Partial<Record<TierKind | "gpu" | "cpu" | "hostLink", number>>;

const between = (idle: number, active: number, u: number | undefined): number => idle + (active - idle) * Math.min(1, Math.max(0, u ?? 0));

export function nodePowerW(node: Node, u: Utilisation): number {
  const cpu = node.spec.cpu;
  let w = node.spec.baseWatts + cpu.sockets * between(cpu.watts * CPU_IDLE_FRACTION, cpu.watts, u.cpu ?? (node.gpu ? 1 : 0));
  if (node.gpu) w += node.spec.gpusPerNode * between(node.gpu.tdpWatts * GPU_IDLE_FRACTION, node.gpu.tdpWatts, u.gpu);
  for (const t of node.tiers) w += between(t.idleWatts, t.activeWatts, u[t.kind]);
  return w;
}
