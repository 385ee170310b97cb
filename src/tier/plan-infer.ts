/**
 * The inference tier planner (software-defined memory, Ardestani et al. ICDCS 2022): CPU
 * inference hosts serve queries (one request of `inference.batchSize` samples) from tables
 * homed in DRAM or on SSDs behind a DRAM row cache. A replica of the model lives on a group of
 * k hosts (k = 1 when it fits one); a query fans out to the group. Per host, a query's latency is
 * its dense compute on one worker thread (M/M/c over the cores), its DRAM gathers, and its SSD
 * reads, each an M/M/c device queue (c = IOPS x latency), the query waiting for its slowest
 * read. The planner takes the fewest hosts, then the least power, meeting QPS at the p99 target.
 */
import type { Node, Tier, TierKind } from "../catalog/tiers.js";
import { denseParamCount } from "../graph/dlrm.js";
import { UserError } from "../spec/errors.js";
import type { CachePolicy, DlrmWorkload } from "../spec/workload.js";
import { embeddingBytes } from "../graph/dlrm.js";
import { tableDim } from "../spec/workload.js";
import type { TableAccess } from "./access.js";
import { allocate } from "./allocate.js";
import { granuleOps, tableTraffic, type Decision, type Traffic } from "./traffic.js";
import { maxQuantile } from "./queue.js";

/** Samples per query when the workload has no `inference` block (a ranking request's candidates). */
export const DEFAULT_QUERY_BATCH = 256;
/**
 * Share of a core's peak fp32 FLOP/s that batched MLP inference reaches (oneDNN GEMMs at these
 * sizes). Assumed (docs/tiers.md).
 */
export const CPU_GEMM_EFFICIENCY = 0.5;
/** The busiest resource is held below this utilisation (headroom, as serving fleets run). */
export const MAX_UTILISATION = 0.8;
const DRAM_RESERVES = [0, 0.25, 0.5, 0.75];

export interface InferSide {
  feasible: boolean;
  reason?: string;
  nodes: number;
  /** Hosts per model replica. */
  group: number;
  p99Us: number;
  qpsPerGroup: number;
  decisions: Decision[];
  traffic: Traffic[];
  utilisation: Partial<Record<TierKind | "cpu", number>>;
  used: Partial<Record<TierKind, number>>;
}

interface Layout {
  decisions: Decision[];
  traffic: Traffic[];
  used: Partial<Record<TierKind, number>>;
}

/** Homes by lookups per row into DRAM (less a reserve) then SSD; the reserve caches SSD homes. */
function layout(w: DlrmWorkload, node: Node, k: number, access: TableAccess[], reserve: number, policy: CachePolicy): Layout | string {
  const emb = embeddingBytes(w.training.embeddingPrecision);
  const rowBytes = w.model.tables.map((t) => tableDim(w.model, t) * emb);
  const dram = node.tiers.find((t) => t.kind === "dram")!;
  const slow = node.tiers.filter((t) => t.kind !== "dram");
  const hasSlow = slow.length > 0;
  const left = new Map<TierKind, number>(node.tiers.map((t) => [t.kind, t.capacityBytes * k]));
  left.set("dram", dram.capacityBytes * k * (hasSlow ? 1 - reserve : 1));
  const order = w.model.tables.map((_, i) => i).sort((a, b) => access[b]!.lookupsPerStep / access[b]!.rows - access[a]!.lookupsPerStep / access[a]!.rows || a - b);
  const homes = new Array<TierKind>(order.length);
  for (const i of order) {
    const bytes = access[i]!.rows * rowBytes[i]!;
    const tier = node.tiers.find((t) => (left.get(t.kind) ?? 0) >= bytes);
    if (!tier) return `table ${i} (${(bytes / 1e9).toFixed(1)} GB) fits no tier of ${k} host(s)`;
    homes[i] = tier.kind;
    left.set(tier.kind, left.get(tier.kind)! - bytes);
  }
  const cache = new Array<number>(order.length).fill(0);
  const ssdIdx = order.filter((i) => homes[i] !== "dram");
  if (ssdIdx.length) {
    const a = allocate(ssdIdx.map((i) => ({ maxUnits: access[i]!.rows, unitBytes: rowBytes[i]!, cost: (x: number) => access[i]!.lookupsPerStep * (1 - access[i]!.hitRatio(x, policy)) * granuleOps(rowBytes[i]!, tierOf(node, homes[i]!).device.granuleBytes) })), left.get("dram") ?? 0);
    ssdIdx.forEach((i, j) => (cache[i] = a.units[j]!));
  }
  // A DRAM cache in front of an SSD home: the same model as the training side with no HBM cache.
  const decisions = homes.map((home, i): Decision => ({ home, hbmCacheRows: 0, dramCacheRows: cache[i]!, policy }));
  const granule = (kind: TierKind): number => tierOf(node, kind).device.granuleBytes;
  const traffic = decisions.map((d, i) => tableTraffic(d, access[i]!, rowBytes[i]!, 1 / k, false, granule));
  const used: Layout["used"] = {};
  decisions.forEach((d, i) => {
    const home = d.home as TierKind;
    used[home] = (used[home] ?? 0) + access[i]!.rows * rowBytes[i]!;
    if (d.dramCacheRows) used.dram = (used.dram ?? 0) + d.dramCacheRows * rowBytes[i]!;
  });
  return { decisions, traffic, used };
}

function tierOf(node: Node, kind: TierKind): Tier {
  return node.tiers.find((t) => t.kind === kind)!;
}

/** One host's p99 at `qps` queries per second of its group, us, and its resources' utilisation. */
function hostLatency(w: DlrmWorkload, node: Node, l: Layout, qps: number, batch: number, group: number): { p99Us: number; util: InferSide["utilisation"] } {
  const cpu = node.spec.cpu;
  const cores = cpu.sockets * cpu.coresPerSocket;
  // Dense forward on one core: 2 FLOP per weight per sample (bottom and top MLPs); a group's
  // hosts take turns at the dense part, each gathers its own tables' rows for every query.
  const flops = 2 * batch * denseParamCount(w.model);
  const computeS = flops / ((cpu.peakFlopsPerSecPerSocket / cpu.coresPerSocket) * CPU_GEMM_EFFICIENCY);
  const util: InferSide["utilisation"] = { cpu: (qps * computeS) / group / cores };
  let p99 = maxQuantile(cores, qps / group, 1 / computeS, 1, 0.99);
  // Every query's lookups: DRAM gathers (bandwidth) and SSD reads (device queue), per query.
  for (const tier of node.tiers) {
    let readOps = 0;
    let readBytes = 0;
    for (const t of l.traffic) {
      const x = t.loads[tier.kind];
      if (x) {
        readOps += x.readOps;
        readBytes += x.readBytes;
      }
    }
    // Loads are per query (lookupsPerStep = one query's lookups).
    if (readOps <= 0) continue;
    const perDevice = readOps / tier.count;
    const lambda = qps * perDevice;
    const rate = Math.min(tier.readIops / tier.count, tier.readBytesPerSec / tier.count / (readBytes / readOps));
    util[tier.kind] = lambda / rate;
    if (tier.kind === "dram") {
      // Memory: no queue worth modelling below saturation; the gathers stream at the channel rate.
      p99 += (readBytes / tier.readBytesPerSec) * 1e0;
      continue;
    }
    const latencyS = tier.device.readLatencyUs / 1e6;
    const servers = Math.max(1, Math.round(rate * latencyS));
    p99 += maxQuantile(servers, lambda, 1 / latencyS, perDevice, 0.99);
  }
  return { p99Us: p99 * 1e6, util };
}

/** The most queries per second a group sustains with p99 under the target (bisection), 0 if none. */
function groupQps(w: DlrmWorkload, node: Node, l: Layout, p99TargetUs: number, batch: number, group: number): number {
  const ok = (q: number): boolean => {
    const h = hostLatency(w, node, l, q, batch, group);
    return h.p99Us <= p99TargetUs && Object.values(h.util).every((u) => (u ?? 0) <= MAX_UTILISATION);
  };
  if (!ok(1e-6)) return 0;
  let lo = 1e-6;
  let hi = 1;
  while (ok(hi) && hi < 1e12) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 50; i++) {
    const m = (lo + hi) / 2;
    if (ok(m)) lo = m;
    else hi = m;
  }
  return lo;
}

export function planInferenceTiers(w: DlrmWorkload, node: Node, qps: number, p99TargetUs: number, access: TableAccess[], policy: CachePolicy = "lru", powerOf: (side: InferSide) => number): InferSide {
  if (node.spec.gpusPerNode > 0) throw new UserError(`--mode infer models CPU inference hosts (SDM); node "${node.spec.id}" has GPUs: use --mode train or an sdm-* node`);
  const batch = w.inference?.batchSize ?? DEFAULT_QUERY_BATCH;
  const perQuery = access.map((a) => ({ ...a, lookupsPerStep: a.lookupsPerStep > 0 ? (a.lookupsPerStep / w.training.batchSize) * batch : 0 }));
  const emb = embeddingBytes(w.training.embeddingPrecision);
  const total = w.model.tables.reduce((s, t) => s + t.rows * tableDim(w.model, t) * emb, 0);
  const perHost = node.tiers.reduce((s, t) => s + t.capacityBytes, 0);
  const kMin = Math.max(1, Math.ceil(total / perHost));
  let best: InferSide | undefined;
  let lastReason = "";
  for (let k = kMin; k < kMin + 4; k++) {
    for (const reserve of node.tiers.length > 1 ? DRAM_RESERVES : [0]) {
      const l = layout(w, node, k, perQuery, reserve, policy);
      if (typeof l === "string") {
        lastReason = l;
        continue;
      }
      const q = groupQps(w, node, l, p99TargetUs, batch, k);
      if (q <= 0) {
        lastReason = `no load meets p99 ${(p99TargetUs / 1000).toFixed(2)} ms on ${k} host(s) per replica (an unloaded query takes ${(hostLatency(w, node, l, 1e-6, batch, k).p99Us / 1000).toFixed(2)} ms)`;
        continue;
      }
      const groups = Math.ceil(qps / q);
      const load = qps / groups;
      const h = hostLatency(w, node, l, load, batch, k);
      const side: InferSide = { feasible: true, nodes: groups * k, group: k, p99Us: h.p99Us, qpsPerGroup: q, decisions: l.decisions, traffic: l.traffic, utilisation: h.util, used: l.used };
      if (!best || side.nodes < best.nodes || (side.nodes === best.nodes && powerOf(side) < powerOf(best))) best = side;
    }
  }
  return best ?? { feasible: false, reason: lastReason, nodes: 0, group: kMin, p99Us: Infinity, qpsPerGroup: 0, decisions: [], traffic: [], utilisation: {}, used: {} };
}
