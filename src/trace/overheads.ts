/**
 * Host overhead samples of Lin et al. (HiPC 2022, Sec. III) from linked trace steps:
 * T1 gap between consecutive ops, T2 op start to its first launch, T3 last launch's end to
 * the op's end, T4 the launch call itself, T5 gaps between launches inside an op.
 * The host threads run one after another in a training step (the main thread waits in
 * backward() while the autograd thread works), so ops are walked in one time order.
 */
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

/** Per-op samples of one step, plus the thread hand-offs as pseudo-ops with only T1. */
export function stepOverheadSamples(step: LinkedStep): OpSample[] {
  const all = stepOps(step);
  const samples: OpSample[] = [];
  let prev: LinkedOp | undefined;
  for (const op of all) {
    const gap = prev ? op.ts - (prev.ts + prev.dur) : NaN;
    if (prev && prev.tid !== op.tid) {
      // A hand-off between host threads: into the autograd engine, or back to the optimizer.
      const name = op.name.startsWith(BACKWARD_PREFIX) ? "autograd engine start" : "optimizer.step";
      samples.push({ name, t1: gap, t2: 0, t3: 0, t4: [], t5: [], dur: 0, events: 0 });
    }
    samples.push({
      name: canonicalOpName(op, prev?.tid === op.tid ? prev : undefined),
      t1: prev && prev.tid === op.tid ? gap : NaN,
      ...opTimings(op),
      t4: op.launches.filter((l) => !l.isSync).map((l) => l.dur),
      dur: op.dur,
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
 * Remove the profiler's instrumentation from one op's overheads (Lin et al. remove it the
 * same way): every recorded event costs `c` us. The op's non-launch time (T2 + T3 + sum T5)
 * loses c x (events - launches), spread proportionally (floor 10%); each launch call and the
 * gap before the op lose c (floor 30%).
 */
export function withoutInstrumentation(s: Pick<OpSample, "t1" | "t2" | "t3" | "t4" | "t5" | "events">, c: number) {
  const nonLaunch = s.t2 + s.t3 + s.t5.reduce((a, b) => a + b, 0);
  const removable = c * Math.max(0, s.events - s.t4.length);
  const k = nonLaunch > 0 ? Math.max(0.1, (nonLaunch - removable) / nonLaunch) : 1;
  return {
    t1: Number.isFinite(s.t1) ? Math.max(0.3 * s.t1, s.t1 - c) : s.t1,
    t2: s.t2 * k,
    t3: s.t3 * k,
    t4: s.t4.map((x) => Math.max(0.3 * x, x - c)),
    t5: s.t5.map((x) => x * k),
  };
}
