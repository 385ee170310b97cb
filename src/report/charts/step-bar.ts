/**
 * One training step as stacked bars of where its time goes: a GPU lane (kernel time per part of
 * the model, then idle) and a host lane (op overheads per part, then idle), one pair per
 * prediction so several GPUs or implementations compare side by side on one time axis.
 */
import * as Plot from "@observablehq/plot";
import type { PredictionJson } from "../prediction.js";
import { drawPlot, emptyChart, fmtMs, partColor, type Chart, type ChartOptions } from "./svg.js";
import { timelineEvents, type ChromeTraceLike } from "./timeline.js";

export interface StepPart {
  part: string;
  ms: number;
}

export interface StepParts {
  label: string;
  stepMs: number;
  gpu: StepPart[];
  host: StepPart[];
}

/** A prediction as `strata predict --json` prints it; `byCategory` where the caller has the step's parts. */
export type PredictionLike = Pick<PredictionJson, "name" | "gpu" | "implementation" | "trainStepMs" | "gpuActiveMs" | "hostBusyMs"> & {
  byCategory?: Record<string, { hostMs: number; gpuMs: number }>;
};

const positive = (parts: StepPart[]): StepPart[] => parts.filter((p) => p.ms > 0);

export function stepPartsFromPrediction(p: PredictionLike): StepParts {
  const cats = Object.entries(p.byCategory ?? {});
  const gpu = cats.length ? cats.map(([part, v]) => ({ part, ms: v.gpuMs })) : [{ part: "GPU active", ms: p.gpuActiveMs }];
  const host = cats.length ? cats.map(([part, v]) => ({ part, ms: v.hostMs })) : [{ part: "host busy", ms: p.hostBusyMs }];
  return {
    label: `${p.name} · ${p.gpu} · ${p.implementation}`,
    stepMs: p.trainStepMs,
    gpu: positive([...gpu, { part: "idle", ms: p.trainStepMs - p.gpuActiveMs }]),
    host: positive([...host, { part: "idle", ms: p.trainStepMs - p.hostBusyMs }]),
  };
}

/** Length of the union of [start, end) intervals. */
function busyMs(spans: Array<[number, number]>): number {
  const s = [...spans].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of s) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

/**
 * The parts of a step from its timeline (`strata timeline`): GPU kernel time and host op time per
 * part; idle is the step less the time a lane is busy (streams that overlap count once).
 */
export function stepPartsFromTimeline(trace: ChromeTraceLike, label?: string): StepParts {
  const events = timelineEvents(trace);
  const stepMs = Number(trace.metadata?.stepMs) || Math.max(0, ...events.map((e) => e.endMs));
  const lane = (gpu: boolean): StepPart[] => {
    const mine = events.filter((e) => /^GPU|stream/.test(e.track) === gpu);
    const byPart = new Map<string, number>();
    for (const e of mine) byPart.set(e.category, (byPart.get(e.category) ?? 0) + e.endMs - e.startMs);
    return positive([...byPart].map(([part, ms]) => ({ part, ms })).concat([{ part: "idle", ms: stepMs - busyMs(mine.map((e) => [e.startMs, e.endMs])) }]));
  };
  return { label: label ?? String(trace.metadata?.name ?? events[0]?.process ?? "step"), stepMs, gpu: lane(true), host: lane(false) };
}

/**
 * A timeline's parts with the prediction's totals: the step, GPU active and host busy are the
 * prediction's; host time the timeline draws no op for (between ops) is a part of its own.
 */
export function stepPartsWithPrediction(t: StepParts, p: PredictionLike): StepParts {
  const hostOps = t.host.filter((x) => x.part !== "idle");
  const between = p.hostBusyMs - hostOps.reduce((a, x) => a + x.ms, 0);
  return {
    label: t.label,
    stepMs: p.trainStepMs,
    gpu: positive([...t.gpu.filter((x) => x.part !== "idle"), { part: "idle", ms: p.trainStepMs - p.gpuActiveMs }]),
    host: positive([...hostOps, { part: "host, between ops", ms: between }, { part: "idle", ms: p.trainStepMs - p.hostBusyMs }]),
  };
}

export function stepBarSvg(steps: StepParts[], o: ChartOptions): Chart {
  const label = "Where the training step's time goes: GPU and host lanes, ms";
  if (!steps.length) return emptyChart(o, label, "no predictions");
  const rows = steps.flatMap((s) => [
    ...s.gpu.map((p) => ({ step: s.label, lane: "GPU", ...p })),
    ...s.host.map((p) => ({ step: s.label, lane: "host", ...p })),
  ]);
  const parts = [...new Set(rows.map((r) => r.part).filter((p) => p !== "idle")), "idle"];
  return drawPlot(o, label, {
    height: 40 + steps.length * 90,
    marginLeft: 48,
    marginRight: 16,
    x: { label: "ms", grid: true },
    y: { label: null, domain: ["GPU", "host"], insetTop: 16 },
    fy: { label: null, domain: steps.map((s) => s.label), axis: null },
    color: partColor(parts),
    marks: [
      Plot.barX(rows, Plot.stackX({ x: "ms", y: "lane", fy: "step", fill: "part", order: parts, title: (d: (typeof rows)[number]) => `${d.step}\n${d.lane} ${d.part}: ${fmtMs(d.ms)} ms` })),
      Plot.text(steps, { fy: "label", frameAnchor: "top-left", text: (s: StepParts) => `${s.label}: step ${fmtMs(s.stepMs)} ms`, dy: 2, textAnchor: "start", fontWeight: "bold" }),
      Plot.ruleX([0]),
    ],
  });
}
