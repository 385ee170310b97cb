/**
 * Which rank does each table's embedding work (`strata plan --json` shards): a rank x table
 * heatmap of the share of a table's lookups on each rank. A table-wise shard puts all of it on
 * one rank; row- and column-wise shards split it by the rows x columns each rank holds; a
 * data-parallel table is replicated and each rank looks up its own slice of the batch (1/R).
 */
import * as Plot from "@observablehq/plot";
import { drawPlot, emptyChart, type Chart, type ChartOptions } from "./svg.js";
import type { PlanLike } from "./rank-bars.js";

export interface TableLoad {
  rank: number;
  table: number;
  share: number;
  type: string;
}

export function tableLoads(plan: Pick<PlanLike, "shards" | "perRank">): TableLoad[] {
  const ranks = plan.perRank.length;
  const out = new Map<string, TableLoad>();
  const add = (rank: number, table: number, share: number, type: string): void => {
    const k = `${rank}:${table}`;
    const x = out.get(k);
    if (x) x.share += share;
    else out.set(k, { rank, table, share, type });
  };
  for (const s of plan.shards) {
    const elements = s.ranks.map((_, i) => ((s.rows[i]?.[1] ?? 0) - (s.rows[i]?.[0] ?? 0)) * ((s.cols[i]?.[1] ?? 0) - (s.cols[i]?.[0] ?? 0)));
    const total = elements.reduce((a, b) => a + b, 0);
    s.ranks.forEach((rank, i) => add(rank, s.table, s.type === "data-parallel" ? 1 / Math.max(1, ranks) : elements[i]! / Math.max(1, total), s.type));
  }
  return [...out.values()].sort((a, b) => a.rank - b.rank || a.table - b.table);
}

export function tableHeatmapSvg(plan: Pick<PlanLike, "shards" | "perRank">, o: ChartOptions): Chart {
  const label = "Share of each table's lookups per rank";
  const loads = tableLoads(plan);
  if (!loads.length) return emptyChart(o, label, "no shards in the plan");
  const tables = [...new Set(loads.map((l) => l.table))].sort((a, b) => a - b).map(String);
  const ranks = plan.perRank.map((r) => String(r.rank));
  const every = (n: number) => (v: string, i: number) => (n > 40 && i % Math.ceil(n / 40) ? "" : v);
  return drawPlot(o, label, {
    height: Math.min(640, 60 + ranks.length * Math.max(6, Math.min(22, 400 / ranks.length))),
    marginLeft: 48,
    x: { label: "table", domain: tables, tickFormat: every(tables.length) },
    y: { label: "rank", domain: ranks, tickFormat: every(ranks.length) },
    color: { type: "quantize", n: 5, domain: [0, 1], scheme: "blues", label: "share of the table's lookups", legend: true },
    marks: [
      Plot.cell(loads, { x: (l: TableLoad) => String(l.table), y: (l: TableLoad) => String(l.rank), fill: "share", inset: 0.5, title: (l: TableLoad) => `table ${l.table} on rank ${l.rank}: ${(l.share * 100).toFixed(1)}% (${l.type})` }),
    ],
  });
}
