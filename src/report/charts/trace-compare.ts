/**
 * A profiled run's steps measured (`strata trace analyze` or `replay --json`), replayed through the simulator (`strata trace replay --json`)
 * and predicted without the profiler (`strata trace predict --json`), side by side per step.
 */
import * as Plot from "@observablehq/plot";
import { drawPlot, emptyChart, fmtMs, type Chart, type ChartOptions } from "./svg.js";

export interface ReplayLike {
  steps: Array<{ name: string; measuredMs: number; replayedMs: number }>;
}
export interface TracePredictionLike {
  gpu: string;
  steps: Array<{ name: string; stepMs: number }>;
}

const KINDS = ["measured", "replayed", "predicted"];

/** Measured steps: the replay's, else the analysis's (`strata trace analyze --json` steps). */
export interface TraceCompareInput {
  analysis?: { steps: Array<{ name: string; ms: number }> };
  replay?: ReplayLike;
  predicted?: TracePredictionLike;
}

export function traceCompareSvg({ analysis, replay, predicted }: TraceCompareInput, o: ChartOptions): Chart {
  const label = "Each step measured, replayed and predicted without the profiler, ms";
  const measured = replay ? replay.steps.map((s) => ({ name: s.name, ms: s.measuredMs })) : (analysis?.steps ?? []);
  const rows = [
    ...measured.map((s) => ({ step: s.name, kind: "measured", ms: s.ms })),
    ...(replay?.steps ?? []).map((s) => ({ step: s.name, kind: "replayed", ms: s.replayedMs })),
    ...(predicted?.steps ?? []).map((s) => ({ step: s.name, kind: "predicted", ms: s.stepMs })),
  ];
  if (!rows.length) return emptyChart(o, label, "no replayed or predicted steps");
  const steps = [...new Set(rows.map((r) => r.step))];
  const kinds = KINDS.filter((k) => rows.some((r) => r.kind === k));
  return drawPlot(o, label, {
    height: 60 + steps.length * kinds.length * 16,
    marginLeft: 120,
    x: { label: "ms", grid: true },
    y: { label: null, domain: kinds, axis: null },
    fy: { label: null, domain: steps, axis: "left" },
    color: { domain: kinds, range: kinds.map((k) => ({ measured: "#4e79a7", replayed: "#76b7b2", predicted: "#f28e2c" })[k]!), legend: true },
    marks: [
      Plot.barX(rows, { x: "ms", y: "kind", fy: "step", fill: "kind", title: (d: (typeof rows)[number]) => `${d.step} ${d.kind}${d.kind === "predicted" ? ` on ${predicted?.gpu}` : ""}: ${fmtMs(d.ms)} ms` }),
      Plot.ruleX([0]),
    ],
  });
}
