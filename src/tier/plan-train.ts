/**
 * The training tier planner (MTrainS, Kassa et al. 2023): the fewest nodes, then the least
 * power, that meet a step target. For a node count n: tables are homed by bandwidth need per
 * byte (lookups per row, MTrainS Sec. 4) into the node's tiers fastest first; a DRAM reserve
 * caches SSD homes; HBM caches are spent where a byte removes the most miss-seconds
 * (tier/allocate.ts); a table cached whole is homed in HBM. The count search gallops on a fast
 * estimate (the sharding planner's dense step + the busiest tier's time), then the chosen plan
 * goes through the sharding planner and the one step model (shard/ + tier/fetch.ts).
 */
import { reshapeCluster, resolveCluster, type Cluster } from "../catalog/clusters.js";
import type { Node, TierKind } from "../catalog/tiers.js";
import { tableStateBytes } from "../graph/dlrm-memory.js";
import { tierFetchUs } from "../perf/elementwise.js";
import { planContext } from "../shard/context.js";
import { planSharding } from "../shard/planner.js";
import type { PlanResult } from "../shard/types.js";
import { UserError } from "../spec/errors.js";
import type { CachePolicy, DlrmWorkload } from "../spec/workload.js";
import { tableDim } from "../spec/workload.js";
import type { TableAccess } from "./access.js";
import { allocate } from "./allocate.js";
import { granuleOf, type TierContext } from "./fetch.js";
import { nodeBusyUs, sumTraffic, tableTraffic, type Decision, type Traffic } from "./traffic.js";

/** The most nodes the count search tries. */
export const MAX_NODES = 4096;
/** Share of the free HBM the allocator spends: the rest is slack for packing shards onto GPUs. */
export const HBM_PACKING = 0.9;
/** DRAM shares kept as a cache in front of SSD homes (the rest homes tables). */
const DRAM_RESERVES = [0, 0.1, 0.25, 0.5];

export interface TableFacts {
  index: number;
  rows: number;
  /** Bytes a row moves and occupies: weights and optimizer state. */
  rowBytes: number;
  bytes: number;
  access: TableAccess;
  /** The hit curve the allocator plans on (trace: exact LRU). */
  hit: (rows: number) => number;
}

export interface Allocation {
  decisions: Decision[];
  traffic: Traffic[];
  /** Bytes of each tier used, over all nodes (hbm: caches and homes). */
  used: Record<"hbm" | TierKind, number>;
  /** What one HBM miss of each table costs the cluster, us: the allocator's weights. */
  perMissUs: number[];
}

export function tableFacts(w: DlrmWorkload, access: TableAccess[], policy: CachePolicy): TableFacts[] {
  return w.model.tables.map((t, index) => {
    const rowBytes = tableStateBytes(w, 1, tableDim(w.model, t));
    const a = access[index]!;
    const raw = a.source === "trace" ? (r: number) => a.hitRatio(r, "lru") : (r: number) => a.hitRatio(r, policy);
    // The allocator asks for the same sample sizes at every node count: memoised.
    const memo = new Map<number, number>();
    const hit = (r: number): number => {
      let h = memo.get(r);
      if (h === undefined) memo.set(r, (h = raw(r)));
      return h;
    };
    return { index, rows: t.rows, rowBytes, bytes: t.rows * rowBytes, access: a, hit };
  });
}

export interface Capacity {
  /** HBM for tables over all GPUs, bytes. */
  hbm: number;
  tiers: Array<{ kind: TierKind; bytes: number }>;
}

/**
 * Decide every table at one node count. `perMissUs(t, kind, dramShare)`: what one missed row of
 * table t costs the cluster's busiest path, us (host link plus its home tier).
 */
export function allocateTiers(facts: TableFacts[], cap: Capacity, reserve: number, policy: CachePolicy, perMissUs: (t: TableFacts, home: TierKind) => number, training: boolean, granule: (k: TierKind) => number): Allocation | string {
  const used: Allocation["used"] = { hbm: 0, dram: 0, cxl: 0, pmem: 0, ssd: 0 };
  const hasSsd = cap.tiers.some((t) => t.kind === "ssd");
  const left = new Map(cap.tiers.map((t) => [t.kind, t.kind === "dram" && hasSsd ? t.bytes * (1 - reserve) : t.bytes]));
  // Homes: bandwidth need per byte (lookups per row) decides who gets the faster tier.
  const order = [...facts].sort((a, b) => b.access.lookupsPerStep / b.rows - a.access.lookupsPerStep / a.rows || a.index - b.index);
  const homes = new Array<TierKind>(facts.length);
  for (const t of order) {
    const tier = cap.tiers.find((x) => (left.get(x.kind) ?? 0) >= t.bytes);
    if (!tier) {
      const biggest = Math.max(...cap.tiers.map((x) => left.get(x.kind) ?? 0));
      return `table ${t.index} (${(t.bytes / 1e9).toFixed(1)} GB with optimizer state) fits no tier: ${(biggest / 1e9).toFixed(1)} GB left in the largest`;
    }
    homes[t.index] = tier.kind;
    left.set(tier.kind, left.get(tier.kind)! - t.bytes);
  }
  // DRAM caches for SSD homes: the reserve plus what homing left.
  const dramCache = new Array<number>(facts.length).fill(0);
  if (hasSsd) {
    const ssd = facts.filter((t) => homes[t.index] === "ssd");
    const a = allocate(ssd.map((t) => ({ maxUnits: t.rows, unitBytes: t.rowBytes, cost: (x: number) => t.access.lookupsPerStep * (1 - t.hit(x)) * perMissUs(t, "ssd") })), left.get("dram") ?? 0);
    ssd.forEach((t, i) => (dramCache[t.index] = a.units[i]!));
    used.dram += a.bytes;
  }
  // HBM caches: every table competes; whole means homed in HBM.
  const perMiss = facts.map((t) => {
    const home = homes[t.index]!;
    if (home !== "ssd") return perMissUs(t, home);
    const m1 = 1 - t.hit(0);
    const m2 = 1 - t.hit(dramCache[t.index]!);
    // A miss that the DRAM cache serves costs a DRAM-homed miss; the rest an SSD read.
    return m1 > 0 ? perMissUs(t, "dram") * (1 - m2 / m1) + perMissUs(t, "ssd") * (m2 / m1) : 0;
  });
  const h = allocate(facts.map((t) => ({ maxUnits: t.rows, unitBytes: t.rowBytes, cost: (x: number) => t.access.lookupsPerStep * (1 - t.hit(x)) * perMiss[t.index]! })), cap.hbm);
  used.hbm = h.bytes;
  const decisions = facts.map((t): Decision => {
    const rows = h.units[t.index]!;
    if (rows >= t.rows) return { home: "hbm", hbmCacheRows: 0, dramCacheRows: 0, policy };
    return { home: homes[t.index]!, hbmCacheRows: rows, dramCacheRows: dramCache[t.index]!, policy };
  });
  decisions.forEach((d, i) => {
    if (d.home !== "hbm") used[d.home] += facts[i]!.bytes;
  });
  const traffic = decisions.map((d, i) => tableTraffic(d, facts[i]!.access, facts[i]!.rowBytes, 1, training, granule, facts[i]!.hit));
  return { decisions, traffic, used, perMissUs: perMiss };
}

export interface TrainSide {
  feasible: boolean;
  reason?: string;
  nodes: number;
  stepUs: number;
  /** The fast estimate the count search used, us. */
  estimateUs: number;
  allocation?: Allocation;
  plan?: PlanResult;
  cluster?: Cluster;
  /** Busy share of each tier on the busiest node, and of the host link. */
  utilisation: Partial<Record<TierKind | "hostLink" | "gpu", number>>;
}

/** The cluster of n of these nodes: the node's network preset, reshaped. */
export function nodeCluster(node: Node, n: number): Cluster {
  if (!node.gpu || node.spec.gpusPerNode === 0) throw new UserError(`node "${node.spec.id}" has no GPUs: use --mode infer`);
  const base = node.spec.cluster ? resolveCluster(node.spec.cluster) : resolveCluster(`1x${node.spec.gpusPerNode}-${node.gpu.id}`);
  return reshapeCluster({ ...base, gpuSpec: node.gpu, gpu: node.gpu.id, hostDramBytes: node.tiers[0]!.capacityBytes }, n, node.spec.gpusPerNode);
}

interface Estimate {
  stepUs: number;
  allocation?: Allocation;
  reason?: string;
}

/** The count search's estimate at n nodes: the best DRAM reserve's allocation and its step. */
export function estimateAt(w: DlrmWorkload, node: Node, n: number, facts: TableFacts[], policy: CachePolicy, hbmShare = HBM_PACKING): Estimate {
  const c = nodeCluster(node, n);
  const ctx = planContext(w, c);
  const G = c.gpusPerHost;
  const link = c.gpuSpec.hostLink.bandwidthBytesPerSecPerDirection;
  const comm = ctx.sendBytes.reduce((a, b) => a + b, 0) / c.ranks * ctx.a2aUsPerByte;
  const dense = ctx.baseStepUs + ctx.fairUs + comm;
  const granule = granuleOf(node);
  const tier = (k: TierKind) => node.tiers.find((t) => t.kind === k);
  // One missed row's share of the cluster's link and tier time, us (spread over n nodes).
  const perMissUs = (t: TableFacts, home: TierKind): number => {
    const linkUs = (t.rowBytes / (n * G * link)) * 1e6;
    const x = tier(home);
    if (!x) return linkUs;
    const g = granule(home);
    const ops = Math.ceil(t.rowBytes / g);
    const readUs = Math.max(ops / x.readIops, (ops * g) / x.readBytesPerSec) * 1e6;
    const writeUs = home === "ssd" ? 0 : Math.max(ops / x.writeIops, (ops * g) / x.writeBytesPerSec) * 1e6;
    return Math.max(linkUs, (readUs + writeUs) / n);
  };
  const cap: Capacity = { hbm: Math.max(0, (ctx.capacity - ctx.dense.memoryBytes) * c.ranks * hbmShare), tiers: node.tiers.map((t) => ({ kind: t.kind, bytes: t.capacityBytes * n })) };
  let best: Estimate = { stepUs: Infinity, reason: "no allocation" };
  for (const reserve of node.tiers.some((t) => t.kind === "ssd") ? DRAM_RESERVES : [0]) {
    const a = allocateTiers(facts, cap, reserve, policy, perMissUs, true, granule);
    if (typeof a === "string") {
      if (!best.allocation) best = { stepUs: Infinity, reason: a };
      continue;
    }
    const total = sumTraffic(a.traffic);
    const perNode = scaleLoads(total, 1 / n);
    const busy = Math.max(0, ...Object.values(nodeBusyUs(node.tiers, perNode.loads)));
    const fetch = tierFetchUs(c.gpuSpec, total.h2dBytes / c.ranks, total.d2hBytes / c.ranks, busy);
    const stepUs = Math.max(dense, fetch);
    if (stepUs < best.stepUs) best = { stepUs, allocation: a };
  }
  return best;
}

function scaleLoads(t: Traffic, f: number): Traffic {
  const loads: Traffic["loads"] = {};
  for (const [k, l] of Object.entries(t.loads) as [TierKind, NonNullable<Traffic["loads"][TierKind]>][]) loads[k] = { readBytes: l.readBytes * f, writeBytes: l.writeBytes * f, readOps: l.readOps * f, writeOps: l.writeOps * f };
  return { ...t, h2dBytes: t.h2dBytes * f, d2hBytes: t.d2hBytes * f, loads };
}

/** The workload with the allocation's placements on its tables. */
export function placed(w: DlrmWorkload, a: Allocation, prefetch: "pipelined" | "blocking" = "pipelined"): DlrmWorkload {
  return {
    ...w,
    model: {
      ...w.model,
      tables: w.model.tables.map((t, i) => {
        const d = a.decisions[i]!;
        const { placement: _, ...rest } = t;
        return d.home === "hbm" ? rest : { ...rest, placement: { home: d.home, hbmCacheRows: Math.floor(d.hbmCacheRows), dramCacheRows: Math.floor(d.dramCacheRows), policy: d.policy, prefetch } };
      }),
    },
  };
}

/** Fewest nodes meeting `targetUs`, the plan at that count evaluated by the one step model. */
export async function planTrainingTiers(w: DlrmWorkload, node: Node, targetUs: number, access: TableAccess[], policy: CachePolicy = "set-lru"): Promise<TrainSide> {
  const facts = tableFacts(w, access, policy);
  const total = facts.reduce((s, t) => s + t.bytes, 0);
  const perNode = node.tiers.reduce((s, t) => s + t.capacityBytes, 0) + (node.gpu ? node.gpu.hbmBytes * node.spec.gpusPerNode : 0);
  const ok = (n: number): Estimate => estimateAt(w, node, n, facts, policy);
  let lo = Math.max(1, Math.ceil(total / perNode));
  let e = ok(lo);
  let hi = lo;
  // Gallop to a count that meets the target, then bisect (the estimate falls with n).
  while (!(e.stepUs <= targetUs) && hi < MAX_NODES) {
    lo = hi;
    hi = Math.min(MAX_NODES, hi * 2);
    e = ok(hi);
  }
  if (!(e.stepUs <= targetUs)) {
    const why = e.reason ?? `even ${hi} nodes take ${(e.stepUs / 1000).toFixed(2)} ms per step (target ${(targetUs / 1000).toFixed(2)} ms)`;
    return { feasible: false, reason: why, nodes: hi, stepUs: e.stepUs, estimateUs: e.stepUs, utilisation: {} };
  }
  let best = { n: hi, e };
  if (hi > lo) {
    let a = lo;
    let b = hi;
    while (b - a > 1) {
      const m = Math.floor((a + b) / 2);
      const em = ok(m);
      if (em.stepUs <= targetUs) {
        b = m;
        best = { n: m, e: em };
      } else a = m;
    }
    if (lo === best.n - 1 || best.n === lo) {
      const el = ok(lo);
      if (el.stepUs <= targetUs) best = { n: lo, e: el };
    }
  }
  // The chosen count through the sharding planner and the one step model; one more node if the estimate was optimistic.
  for (let n = best.n, tries = 0; tries < 4 && n <= MAX_NODES; n++, tries++) {
    const e = n === best.n ? best.e : ok(n);
    if (!e.allocation) continue;
    let side = await evaluateSide(w, node, n, e, access);
    // Shards that do not pack onto the GPUs: spend less HBM on caches and plan again.
    for (let share = HBM_PACKING * 0.8; !side.feasible && share > 0.3; share *= 0.8) {
      const smaller = estimateAt(w, node, n, facts, policy, share);
      if (!smaller.allocation) break;
      side = await evaluateSide(w, node, n, smaller, access);
    }
    if (side.feasible && side.stepUs <= targetUs * (1 + 1e-9)) return side;
    if (tries === 3) return { ...side, feasible: false, reason: side.reason ?? `the evaluated step ${(side.stepUs / 1000).toFixed(2)} ms misses the target ${(targetUs / 1000).toFixed(2)} ms at ${n} nodes` };
  }
  return { feasible: false, reason: "no allocation", nodes: best.n, stepUs: Infinity, estimateUs: best.e.stepUs, utilisation: {} };
}

async function evaluateSide(w: DlrmWorkload, node: Node, n: number, e: Estimate, access: TableAccess[]): Promise<TrainSide> {
  const a = e.allocation!;
  const c = nodeCluster(node, n);
  const wt = placed(w, a);
  const tiers: TierContext = { node, access };
  const plan = await planSharding(wt, c, "best", { tiers });
  const perNode = scaleLoads(sumTraffic(a.traffic), 1 / n);
  const busy = nodeBusyUs(node.tiers, perNode.loads);
  const utilisation: TrainSide["utilisation"] = {};
  for (const [k, us] of Object.entries(busy) as [TierKind, number][]) utilisation[k] = Math.min(1, us / plan.stepUs);
  const link = c.gpuSpec.hostLink.bandwidthBytesPerSecPerDirection;
  utilisation.hostLink = Math.min(1, ((Math.max(perNode.h2dBytes, perNode.d2hBytes) / c.gpusPerHost / link) * 1e6) / plan.stepUs);
  utilisation.gpu = Math.min(1, plan.perRank.reduce((s, r) => s + r.denseUs + r.embeddingUs, 0) / plan.perRank.length / plan.stepUs);
  return { feasible: plan.feasible, reason: plan.infeasibleReason, nodes: n, stepUs: plan.stepUs, estimateUs: e.stepUs, allocation: a, plan, cluster: c, utilisation };
}
