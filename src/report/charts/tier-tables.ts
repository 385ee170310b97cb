/**
 * A tier plan per table (`strata tier --json`): the bytes each table keeps in each tier (its home
 * and its HBM and DRAM caches), stacked, with the HBM cache's hit rate at the end of the bar.
 */
import * as Plot from "@observablehq/plot";
import { drawPlot, emptyChart, fmtGB, type Chart, type ChartOptions } from "./svg.js";

/** The fields of `strata tier --json` (tier/run.ts TierResult) the tier charts read. */
export interface TierLike {
  feasible: boolean;
  reason?: string;
  nodes: number;
  powerW: number;
  node: string;
  baselineFeasible: boolean;
  baselineReason?: string;
  baselineNodes: number;
  baselinePowerW: number;
  baselineNode: string;
  tables: Array<{ table: number; rows: number; home: string; hitRate: number; dramHitRate: number; bytes: Partial<Record<string, number>> }>;
}

export const TIER_ORDER = ["hbm", "dram", "cxl", "pmem", "ssd"];
const TIER_COLORS = ["#4e79a7", "#59a14f", "#76b7b2", "#edc949", "#af7aa1"];

/** At most this many tables drawn: the largest. */
const MAX_TABLES = 48;

export function tierTablesSvg(r: TierLike, o: ChartOptions): Chart {
  const shown = [...r.tables].sort((a, b) => b.rows - a.rows || a.table - b.table).slice(0, MAX_TABLES);
  const label = `Bytes per table in each tier (lighter: a cache), GB${r.tables.length > shown.length ? ` (the ${shown.length} largest of ${r.tables.length} tables)` : ""}`;
  if (!shown.length) return emptyChart(o, label, "no tables");
  const rows = shown.flatMap((t) => Object.entries(t.bytes).filter(([, b]) => (b ?? 0) > 0).map(([tier, bytes]) => ({
    table: `table ${t.table}`, tier, gb: bytes! / 1e9,
    role: tier === t.home ? "home" : "cache",
    title: `table ${t.table} (${t.rows.toLocaleString("en-US")} rows, home ${t.home}): ${tier} ${tier === t.home ? "home" : "cache"} ${fmtGB(bytes!)}; HBM hit rate ${t.hitRate.toFixed(3)}${t.dramHitRate ? `, DRAM hit rate ${t.dramHitRate.toFixed(3)}` : ""}`,
  })));
  const tiers = TIER_ORDER.filter((t) => rows.some((x) => x.tier === t));
  const totals = shown.map((t) => ({ table: `table ${t.table}`, gb: Object.values(t.bytes).reduce((s: number, b) => s + (b ?? 0), 0) / 1e9, text: `${t.home}${t.home !== "hbm" ? ` · hit ${(t.hitRate * 100).toFixed(1)}%` : ""}` }));
  return drawPlot(o, label, {
    height: 60 + shown.length * 20,
    marginLeft: 72,
    marginRight: 110,
    x: { label: "GB", grid: true },
    y: { label: null, domain: shown.map((t) => `table ${t.table}`) },
    color: { domain: tiers, range: tiers.map((t) => TIER_COLORS[TIER_ORDER.indexOf(t)]!), legend: true },
    marks: [
      Plot.barX(rows, Plot.stackX({ x: "gb", y: "table", fill: "tier", order: tiers, fillOpacity: (d: (typeof rows)[number]) => (d.role === "home" ? 1 : 0.55), title: "title" })),
      Plot.text(totals, { x: "gb", y: "table", text: "text", textAnchor: "start", dx: 4, fontSize: 9 }),
      Plot.ruleX([0]),
    ],
  });
}
