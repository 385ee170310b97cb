/**
 * An LLM deployment's memory per GPU as one stacked bar: weights, KV cache, profiling-run
 * activations and the rest of the runtime reserve, against the usable memory and the GPU's
 * capacity. From `strata llm fit --json` alone (no per-GPU detail) it draws the totals over
 * all GPUs: weights and the KV cache at the largest context.
 */
import * as Plot from "@observablehq/plot";
import type { FitResult } from "../../llm/fit.js";
import { drawPlot, fmtGB, type Chart, type ChartOptions } from "./svg.js";

/** `strata llm fit --json`, with the result's `detail` where the caller has it (the dashboard's API). */
export type FitLike = Pick<FitResult, "fits" | "weightsBytes" | "kvBytesPerToken" | "maxContextTokens"> & {
  detail?: Pick<FitResult["detail"], "usableBytesPerGpu" | "weightsBytesPerGpu" | "reserve" | "freeForKvBytesPerGpu" | "batch">;
  /** HBM, bytes: of one GPU with `detail`, of all the deployment's GPUs without. */
  capacityBytes?: number;
  label?: string;
};

const COLORS: Record<string, string> = { weights: "#4e79a7", "KV cache": "#f28e2c", activations: "#59a14f", "runtime reserve": "#af7aa1" };

export function memoryParts(f: FitLike): { perGpu: boolean; parts: Array<{ part: string; bytes: number }> } {
  const d = f.detail;
  if (!d) return { perGpu: false, parts: [{ part: "weights", bytes: f.weightsBytes }, { part: "KV cache", bytes: f.kvBytesPerToken * f.maxContextTokens }] };
  return {
    perGpu: true,
    parts: [
      { part: "weights", bytes: d.weightsBytesPerGpu },
      { part: "KV cache", bytes: Math.max(0, d.freeForKvBytesPerGpu) },
      { part: "activations", bytes: d.reserve.activations },
      { part: "runtime reserve", bytes: d.reserve.total - d.reserve.activations },
    ],
  };
}

export function memoryBarSvg(fits: FitLike[], o: ChartOptions): Chart {
  const perGpu = fits.every((f) => f.detail);
  const label = perGpu ? "Memory per GPU: weights, KV cache, activations, reserve, GB" : "Memory over all GPUs: weights and the KV cache at the largest context, GB";
  const rows = fits.flatMap((f, i) => memoryParts(f).parts.filter((p) => p.bytes > 0).map((p) => ({ deployment: f.label ?? `deployment ${i + 1}`, ...p, gb: p.bytes / 1e9 })));
  const limits = fits.flatMap((f, i) => [
    ...(f.detail ? [{ deployment: f.label ?? `deployment ${i + 1}`, what: "usable", gb: f.detail.usableBytesPerGpu / 1e9 }] : []),
    ...(f.capacityBytes ? [{ deployment: f.label ?? `deployment ${i + 1}`, what: "capacity", gb: f.capacityBytes / 1e9 }] : []),
  ]);
  const parts = Object.keys(COLORS).filter((p) => rows.some((r) => r.part === p));
  return drawPlot(o, label, {
    height: 70 + fits.length * 46,
    marginLeft: 150,
    x: { label: perGpu ? "GB per GPU" : "GB, all GPUs", grid: true },
    y: { label: null, domain: fits.map((f, i) => f.label ?? `deployment ${i + 1}`) },
    color: { domain: parts, range: parts.map((p) => COLORS[p]!), legend: true },
    marks: [
      Plot.barX(rows, Plot.stackX({ x: "gb", y: "deployment", fill: "part", order: parts, title: (d: (typeof rows)[number]) => `${d.part}: ${fmtGB(d.bytes)}` })),
      Plot.tickX(limits.filter((l) => l.what === "usable"), { x: "gb", y: "deployment", stroke: "#333", strokeWidth: 2, strokeDasharray: "3,2" }),
      Plot.tickX(limits.filter((l) => l.what === "capacity"), { x: "gb", y: "deployment", stroke: "#e15759", strokeWidth: 2 }),
      Plot.text(limits, { x: "gb", y: "deployment", text: "what", dy: -16, fontSize: 9 }),
      Plot.ruleX([0]),
    ],
  });
}
