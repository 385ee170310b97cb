/**
 * Collective communication time on a cluster: latency + bytes over bandwidth per hop, with
 * the algorithms NCCL uses (Thakur et al., "Optimization of Collective Communication
 * Operations in MPICH", IJHPCA 2005, for the ring and tree costs; hierarchical variants run
 * intra-host over NVLink and inter-host over each GPU's NIC, as on ZionEX, Mudigere et al.
 * ISCA 2022 Sec. 4). Bandwidths are per GPU per direction; an efficiency factor covers
 * protocol overheads (fitted to nccl-tests bus bandwidth, see docs/sharding.md).
 */
import type { Cluster } from "../catalog/clusters.js";

/** Fraction of link bandwidth NCCL reaches on large messages (nccl-tests busbw / link bw). */
export const LINK_EFFICIENCY = { intraHost: 0.8, interHost: 0.9 } as const;

export type CommDtype = "fp32" | "bf16" | "fp16" | "fp8";
export const COMM_BYTES: Record<CommDtype, number> = { fp32: 4, bf16: 2, fp16: 2, fp8: 1 };

interface Group {
  ranks: number;
  bandwidth: number;
  latencyUs: number;
}

function groups(c: Cluster) {
  const intra: Group = { ranks: c.gpusPerHost, bandwidth: c.intraHost.bandwidthBytesPerSec * LINK_EFFICIENCY.intraHost, latencyUs: c.intraHost.latencyUs };
  const inter: Group = { ranks: c.hosts, bandwidth: c.interHost.bandwidthBytesPerSec * c.interHost.nicsPerGpu * LINK_EFFICIENCY.interHost, latencyUs: c.interHost.latencyUs };
  return { intra, inter };
}

/** Ring all-reduce of `bytes` per rank in a group: 2(n-1) steps of bytes/n each. */
function ringAllReduceUs(bytes: number, g: Group): number {
  if (g.ranks <= 1) return 0;
  return 2 * (g.ranks - 1) * g.latencyUs + ((2 * (g.ranks - 1)) / g.ranks) * (bytes / g.bandwidth) * 1e6;
}

/** Ring reduce-scatter or all-gather: (n-1) steps of bytes/n. */
function ringHalfUs(bytes: number, g: Group): number {
  if (g.ranks <= 1) return 0;
  return (g.ranks - 1) * g.latencyUs + ((g.ranks - 1) / g.ranks) * (bytes / g.bandwidth) * 1e6;
}

/**
 * All-reduce over all ranks. One host: a ring over NVLink. Several: hierarchical —
 * reduce-scatter inside the host, all-reduce of each GPU's 1/g share across hosts over its
 * own NIC (rail-optimised), all-gather inside the host. NCCL pipelines chunks through these
 * stages, so the bandwidth terms overlap: the slower stage bounds it (this matches the
 * published two-host DGX H100 bus bandwidth, BENCHMARKS.md); latencies add.
 */
export function allReduceUs(c: Cluster, bytes: number): number {
  const { intra, inter } = groups(c);
  if (c.hosts === 1) return ringAllReduceUs(bytes, intra);
  return pipelined([ringHalfUs(bytes, intra) + ringHalfUs(bytes, intra), ringAllReduceUs(bytes / c.gpusPerHost, inter)], [2 * (intra.ranks - 1) * intra.latencyUs, 2 * (inter.ranks - 1) * inter.latencyUs]);
}

/**
 * All-reduce inside one NVLink host for small messages as inference engines run it (vLLM's
 * custom all-reduce, one-shot: every rank reads the n-1 peer buffers over NVLink and reduces
 * locally; two hops of latency), or the ring when that is faster (large messages).
 */
export function hostAllReduceUs(c: Cluster, bytes: number): number {
  const { intra } = groups(c);
  if (c.hosts > 1) return allReduceUs(c, bytes);
  if (c.ranks <= 1) return 0;
  const oneShot = 2 * intra.latencyUs + ((c.ranks - 1) * bytes / intra.bandwidth) * 1e6;
  return Math.min(oneShot, ringAllReduceUs(bytes, intra));
}

export function reduceScatterUs(c: Cluster, bytes: number): number {
  const { intra, inter } = groups(c);
  if (c.hosts === 1) return ringHalfUs(bytes, intra);
  return pipelined([ringHalfUs(bytes, intra), ringHalfUs(bytes / c.gpusPerHost, inter)], [(intra.ranks - 1) * intra.latencyUs, (inter.ranks - 1) * inter.latencyUs]);
}

/** Stages that stream chunks to each other: the slowest stage's bandwidth time, plus every stage's latency. */
function pipelined(stageUs: number[], latencyUs: number[]): number {
  const lat = latencyUs.reduce((a, b) => a + b, 0);
  return Math.max(...stageUs.map((us, i) => us - latencyUs[i]!)) + lat;
}

export function allGatherUs(c: Cluster, bytes: number): number {
  return reduceScatterUs(c, bytes);
}

/**
 * All-to-all where rank r sends `sendBytes[r]` in total, spread evenly over all ranks (uneven
 * splits: each rank's own volume). The slowest rank bounds it: its intra-host share goes over
 * NVLink, its inter-host share over its NIC, concurrently; plus one latency per peer group.
 */
export function allToAllUs(c: Cluster, sendBytes: number[]): number {
  const { intra, inter } = groups(c);
  const n = c.ranks;
  if (n <= 1) return 0;
  let worst = 0;
  for (const bytes of sendBytes) {
    const intraBytes = (bytes * (c.gpusPerHost - 1)) / n;
    const interBytes = (bytes * (n - c.gpusPerHost)) / n;
    const us = Math.max((intraBytes / intra.bandwidth) * 1e6, c.hosts > 1 ? (interBytes / inter.bandwidth) * 1e6 : 0);
    worst = Math.max(worst, us);
  }
  return worst + (c.gpusPerHost - 1) * intra.latencyUs * 0.25 + (c.hosts > 1 ? inter.latencyUs * Math.log2(c.hosts) : 0);
}
