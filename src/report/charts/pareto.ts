/**
 * A sweep's configurations on two objectives (`strata sweep --json`), the Pareto front drawn as
 * a step line through its points. The front is recomputed for the objectives shown
 * (src/sweep/pareto.ts), so changing an axis redraws the right front.
 */
import * as Plot from "@observablehq/plot";
import { defaultDirection, paretoFront, score, type Direction } from "../../sweep/pareto.js";
import type { SweepRow } from "../../sweep/run.js";
import type { SweepCommand } from "../../sweep/spec.js";
import { drawPlot, emptyChart, type Chart, type ChartOptions } from "./svg.js";

export interface SweepDocLike {
  runs: number;
  results: SweepRow[];
  pareto: number[];
  top?: number[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Which command a sweep ran, from the shape of its first result. */
export function sweepCommandOf(doc: SweepDocLike): SweepCommand | undefined {
  const r = doc.results.find((x): x is Extract<SweepRow, { result: unknown }> => "result" in x)?.result;
  if (!isObject(r)) return undefined;
  if ("perRank" in r) return "plan";
  if ("trainStepMs" in r) return "predict";
  if ("powerW" in r && "tables" in r) return "tier";
  if ("outputTokensPerSec" in r && "meanTpotMs" in r) return "llm bench";
  if ("prefill" in r && "decode" in r) return "llm perf";
  if ("maxContextTokens" in r) return "llm fit";
  return undefined;
}

const DERIVED: Record<SweepCommand, string[]> = { predict: [], tier: [], plan: ["gpus"], "llm fit": ["gpus"], "llm perf": ["gpus", "tokensPerSecPerGpu", "tokensPerSecPerUser"], "llm bench": ["gpus"] };

/** Objectives a sweep can be drawn on: derived figures, numeric result fields (dot paths), numeric parameters. */
export function sweepObjectives(doc: SweepDocLike): string[] {
  const command = sweepCommandOf(doc);
  const first = doc.results.find((x) => "result" in x);
  if (!command || !first) return [];
  const out = new Set(DERIVED[command]);
  const walk = (v: unknown, prefix: string): void => {
    if (isObject(v)) for (const [k, x] of Object.entries(v)) walk(x, prefix ? `${prefix}.${k}` : k);
    else if (typeof v === "number" && prefix) out.add(prefix);
  };
  walk((first as { result: unknown }).result, "");
  for (const [k, v] of Object.entries(first.params)) if (typeof v === "number") out.add(k);
  return [...out];
}

/** The two objectives whose Pareto front is the document's (`pareto` holds indices, not names); the first pair found. */
export function inferParetoObjectives(doc: SweepDocLike): [string, string] | undefined {
  const command = sweepCommandOf(doc);
  if (!command || !doc.pareto.length) return undefined;
  const names = sweepObjectives(doc);
  const want = JSON.stringify([...doc.pareto].sort((a, b) => a - b));
  for (const a of names) {
    for (const b of names) {
      if (a === b) continue;
      const front = paretoFront(score(command, doc.results, [a, b], {}), [defaultDirection(a), defaultDirection(b)]);
      if (JSON.stringify(front) === want) return [a, b];
    }
  }
  return undefined;
}

export interface ParetoOptions extends ChartOptions {
  x: string;
  y: string;
  directions?: [Direction, Direction];
}

export function paretoSvg(doc: SweepDocLike, o: ParetoOptions): Chart {
  const label = `Sweep configurations: ${o.y} against ${o.x}, Pareto front highlighted`;
  const command = sweepCommandOf(doc);
  if (!command) return emptyChart(o, label, "no results in the sweep");
  const dirs = o.directions ?? [defaultDirection(o.x), defaultDirection(o.y)];
  const scored = score(command, doc.results, [o.x, o.y], {});
  if (!scored.length) return emptyChart(o, label, `no configuration has both ${o.x} and ${o.y}`);
  const front = new Set(paretoFront(scored, dirs));
  const points = scored.map((s) => ({ index: s.index, x: s.values[0], y: s.values[1], front: front.has(s.index), params: doc.results[s.index]?.params ?? {} }));
  const line = points.filter((p) => p.front).sort((a, b) => a.x - b.x || a.y - b.y);
  const title = (p: (typeof points)[number]) => `configuration ${p.index}\n${o.x} ${p.x}, ${o.y} ${p.y}\n${Object.entries(p.params).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join("\n")}`;
  const arrow = (d: Direction) => (d === "min" ? "lower is better" : "higher is better");
  return drawPlot(o, label, {
    height: 360,
    marginLeft: 64,
    x: { label: `${o.x} (${arrow(dirs[0])})`, grid: true, type: positiveSpan(points.map((p) => p.x)) ? "log" : "linear" },
    y: { label: `${o.y} (${arrow(dirs[1])})`, grid: true, type: positiveSpan(points.map((p) => p.y)) ? "log" : "linear" },
    marks: [
      Plot.dot(points.filter((p) => !p.front), { x: "x", y: "y", stroke: "#999", r: 3, title }),
      Plot.line(line, { x: "x", y: "y", stroke: "#e15759", curve: dirs[0] === "min" ? "step-after" : "step-before", strokeWidth: 1.5 }),
      Plot.dot(line, { x: "x", y: "y", fill: "#e15759", r: 4.5, title }),
      Plot.text(line, { x: "x", y: "y", text: (p: (typeof points)[number]) => String(p.index), dy: -9, fontSize: 9, fill: "#e15759" }),
    ],
  });
}

/** A log axis where the values are positive and span at least two decades. */
function positiveSpan(v: number[]): boolean {
  const lo = Math.min(...v);
  return lo > 0 && Math.max(...v) / lo >= 100;
}
