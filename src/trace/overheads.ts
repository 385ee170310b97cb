/**
 * Host overhead samples of Lin et al. (HiPC 2022, Sec. III) from linked trace steps:
 * T1 gap between consecutive ops, T2 op start to its first launch, T3 last launch's end to
 * the op's end, T4 the launch call itself, T5 gaps between launches inside an op.
 * The host threads run one after another in a training step (the main thread waits in
 * backward() while the autograd thread works), so ops are walked in one time order.
 */
import type { LinkedOp, LinkedStep } from "./link.js";

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

/** Per-op samples of one step, plus the thread hand-offs as pseudo-ops with only T1. */
export function stepOverheadSamples(step: LinkedStep): OpSample[] {
  const all = [...step.threads.values()].flat().sort((a, b) => a.ts - b.ts);
  const samples: OpSample[] = [];
  let prev: LinkedOp | undefined;
  for (const op of all) {
    const gap = prev ? op.ts - (prev.ts + prev.dur) : NaN;
    if (prev && prev.tid !== op.tid) {
      // A hand-off between host threads: into the autograd engine, or back to the optimizer.
      const name = op.name.startsWith(BACKWARD_PREFIX) ? "autograd engine start" : "optimizer.step";
      samples.push({ name, t1: gap, t2: 0, t3: 0, t4: [], t5: [], dur: 0, events: 0 });
    }
    const launches = op.launches.filter((l) => !l.isSync);
    const calls = op.launches;
    const first = calls[0];
    const last = calls[calls.length - 1];
    const t5: number[] = [];
    for (let i = 1; i < calls.length; i++) t5.push(calls[i]!.ts - (calls[i - 1]!.ts + calls[i - 1]!.dur));
    samples.push({
      name: canonicalOpName(op, prev?.tid === op.tid ? prev : undefined),
      t1: prev && prev.tid === op.tid ? gap : NaN,
      t2: first ? first.ts - op.ts : op.dur,
      t3: last ? op.ts + op.dur - (last.ts + last.dur) : 0,
      t4: launches.map((l) => l.dur),
      t5,
      dur: op.dur,
      events: 1 + op.children + op.runtimeCalls,
    });
    prev = op;
  }
  return samples;
}
