/**
 * The step model's view of tables homed off the GPU: each rank's cache misses become one
 * `tier-fetch` kernel (graph/dlrm.ts) on the prefetch stream, with the host-link bytes of its
 * shards and the busy time of its node's tiers (shared by the node's GPUs: each rank waits for
 * its node's busiest tier).
 */
import type { Cluster } from "../catalog/clusters.js";
import { getNode, type Node, type TierKind } from "../catalog/tiers.js";
import type { RankWork } from "../graph/dlrm.js";
import { tableStateBytes } from "../graph/dlrm-memory.js";
import { UserError } from "../spec/errors.js";
import type { CachePolicy, DlrmWorkload } from "../spec/workload.js";
import type { Shard } from "../shard/types.js";
import { analyticAccess, type TableAccess } from "./access.js";
import { nodeBusyUs, sumTraffic, tableTraffic, type Decision, type Traffic } from "./traffic.js";

export interface TierContext {
  /** The node's tiers (absent: host DRAM behind the host link only). */
  node?: Node;
  access: TableAccess[];
  /** Hit ratio the plan assumes per table (absent: the access model's at the placement). */
  hit?: (table: number, rows: number, policy: CachePolicy) => number;
}

/** The tier context a workload describes: its `hardware.node` and its index distribution. */
export function workloadTiers(w: DlrmWorkload): TierContext {
  const id = w.hardware.node;
  return { node: id ? getNode(id) : undefined, access: analyticAccess(w) };
}

export function decisionOf(w: DlrmWorkload, table: number): Decision {
  const p = w.model.tables[table]!.placement;
  return p ? { home: p.home, hbmCacheRows: p.hbmCacheRows, dramCacheRows: p.dramCacheRows, policy: p.policy } : { home: "hbm", hbmCacheRows: 0, dramCacheRows: 0, policy: "set-lru" };
}

export function granuleOf(node: Node | undefined): (kind: TierKind) => number {
  return (kind) => node?.tiers.find((t) => t.kind === kind)?.device.granuleBytes ?? 64;
}

/** Every shard's per-step traffic on each rank. */
export function rankTraffic(w: DlrmWorkload, shards: Shard[], ranks: number, tiers: TierContext): Traffic[][] {
  const out: Traffic[][] = Array.from({ length: ranks }, () => []);
  const granule = granuleOf(tiers.node);
  for (const s of shards) {
    const d = decisionOf(w, s.table);
    if (d.home === "hbm") continue;
    const t = w.model.tables[s.table]!;
    const a = tiers.access[s.table]!;
    const hit = tiers.hit ? (rows: number) => tiers.hit!(s.table, rows, d.policy) : undefined;
    s.ranks.forEach((r, i) => {
      const rows = s.rows[i]![1] - s.rows[i]![0];
      const cols = s.cols[i]![1] - s.cols[i]![0];
      // Row-wise shards serve their rows' share of the lookups; column shards every lookup, narrower.
      const share = s.type === "data-parallel" ? 1 / ranks : rows / t.rows;
      // A cached row travels with its optimizer state (SSD TBE caches both; UVM caching reads the state over the link).
      out[r]!.push(tableTraffic(d, a, tableStateBytes(w, 1, cols), share, true, granule, hit));
    });
  }
  return out;
}

export function attachFetches(w: DlrmWorkload, c: Cluster, shards: Shard[], works: RankWork[], tiers: TierContext = workloadTiers(w)): void {
  for (const s of shards) {
    const home = decisionOf(w, s.table).home;
    if (home !== "hbm" && home !== "dram" && !tiers.node?.tiers.some((t) => t.kind === home)) {
      throw new UserError(`${w.name}: model.tables[${s.table}].placement.home is "${home}", but ${tiers.node ? `node "${tiers.node.spec.id}" has no ${home} tier` : "the workload names no hardware.node with that tier (node presets: strata tier --help)"}`);
    }
  }
  const perRank = rankTraffic(w, shards, works.length, tiers).map(sumTraffic);
  const perNode = new Map<number, Traffic[]>();
  perRank.forEach((t, r) => {
    const host = Math.floor(r / c.gpusPerHost);
    perNode.set(host, [...(perNode.get(host) ?? []), t]);
  });
  const busy = new Map<number, number>();
  for (const [host, ts] of perNode) {
    const loads = sumTraffic(ts).loads;
    const b = tiers.node ? nodeBusyUs(tiers.node.tiers, loads) : {};
    busy.set(host, Math.max(0, ...Object.values(b)));
  }
  const blocking = w.model.tables.some((t) => t.placement?.prefetch === "blocking");
  works.forEach((work, r) => {
    const t = perRank[r]!;
    if (t.h2dBytes <= 0 && t.d2hBytes <= 0) return;
    work.fetch = { h2dBytes: t.h2dBytes, d2hBytes: t.d2hBytes, storageUs: busy.get(Math.floor(r / c.gpusPerHost)) ?? 0, blocking };
  });
}
