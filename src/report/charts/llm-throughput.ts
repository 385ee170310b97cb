/**
 * Serving speed per batch size (`strata llm perf --json`, one row or `rows`): prefill and decode
 * tokens per second per GPU, on a log axis since prefill is orders of magnitude faster.
 */
import * as Plot from "@observablehq/plot";
import { drawPlot, emptyChart, type Chart, type ChartOptions } from "./svg.js";

export interface PerfRowLike {
  batch: number;
  fits: boolean;
  prefill: { tokensPerSecPerGpu: number; latencyMs: number };
  decode: { tokensPerSecPerGpu: number; stepMs: number };
}
export type PerfJson = PerfRowLike | { rows: PerfRowLike[] };

export const perfRows = (doc: PerfJson): PerfRowLike[] => ("rows" in doc ? doc.rows : [doc]);

export function llmThroughputSvg(doc: PerfJson, o: ChartOptions): Chart {
  const label = "Prefill and decode throughput per GPU against batch size, tokens/s";
  const rows = perfRows(doc).flatMap((r) => [
    { batch: r.batch, phase: "prefill", tps: r.prefill.tokensPerSecPerGpu, fits: r.fits },
    { batch: r.batch, phase: "decode", tps: r.decode.tokensPerSecPerGpu, fits: r.fits },
  ]).filter((r) => r.tps > 0);
  type Row = (typeof rows)[number];
  if (!rows.length) return emptyChart(o, label, "no throughput rows");
  const batches = [...new Set(rows.map((r) => r.batch))].sort((a, b) => a - b);
  return drawPlot(o, label, {
    height: 300,
    marginLeft: 60,
    x: { type: batches.length > 1 && batches[batches.length - 1]! / batches[0]! >= 8 ? "log" : "linear", label: "batch (sequences)", grid: true, ticks: batches.length <= 10 ? batches : undefined, tickFormat: (d: number) => String(d) },
    y: { type: "log", label: "tokens/s per GPU", grid: true },
    color: { domain: ["prefill", "decode"], range: ["#4e79a7", "#f28e2c"], legend: true },
    marks: [
      Plot.lineY(rows, { x: "batch", y: "tps", stroke: "phase", strokeWidth: 1.6 }),
      // Hollow where the batch does not fit the KV cache.
      Plot.dot(rows.filter((r) => !r.fits), { x: "batch", y: "tps", stroke: "phase", fill: "white", r: 3.5, title: (r: Row) => `batch ${r.batch} ${r.phase}: ${r.tps.toLocaleString("en-US")} tokens/s per GPU (does not fit)` }),
      Plot.dot(rows.filter((r) => r.fits), { x: "batch", y: "tps", stroke: "phase", fill: "phase", r: 3.5, title: (r: Row) => `batch ${r.batch} ${r.phase}: ${r.tps.toLocaleString("en-US")} tokens/s per GPU` }),
    ],
  });
}
