/**
 * Host overhead samples of Lin et al. (HiPC 2022, Sec. III) from linked trace steps:
 * T1 gap between consecutive ops, T2 op start to its first launch, T3 last launch's end to
 * the op's end, T4 the launch call itself, T5 gaps between launches inside an op.
 * The host threads run one after another in a training step (the main thread waits in
 * backward() while the autograd thread works), so ops are walked in one time order.
 */
import type { HostDrivers, ProfilerCost } from "../graph/host-overheads.js";
import { stepOps, type LinkedOp, type LinkedStep } from "./link.js";

export interface OpSample {
  name: string;
  t1: number;
  t2: number;
  t3: number;
  t4: number[];
  t5: number[];
  dur: number;
  /** Profiler-recorded events inside the op: nested cpu_ops and runtime calls. */
  events: number;
  /** The step's model size, which some host costs scale with (Python loops over parameters, cat inputs). */
  drivers: HostDrivers;
}

const BACKWARD_PREFIX = "autograd::engine::evaluate_function: ";

/** Canonical op name: backward ops as "bwd:X"; sparse variants marked by what they launch. */
export function canonicalOpName(op: LinkedOp, previous?: LinkedOp): string {
  let name = op.name.startsWith(BACKWARD_PREFIX) ? `bwd:${op.name.slice(BACKWARD_PREFIX.length)}` : op.name;
  if (name === "bwd:torch::autograd::AccumulateGrad" && previous?.name.endsWith("EmbeddingBagBackward0")) name += " (sparse)";
  if (name === "aten::add_" && op.launches.some((l) => l.gpu?.name.includes("indexFuncLargeIndex"))) name += " (sparse)";
  return name;
}

/** T2, T3 and the T5 gaps of one op from its runtime calls (syncs included), and its recorded events. */
export function opTimings(op: LinkedOp): { t2: number; t3: number; t5: number[]; events: number } {
  const calls = op.launches;
  const first = calls[0];
  const last = calls[calls.length - 1];
  return {
    t2: first ? first.ts - op.ts : op.dur,
    t3: last ? op.ts + op.dur - (last.ts + last.dur) : 0,
    t5: calls.slice(1).map((l, i) => l.ts - (calls[i]!.ts + calls[i]!.dur)),
    events: 1 + op.children + op.runtimeCalls,
  };
}

/**
 * The model-size drivers of a traced step, counted from its ops: tables (one embedding_bag
 * each, or one TBE lookup), parameters (one AccumulateGrad each) and the dot interaction's pairs.
 */
export function stepDrivers(ops: LinkedOp[]): HostDrivers {
  const tables = ops.filter((o) => o.name === "aten::embedding_bag").length;
  const params = ops.filter((o) => o.name.startsWith(`${BACKWARD_PREFIX}torch::autograd::AccumulateGrad`)).length;
  // The dot interaction (a bmm) pairs the tables' and the bottom MLP's outputs.
  const dot = ops.some((o) => o.name === "aten::bmm");
  return { tables, params, pairs: dot ? (tables * (tables + 1)) / 2 : 0 };
}

/** Per-op samples of one step, plus the thread hand-offs as pseudo-ops with only T1. */
export function stepOverheadSamples(step: LinkedStep): OpSample[] {
  const all = stepOps(step);
  const drivers = stepDrivers(all);
  const samples: OpSample[] = [];
  let prev: LinkedOp | undefined;
  for (const op of all) {
    const gap = prev ? op.ts - (prev.ts + prev.dur) : NaN;
    if (prev && prev.tid !== op.tid) {
      // A hand-off between host threads: into the autograd engine, or back to the optimizer.
      const name = op.name.startsWith(BACKWARD_PREFIX) ? "autograd engine start" : "optimizer.step";
      samples.push({ name, t1: gap, t2: 0, t3: 0, t4: [], t5: [], dur: 0, events: 0, drivers });
    }
    samples.push({
      name: canonicalOpName(op, prev?.tid === op.tid ? prev : undefined),
      t1: prev && prev.tid === op.tid ? gap : NaN,
      ...opTimings(op),
      t4: op.launches.filter((l) => !l.isSync).map((l) => l.dur),
      dur: op.dur,
      drivers,
    });
    prev = op;
  }
  return samples;
}

/** Summary statistics of a list of samples. */
export interface Stat {
  mean: number;
  std: number;
  count: number;
}

export function stat(xs: number[]): Stat {
  const v = xs.filter((x) => Number.isFinite(x));
  if (!v.length) return { mean: 0, std: 0, count: 0 };
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
  const r = (x: number): number => Math.round(x * 1000) / 1000;
  return { mean: r(mean), std: r(Math.sqrt(variance)), count: v.length };
}

/**
 * Remove the profiler's instrumentation from one op's overheads (Lin et al. remove it the same
 * way), with a cost per class of recorded event (docs/perf-model.md, "host costs"): the gap
 * before an op loses `gapUs` (the previous op's record exit and this one's entry; floor 30%),
 * each launch call `launchUs` (the CUPTI callback; floor 30%), and the op's non-launch time
 * (T2 + T3 + sum T5) `nestedUsPerEvent` per nested event, spread proportionally (floor 10%).
 */
export function withoutInstrumentation(s: Pick<OpSample, "t1" | "t2" | "t3" | "t4" | "t5" | "events">, c: ProfilerCost) {
  const nonLaunch = s.t2 + s.t3 + s.t5.reduce((a, b) => a + b, 0);
  const removable = c.nestedUsPerEvent * Math.max(0, s.events - s.t4.length);
  const k = nonLaunch > 0 ? Math.max(0.1, (nonLaunch - removable) / nonLaunch) : 1;
  return {
    t1: Number.isFinite(s.t1) ? Math.max(0.3 * s.t1, s.t1 - c.gapUs) : s.t1,
    t2: s.t2 * k,
    t3: s.t3 * k,
    t4: s.t4.map((x) => Math.max(0.3 * x, x - c.launchUs)),
    t5: s.t5.map((x) => x * k),
  };
}

/** One cost for every recorded event (`--instrumentation-us`). */
export const uniformProfilerCost = (us: number): ProfilerCost => ({ gapUs: us, launchUs: us, nestedUsPerEvent: us });
