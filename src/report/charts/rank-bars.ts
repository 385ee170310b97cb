/**
 * A sharding plan per rank (`strata plan --json`): the time each rank needs, stacked as
 * embedding kernels, dense kernels, host overheads beyond its kernels and exposed
 * communication; or the HBM each rank holds, against the GPU's capacity when given.
 */
import * as Plot from "@observablehq/plot";
import type { PlanJson } from "../plan-json.js";
import { drawPlot, emptyChart, fmtGB, fmtMs, partColor, type Chart, type ChartOptions } from "./svg.js";

export type PlanLike = Pick<PlanJson, "feasible" | "stepMs" | "perRank" | "shards" | "imbalance" | "strategy"> & { infeasibleReason?: string; why?: string[] };

export interface RankBarsOptions extends ChartOptions {
  metric: "time" | "hbm";
  /** HBM per GPU, bytes: drawn as a rule on the HBM chart. */
  capacityBytes?: number;
}

const TIME_PARTS = ["embedding", "dense", "host overhead", "exposed comm"] as const;

export function rankBarsSvg(plan: PlanLike, o: RankBarsOptions): Chart {
  const label = o.metric === "time" ? "Time per rank: compute and exposed communication, ms" : "HBM per rank, GB";
  if (!plan.perRank.length) return emptyChart(o, label, "no ranks in the plan");
  const ranks = plan.perRank.map((r) => String(r.rank));
  const common = { height: 260, marginLeft: 56, x: { label: "rank", domain: ranks, tickFormat: (r: string) => (ranks.length > 32 && Number(r) % 8 ? "" : r) } };
  if (o.metric === "hbm") {
    return drawPlot(o, label, {
      ...common,
      y: { label: "HBM GB", grid: true },
      marks: [
        Plot.barY(plan.perRank, { x: (r: PlanLike["perRank"][number]) => String(r.rank), y: (r: PlanLike["perRank"][number]) => r.hbmBytes / 1e9, fill: "#4e79a7", title: (r: PlanLike["perRank"][number]) => `rank ${r.rank}: ${fmtGB(r.hbmBytes)}` }),
        ...(o.capacityBytes ? [Plot.ruleY([o.capacityBytes / 1e9], { stroke: "#e15759", strokeDasharray: "4,3" }), Plot.text([o.capacityBytes / 1e9], { y: (d: number) => d, frameAnchor: "right", dy: -6, text: () => `capacity ${fmtGB(o.capacityBytes!)}`, fill: "#e15759" })] : []),
        Plot.ruleY([0]),
      ],
    });
  }
  const rows = plan.perRank.flatMap((r) => {
    const host = Math.max(0, r.computeMs - r.embeddingMs - r.denseMs);
    const ms = [r.embeddingMs, r.denseMs, host, r.commMs];
    return TIME_PARTS.map((part, i) => ({ rank: String(r.rank), part, ms: ms[i]! })).filter((x) => x.ms > 0);
  });
  return drawPlot(o, label, {
    ...common,
    y: { label: "ms", grid: true },
    color: partColor(TIME_PARTS),
    marks: [
      Plot.barY(rows, Plot.stackY({ x: "rank", y: "ms", fill: "part", order: [...TIME_PARTS], title: (d: (typeof rows)[number]) => `rank ${d.rank} ${d.part}: ${fmtMs(d.ms)} ms` })),
      Plot.ruleY([0]),
    ],
  });
}
