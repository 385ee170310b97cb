/** Reports of predictions: the contract JSON, the summary table and "where the time goes". */
import type { Prediction } from "../predict.js";
import type { OpCategory } from "../graph/types.js";
import { referenceHostId } from "../catalog/hosts.js";
import { gb, ms, pct, table } from "./format.js";

export interface PredictionJson {
  name: string;
  gpu: string;
  trainStepMs: number;
  /** For an estimated host (`--host` from the catalog): the step at the fast and slow ends of what the host may be. */
  trainStepMsRange?: [number, number];
  /** The host the step is for (a catalog id or a measured calibration's label). */
  host: string;
  inferenceMs: number;
  gpuActiveMs: number;
  peakMemoryBytes: number;
  bound: "cpu" | "gpu";
  hostBusyMs: number;
  implementation: string;
  /** Whether the step fits the GPU's usable memory; `fitReason` says why not. */
  fits: boolean;
  fitReason?: string;
}

const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

export function predictionJson(p: Prediction): PredictionJson {
  return {
    name: p.name,
    gpu: p.gpu.id,
    trainStepMs: round(p.train.stepUs / 1000),
    ...(p.trainRangeUs ? { trainStepMsRange: p.trainRangeUs.map((us) => round(us / 1000)) as [number, number] } : {}),
    host: p.host?.id ?? referenceHostId(),
    inferenceMs: round(p.inference.stepUs / 1000),
    gpuActiveMs: round(p.train.gpuActiveUs / 1000),
    peakMemoryBytes: Math.round(p.memory.peakBytes),
    bound: p.train.bound,
    hostBusyMs: round(p.train.hostBusyUs / 1000),
    implementation: p.implementation.id,
    fits: p.fit.fits,
    ...(p.fit.reason ? { fitReason: p.fit.reason } : {}),
  };
}

export function summaryTable(ps: Prediction[]): string {
  return table(
    ["workload", "gpu", "implementation", "train ms", "infer ms", "GPU active ms", "GPU util", "peak mem GB", "fits", "bound"],
    ps.map((p) => [p.name, p.gpu.id, p.implementation.id, p.trainRangeUs ? `${ms(p.train.stepUs)} (${ms(p.trainRangeUs[0])}-${ms(p.trainRangeUs[1])})` : ms(p.train.stepUs), ms(p.inference.stepUs), ms(p.train.gpuActiveUs), pct(p.train.gpuActiveUs / p.train.stepUs), gb(p.memory.peakBytes), p.fit.fits ? "yes" : "NO", p.train.bound]),
    [false, false, false, true, true, true, true, true, false, false],
  ) + hostNote(ps) + notFitting(ps);
}

/** Which host the steps are for, and what a range means. */
function hostNote(ps: Prediction[]): string {
  const h = ps[0]?.host;
  if (!h || h.basis === "reference") return "";
  const how = h.basis === "measured" ? "fitted from measured steps" : "estimated from its single-thread index: train ms in brackets spans what the host may be";
  return `\n\nhost ${h.id}: dispatch x${h.factors.dispatch.toFixed(3)}, sync x${h.factors.sync.toFixed(3)} of the calibration host's time (${how})`;
}

/** One line per prediction that does not fit its GPU, saying why. */
function notFitting(ps: Prediction[]): string {
  const lines = ps.filter((p) => !p.fit.fits).map((p) => `${p.name}: does not fit: ${p.fit.reason}`);
  return lines.length ? "\n\n" + lines.join("\n") : "";
}

const CATEGORY_LABEL: Record<OpCategory, string> = {
  "bottom-mlp": "bottom MLP",
  embedding: "embedding tables",
  interaction: "interaction",
  "top-mlp": "top MLP",
  loss: "loss",
  optimizer: "optimizer",
  communication: "communication (collectives)",
  framework: "framework (autograd, Python)",
};

/** Where one training step's time goes: host overheads and GPU time per part of the model. */
export function whereTimeGoes(p: Prediction, topOps = 6): string {
  const t = p.train;
  const cats = (Object.keys(t.byCategory) as OpCategory[]).filter((c) => t.byCategory[c].hostUs + t.byCategory[c].gpuUs > 0);
  const parts = table(
    ["part", "host ms", "GPU ms", "GPU share"],
    cats.map((c) => [CATEGORY_LABEL[c], ms(t.byCategory[c].hostUs), ms(t.byCategory[c].gpuUs), pct(t.byCategory[c].gpuUs / Math.max(1e-9, t.gpuActiveUs))]),
    [false, true, true, true],
  );
  const ops = [...t.byOp].sort((a, b) => Math.max(b.hostUs, b.gpuUs) - Math.max(a.hostUs, a.gpuUs)).slice(0, topOps);
  const opTable = table(
    ["op", "calls", "host ms", "GPU ms"],
    ops.map((o) => [o.name, String(Math.round(o.count)), ms(o.hostUs), ms(o.gpuUs)]),
    [false, true, true, true],
  );
  const idle = t.stepUs - t.gpuActiveUs;
  const verdict =
    t.bound === "cpu"
      ? `CPU-bound: the host spends ${ms(t.hostBusyUs)} ms on op overheads while kernels need ${ms(t.gpuActiveUs)} ms; the GPU idles ${ms(idle)} ms (${pct(idle / t.stepUs)}) of the step. Fewer, larger ops (fused embedding tables, CUDA graphs) or a faster host help more than a faster GPU.`
      : `GPU-bound: kernels need ${ms(t.gpuActiveUs)} ms of the ${ms(t.stepUs)} ms step; the host's ${ms(t.hostBusyUs)} ms of overheads hide behind them. Faster kernels or a faster GPU shorten the step.`;
  return [`${p.name} on ${p.gpu.name}: training step ${ms(t.stepUs)} ms`, verdict, "", parts, "", "Largest ops:", opTable].join("\n");
}
