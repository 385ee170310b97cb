/**
 * Miss-ratio curves: one line per policy over a log size axis, from `strata cache mrc --json`
 * (the LRU curve) and `strata cache simulate --json` (policies at chosen sizes), with markers
 * where the chosen cache sizes meet each curve.
 */
import * as Plot from "@observablehq/plot";
import { drawPlot, emptyChart, type Chart, type ChartOptions } from "./svg.js";

export interface MrcPoint {
  size: number;
  missRatio: number;
}
export interface MrcSeries {
  policy: string;
  points: MrcPoint[];
}

export type MrcJson = { points: MrcPoint[] } | { results: Array<MrcPoint & { policy: string }> };

/** The curves of `cache mrc` (LRU) and `cache simulate` (one per policy) documents. */
export function mrcSeries(docs: MrcJson[]): MrcSeries[] {
  const by = new Map<string, MrcPoint[]>();
  for (const d of docs) {
    const rows = "points" in d ? d.points.map((p) => ({ ...p, policy: "lru" })) : d.results;
    for (const r of rows) by.set(r.policy, [...(by.get(r.policy) ?? []), { size: r.size, missRatio: r.missRatio }]);
  }
  return [...by].map(([policy, points]) => ({ policy, points: dedupe(points) }));
}

/** One point per size (the last given wins), sorted by size. */
function dedupe(points: MrcPoint[]): MrcPoint[] {
  return [...new Map(points.map((p) => [p.size, p])).values()].sort((a, b) => a.size - b.size);
}

/** The miss ratio at `size`, linear in log size between the nearest points (undefined outside the curve). */
export function missRatioAt(points: MrcPoint[], size: number): number | undefined {
  for (let i = 0; i < points.length; i++) {
    const b = points[i]!;
    if (b.size === size) return b.missRatio;
    if (b.size > size) {
      const a = points[i - 1];
      if (!a) return undefined;
      const t = (Math.log(size) - Math.log(a.size)) / (Math.log(b.size) - Math.log(a.size));
      return a.missRatio + t * (b.missRatio - a.missRatio);
    }
  }
  return undefined;
}

export interface MrcOptions extends ChartOptions {
  /** Cache sizes to mark on every curve (objects, or bytes for byte curves). */
  markSizes?: number[];
}

export function mrcSvg(series: MrcSeries[], o: MrcOptions): Chart {
  const label = "Miss ratio against cache size, one line per policy";
  const rows = series.flatMap((s) => s.points.filter((p) => p.size > 0).map((p) => ({ policy: s.policy, ...p })));
  if (!rows.length) return emptyChart(o, label, "no miss ratios");
  const marks = (o.markSizes ?? []).flatMap((size) => series.flatMap((s) => {
    const m = missRatioAt(s.points, size);
    return m === undefined ? [] : [{ policy: s.policy, size, missRatio: m }];
  }));
  return drawPlot(o, label, {
    height: 340,
    marginLeft: 52,
    x: { type: "log", label: "cache size", grid: true },
    y: { label: "miss ratio", domain: [0, Math.max(...rows.map((r) => r.missRatio), 0.01)], grid: true },
    color: { legend: true, domain: series.map((s) => s.policy) },
    marks: [
      Plot.ruleX(o.markSizes ?? [], { stroke: "#999", strokeDasharray: "3,3" }),
      Plot.lineY(rows, { x: "size", y: "missRatio", stroke: "policy", strokeWidth: 1.6, marker: series.every((s) => s.points.length <= 12) ? "circle-stroke" : null }),
      Plot.dot(marks, { x: "size", y: "missRatio", fill: "policy", r: 4, stroke: "white", title: (d: (typeof marks)[number]) => `${d.policy} at ${d.size}: miss ratio ${d.missRatio.toFixed(4)}` }),
      Plot.ruleY([0]),
    ],
  });
}
