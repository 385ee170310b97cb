/**
 * The steps of a profiled run (`strata trace analyze --json`): each step's GPU active time and
 * its idle time split by cause (the host inside ops, the host between ops), stacked to the step.
 */
import * as Plot from "@observablehq/plot";
import { drawPlot, emptyChart, fmtMs, type Chart, type ChartOptions } from "./svg.js";

export interface TraceAnalysisLike {
  steps: Array<{ name: string; ms: number; gpuActiveMs: number; gpuIdleMs: number; idleCauses: { hostInOpsMs: number; hostBetweenOpsMs: number }; syncWaitMs: number }>;
  stepMs: number;
  gpuActiveMs: number;
  hostBusyMs: number;
  bound: string;
  overheads: Record<string, { mean: number; std: number; count: number }>;
}

const PARTS = ["GPU active", "idle: host in ops", "idle: host between ops"];

export function traceStepsSvg(a: TraceAnalysisLike, o: ChartOptions): Chart {
  const label = "Measured steps: GPU active and idle by cause, ms";
  if (!a.steps.length) return emptyChart(o, label, "no profiler steps in the trace");
  const rows = a.steps.flatMap((s) => [
    { step: s.name, part: PARTS[0]!, ms: s.gpuActiveMs },
    { step: s.name, part: PARTS[1]!, ms: s.idleCauses.hostInOpsMs },
    { step: s.name, part: PARTS[2]!, ms: s.idleCauses.hostBetweenOpsMs },
  ]);
  return drawPlot(o, label, {
    height: 60 + a.steps.length * 28,
    marginLeft: 120,
    x: { label: "ms", grid: true },
    y: { label: null, domain: a.steps.map((s) => s.name) },
    color: { domain: PARTS, range: ["#4e79a7", "#f28e2c", "#d9d9d9"], legend: true },
    marks: [
      Plot.barX(rows, Plot.stackX({ x: "ms", y: "step", fill: "part", order: PARTS, title: (d: (typeof rows)[number]) => `${d.step} ${d.part}: ${fmtMs(d.ms)} ms` })),
      Plot.ruleX([0]),
    ],
  });
}
