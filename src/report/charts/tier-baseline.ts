/**
 * A tier plan against its baseline node (`strata tier --json`): nodes and power of each, side by
 * side; an infeasible side is drawn empty and says so.
 */
import * as Plot from "@observablehq/plot";
import { drawPlot, type Chart, type ChartOptions } from "./svg.js";
import type { TierLike } from "./tier-tables.js";

export function tierBaselineSvg(r: TierLike, o: ChartOptions): Chart {
  const label = "Nodes and power against the baseline, kW";
  const sides = [
    { side: `${r.node} (plan)`, feasible: r.feasible, nodes: r.nodes, kw: r.powerW / 1000, reason: r.reason },
    { side: `${r.baselineNode} (baseline)`, feasible: r.baselineFeasible, nodes: r.baselineNodes, kw: r.baselinePowerW / 1000, reason: r.baselineReason },
  ];
  const text = (s: (typeof sides)[number]) => (s.feasible ? `${s.nodes} node${s.nodes === 1 ? "" : "s"}, ${s.kw.toFixed(1)} kW` : `infeasible${s.reason ? `: ${s.reason.slice(0, 80)}` : ""}`);
  return drawPlot(o, label, {
    height: 130,
    marginLeft: 170,
    marginRight: 40,
    x: { label: "kW", grid: true, domain: [0, Math.max(1, ...sides.map((s) => s.kw)) * 1.35] },
    y: { label: null, domain: sides.map((s) => s.side) },
    marks: [
      Plot.barX(sides, { x: "kw", y: "side", fill: (s: (typeof sides)[number]) => (s.side.endsWith("(plan)") ? "#4e79a7" : "#bab0ab"), title: text }),
      Plot.text(sides, { x: "kw", y: "side", text, textAnchor: "start", dx: 4 }),
      Plot.ruleX([0]),
    ],
  });
}
