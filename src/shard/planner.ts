/**
 * Sharding planners, in TorchRec's split: enumerate options per table, estimate each option's
 * cost and memory (table-costs.ts, the kernel models), propose placements, partition onto ranks
 * under HBM capacity, and evaluate the plan with the multi-GPU step model (evaluate.ts).
 * Strategies: single-type baselines, a TorchRec-style greedy, and a cost-based search (LPT
 * with splitting of heavy tables, then local search); the default returns the best of all.
 */
import type { Cluster } from "../catalog/clusters.js";
import { UserError } from "../spec/errors.js";
import type { DlrmWorkload } from "../spec/workload.js";
import { HBM_USABLE } from "../graph/fit.js";
import { evaluatePlan } from "./evaluate.js";
import { planContext, type PlanContext, type PlanOptions } from "./context.js";
import { explainShard, HOT_FACTOR } from "./explain.js";
import { MILP_NODES, MILP_NODES_IN_BEST, milpIsSmall, milpIsTractable, solveMilp } from "./milp.js";
import { shardBytes, shardUs, tableInfos, type TableInfo } from "./table-costs.js";
import type { PlanResult, Shard } from "./types.js";
import { all, DP_MAX_BYTES, columnWise, dataParallel, hostRanks, rowWise, tableWise } from "./shards.js";

export const STRATEGIES = ["best", "search", "column-search", "greedy", "table-wise", "row-wise", "column-wise", "table-row-wise", "data-parallel", "milp"] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Narrowest column shard: a warp's 32-column chunk in the lookup kernel. */
const MIN_COLUMN_SHARD = 32;

/** Per-rank load and memory while placing. */
class Ranks {
  load: Float64Array;
  bytes: Float64Array;
  constructor(n: number, baseBytes: number) {
    this.load = new Float64Array(n);
    this.bytes = new Float64Array(n).fill(baseBytes);
  }
  /** Least-loaded rank (optionally among `among`) that has room for `bytes`. */
  leastLoaded(bytes: number, capacity: number, among?: number[]): number {
    let best = -1;
    for (const r of among ?? all(this.load.length)) if (this.bytes[r]! + bytes <= capacity && (best < 0 || this.load[r]! < this.load[best]!)) best = r;
    return best;
  }
  add(r: number, us: number, bytes: number): void {
    this.load[r] = this.load[r]! + us;
    this.bytes[r] = this.bytes[r]! + bytes;
  }
}

/** Place a table that does not fit (or is too hot for) one rank: row-wise within a host, else over all ranks. */
function split(ctx: PlanContext, ranks: Ranks, t: TableInfo): Shard {
  const g = ctx.c.gpusPerHost;
  const perHost = all(ctx.c.hosts).map((h) => hostRanks(g, h));
  const hostLoad = (rs: number[]): number => rs.reduce((a, r) => a + ranks.load[r]!, 0);
  const fits = (rs: number[], k: number): boolean => rs.every((r) => ranks.bytes[r]! + shardBytes(ctx.w, t, Math.ceil(t.rows / k), t.dim) <= ctx.capacity);
  const host = perHost.filter((rs) => fits(rs, g)).sort((a, b) => hostLoad(a) - hostLoad(b))[0];
  const shard = host && ctx.c.hosts > 1 ? rowWise(t, host, "table-row-wise") : rowWise(t, all(ctx.c.ranks));
  shard.ranks.forEach((r, i) => {
    const rows = shard.rows[i]![1] - shard.rows[i]![0];
    ranks.add(r, shardUs(ctx.c.gpuSpec, ctx.w, ctx.w.training.batchSize, (t.pooling * rows) / t.rows, rows, t.dim), shardBytes(ctx.w, t, rows, t.dim));
  });
  return shard;
}

/** Longest-processing-time first: heaviest tables first onto the least-loaded rank that has room. */
function lpt(ctx: PlanContext, order: number[], weight: (t: TableInfo) => number, allowSplit: boolean): Shard[] {
  const ranks = new Ranks(ctx.c.ranks, ctx.dense.memoryBytes);
  const shards: Shard[] = [];
  for (const i of order) {
    const t = ctx.tables[i]!;
    const bytes = shardBytes(ctx.w, t, t.rows, t.dim);
    if (allowSplit && t.bytes <= DP_MAX_BYTES && ctx.c.ranks > 1) {
      const s = dataParallel(t, ctx.c.ranks);
      for (const r of s.ranks) ranks.add(r, shardUs(ctx.c.gpuSpec, ctx.w, ctx.w.training.batchSize / ctx.c.ranks, t.pooling, t.rows, t.dim), bytes);
      shards.push(s);
      continue;
    }
    const r = ranks.leastLoaded(bytes, ctx.capacity);
    // A table hotter than a rank's fair share, or too big for any rank, is split.
    if (r < 0 || (allowSplit && ctx.twUs[i]! > HOT_FACTOR * ctx.fairUs && ctx.c.ranks > 1)) {
      shards.push(split(ctx, ranks, t));
      continue;
    }
    ranks.add(r, weight(t), bytes);
    shards.push(tableWise(t, r));
  }
  return shards;
}

/**
 * Balance the all-to-all as well as the lookups: tiny tables replicated; every other table split
 * into column shards of at least 32 columns, placed by LPT on lookup time plus all-to-all time
 * onto distinct ranks with room. Column shards spread a table's send volume (B x d/k per rank)
 * where table-wise placement puts B x d on one rank. A table whose column shard alone outweighs a
 * rank's fair share goes row-wise over all ranks instead when that costs each rank less (its
 * partial sums are reduce-scattered, Neo Sec. 5.1).
 */
function columnSearch(ctx: PlanContext): Shard[] {
  const { c, w } = ctx;
  const n = c.ranks;
  const B = w.training.batchSize;
  const ranks = new Ranks(n, ctx.dense.memoryBytes);
  const usPerByte = ctx.a2aUsPerByte * (ctx.sendBytes[0]! / Math.max(1, B * ctx.tables[0]!.dim));
  const shards: Shard[] = new Array(ctx.tables.length);
  const columns = (t: TableInfo): number => Math.min(n, Math.max(1, Math.floor(t.dim / MIN_COLUMN_SHARD)));
  const columnShardUs = (t: TableInfo): number => {
    const cols = Math.ceil(t.dim / columns(t));
    return shardUs(c.gpuSpec, w, B, t.pooling, t.rows, cols) + B * cols * usPerByte;
  };
  const rowWiseUs = (t: TableInfo): number => shardUs(c.gpuSpec, w, B, t.pooling / n, Math.ceil(t.rows / n), t.dim) + B * t.dim * usPerByte * (ctx.rowWiseUsPerByte / Math.max(1e-30, ctx.a2aUsPerByte));
  const split = ctx.tables.filter((t) => !(n > 1 && t.bytes <= DP_MAX_BYTES));
  const fair = split.reduce((s, t) => s + columnShardUs(t) * columns(t), 0) / n;
  const rest: number[] = [];
  for (const t of ctx.tables) {
    if (n > 1 && t.bytes <= DP_MAX_BYTES) shards[t.index] = dataParallel(t, n);
    else if (n > 1 && t.rows >= n && columnShardUs(t) > fair && rowWiseUs(t) < columnShardUs(t)) shards[t.index] = rowWise(t, all(n));
    else rest.push(t.index);
  }
  for (const s of shards) if (s) s.ranks.forEach((r, i) => ranks.add(r, 0, shardBytes(w, ctx.tables[s.table]!, s.rows[i]![1] - s.rows[i]![0], s.cols[i]![1] - s.cols[i]![0])));
  for (const i of byDescending(rest.map((j) => ctx.twUs[j]!)).map((k) => rest[k]!)) {
    const t = ctx.tables[i]!;
    const k = columns(t);
    const us = columnShardUs(t);
    const bytes = shardBytes(w, t, t.rows, Math.ceil(t.dim / k));
    const chosen: number[] = [];
    for (let j = 0; j < k; j++) {
      const r = ranks.leastLoaded(bytes, ctx.capacity, all(n).filter((x) => !chosen.includes(x)));
      if (r < 0) break;
      chosen.push(r);
      ranks.add(r, us, bytes);
    }
    // No room for k distinct shards: row-wise over all ranks always fits where anything does.
    shards[i] = chosen.length < k ? rowWise(t, all(n)) : k === 1 ? tableWise(t, chosen[0]!) : columnWise(t, chosen);
  }
  return shards;
}

/** Local search: move or swap table-wise shards off the most loaded rank while the maximum drops. */
function improve(ctx: PlanContext, shards: Shard[]): Shard[] {
  const n = ctx.c.ranks;
  const plan = ctx.evaluate(shards, "search");
  // Load = embedding time + the all-to-all time of what the rank sends, so moves balance both.
  const load = Float64Array.from(plan.perRank.map((p) => p.embeddingUs + p.a2aSendBytes * ctx.a2aUsPerByte));
  const bytes = Float64Array.from(plan.perRank.map((p) => p.hbmBytes));
  const tw = shards.filter((s) => s.type === "table-wise");
  const cost = (s: Shard): number => searchWeight(ctx, s.table);
  const mem = (s: Shard): number => shardBytes(ctx.w, ctx.tables[s.table]!, ctx.tables[s.table]!.rows, ctx.tables[s.table]!.dim);
  for (let iter = 0; iter < 20 * n + 200; iter++) {
    let hi = 0;
    let lo = 0;
    for (let r = 1; r < n; r++) {
      if (load[r]! > load[hi]!) hi = r;
      if (load[r]! < load[lo]!) lo = r;
    }
    const gap = load[hi]! - load[lo]!;
    let moved = false;
    for (const s of tw.filter((x) => x.ranks[0] === hi).sort((a, b) => cost(b) - cost(a))) {
      if (cost(s) < gap && bytes[lo]! + mem(s) <= ctx.capacity) {
        load[hi] = load[hi]! - cost(s); load[lo] = load[lo]! + cost(s);
        bytes[hi] = bytes[hi]! - mem(s); bytes[lo] = bytes[lo]! + mem(s);
        s.ranks = [lo];
        moved = true;
        break;
      }
      for (const o of tw.filter((x) => x.ranks[0] === lo)) {
        const d = cost(s) - cost(o);
        if (d > 0 && d < gap && bytes[lo]! - mem(o) + mem(s) <= ctx.capacity && bytes[hi]! - mem(s) + mem(o) <= ctx.capacity) {
          load[hi] = load[hi]! - d; load[lo] = load[lo]! + d;
          bytes[hi] = bytes[hi]! - mem(s) + mem(o); bytes[lo] = bytes[lo]! - mem(o) + mem(s);
          s.ranks = [lo];
          o.ranks = [hi];
          moved = true;
          break;
        }
      }
      if (moved) break;
    }
    if (!moved) break;
  }
  return shards;
}

/** What a table-wise shard adds to its rank in the search: kernel time plus its all-to-all time. */
function searchWeight(ctx: PlanContext, table: number): number {
  return ctx.twUs[table]! + ctx.sendBytes[table]! * ctx.a2aUsPerByte;
}

function byDescending(xs: number[]): number[] {
  return all(xs.length).sort((a, b) => xs[b]! - xs[a]! || a - b);
}

/**
 * Plan with one strategy, or (default) with all of them, returning the plan with the fastest
 * predicted step. The MILP joins the default only where it is small enough to solve quickly.
 */
export async function planSharding(w: DlrmWorkload, c: Cluster, strategy: Strategy = "best", options: PlanOptions = {}): Promise<PlanResult> {
  const ctx = planContext(w, c, options);
  const { tables, evaluate } = ctx;
  const n = c.ranks;
  // The MILP starts from the search's plan: computed once, also when both run for the default.
  let searchPlan: PlanResult | undefined;
  const search = (): PlanResult => {
    if (!searchPlan) {
      ctx.options.onStage?.("search");
      const weight = tables.map((t) => searchWeight(ctx, t.index));
      searchPlan = evaluate(improve(ctx, lpt(ctx, byDescending(weight), (t) => weight[t.index]!, true)), "search");
    }
    return searchPlan;
  };
  const build: Record<Exclude<Strategy, "best">, () => PlanResult | Promise<PlanResult>> = {
    "table-wise": () => evaluate(lpt(ctx, byDescending(ctx.twUs), (t) => ctx.twUs[t.index]!, false), "table-wise"),
    "row-wise": () => evaluate(tables.map((t) => rowWise(t, all(n))), "row-wise"),
    // Column shards of at least 32 columns (one warp's chunk in the lookup kernel), rotated over ranks.
    "column-wise": () => evaluate(tables.map((t, i) => {
      const k = Math.min(n, Math.max(1, Math.floor(t.dim / MIN_COLUMN_SHARD)));
      return columnWise(t, all(k).map((j) => (i * k + j) % n));
    }), "column-wise"),
    "table-row-wise": () => evaluate(tables.map((t, i) => rowWise(t, hostRanks(c.gpusPerHost, i % c.hosts), "table-row-wise")), "table-row-wise"),
    "data-parallel": () => evaluate(tables.map((t) => dataParallel(t, n)), "data-parallel"),
    // TorchRec-style greedy: biggest tables first, each onto the rank with the least bytes so far.
    greedy: () => evaluate(lpt(ctx, byDescending(tables.map((t) => t.bytes)), (t) => t.bytes / 1e9, false), "greedy"),
    search,
    "column-search": () => evaluate(columnSearch(ctx), "column-search"),
    milp: async () => {
      if (!milpIsTractable(ctx)) throw new UserError(`--strategy milp: ${tables.length} tables x ${n} ranks is too large for the exact solver; use search (the default)`);
      const start = search().shards;
      ctx.options.onStage?.(`milp (HiGHS${ctx.options.milpSeconds ? `, up to ${ctx.options.milpSeconds} s` : ""})`);
      const shards = await solveMilp(ctx, { seconds: ctx.options.milpSeconds, nodes: strategy === "milp" ? MILP_NODES : MILP_NODES_IN_BEST }, start);
      if (!shards) throw new UserError(`--strategy milp: HiGHS found no plan (${tables.length} tables x ${n} ranks; proven infeasible, or no solution within the limit); try --strategy search or a larger --milp-seconds`);
      return evaluate(shards, "milp");
    },
  };
  const explained = (p: PlanResult): PlanResult => ({ ...p, why: p.shards.map((s) => explainShard(ctx, s)) });
  if (strategy !== "best") return withTimeline(ctx, explained(await build[strategy]()));
  const names = (Object.keys(build) as Array<keyof typeof build>).filter((k) => k !== "milp" || milpIsSmall(ctx));
  const candidates: PlanResult[] = [];
  for (const k of names) {
    ctx.options.onStage?.(k);
    // A MILP that finds nothing in time simply drops out of the comparison.
    const p = await Promise.resolve(build[k]()).catch((e: unknown) => { if (k === "milp" && e instanceof UserError) return undefined; throw e; });
    if (p) candidates.push(p);
  }
  const feasible = candidates.filter((p) => p.feasible);
  const pool = feasible.length ? feasible : candidates;
  // Ties (a host-bound step) go to the plan with the least GPU work and exposed communication.
  const gpuKey = (p: PlanResult): number => p.perRank.reduce((m, r) => Math.max(m, r.denseUs + r.embeddingUs), 0) + (p.perRank[0]?.commUs ?? 0);
  const best = pool.reduce((a, b) => (b.stepUs < a.stepUs - 1e-9 || (Math.abs(b.stepUs - a.stepUs) <= 1e-9 && gpuKey(b) < gpuKey(a)) ? b : a));
  if (!feasible.length) best.infeasibleReason = infeasibility(ctx);
  return withTimeline(ctx, explained({ ...best, strategy: `best (${best.strategy})` }));
}

/** The chosen plan evaluated once more, keeping every rank's timeline. */
function withTimeline(ctx: PlanContext, p: PlanResult): PlanResult {
  if (!ctx.options.timeline) return p;
  const t = evaluatePlan(ctx.w, ctx.c, ctx.profile, p.shards, p.strategy, { commDtype: ctx.options.commDtype, tiers: ctx.options.tiers, host: ctx.options.host, timeline: true });
  return { ...p, timelines: t.timelines };
}

/** What is missing when no plan fits: the model's HBM need against the cluster's. */
export function infeasibility(ctx: PlanContext): string {
  const { w, c } = ctx;
  const need = tableInfos(w).reduce((a, t) => a + shardBytes(w, t, t.rows, t.dim), 0) + ctx.dense.memoryBytes * c.ranks;
  const have = c.gpuSpec.hbmBytes * HBM_USABLE * c.ranks;
  const perHost = c.gpuSpec.hbmBytes * HBM_USABLE * c.gpusPerHost;
  const moreHosts = Math.ceil((need - have) / perHost);
  return `needs ${(need / 1e12).toFixed(2)} TB of HBM, the cluster has ${(have / 1e12).toFixed(2)} TB usable: add ${moreHosts} host(s) of ${c.gpusPerHost} ${c.gpu} or place tables in host memory (${(c.hostDramBytes * c.hosts / 1e12).toFixed(1)} TB of DRAM)`;
}
