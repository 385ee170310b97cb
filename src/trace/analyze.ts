/**
 * Analyse a linked trace: per step the host time, GPU active time (union of kernel
 * intervals), GPU idle time and its causes, whether the step is CPU- or GPU-bound, the
 * overhead statistics of Lin et al. (T1-T5, overall and per op: mean, std, count), and the
 * top ops and kernels.
 */
import type { LinkedStep } from "./link.js";
import { stat, stepOverheadSamples, type Stat } from "./overheads.js";
import { GPU_BOUND_UTILIZATION } from "../sim/simulate.js";

export interface StepAnalysis {
  name: string;
  ms: number;
  hostBusyMs: number;
  gpuActiveMs: number;
  gpuIdleMs: number;
  /** Idle GPU time split by what the host was doing: running op overheads, or between ops. */
  idleCauses: { hostInOpsMs: number; hostBetweenOpsMs: number };
  syncWaitMs: number;
  bound: "cpu" | "gpu";
}

export interface TraceAnalysis {
  file: string;
  steps: StepAnalysis[];
  stepMs: number;
  gpuActiveMs: number;
  hostBusyMs: number;
  bound: "cpu" | "gpu";
  overheads: Record<"T1" | "T2" | "T3" | "T4" | "T5", Stat & { byOp: Record<string, Stat> }>;
  topOps: Array<{ name: string; calls: number; hostMs: number; gpuMs: number }>;
  topKernels: Array<{ name: string; calls: number; gpuMs: number }>;
}

type Interval = [number, number];

function union(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: Interval[] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

const length = (xs: Interval[]): number => xs.reduce((a, [s, e]) => a + (e - s), 0);

/** Length of the part of `xs` covered by `ys` (both unions). */
function overlap(xs: Interval[], ys: Interval[]): number {
  let total = 0;
  let j = 0;
  for (const [s, e] of xs) {
    while (j < ys.length && ys[j]![1] <= s) j++;
    for (let k = j; k < ys.length && ys[k]![0] < e; k++) total += Math.max(0, Math.min(e, ys[k]![1]) - Math.max(s, ys[k]![0]));
  }
  return total;
}

const round = (x: number, d = 4): number => Number(x.toFixed(d));

export function analyzeSteps(file: string, steps: LinkedStep[], top = 10): TraceAnalysis {
  const stepRows: StepAnalysis[] = steps.map((s) => {
    const end = s.ts + s.dur;
    const gpu = union(s.gpu.map((g): Interval => [Math.max(g.ts, s.ts), Math.min(g.ts + g.dur, end)]).filter(([a, b]) => b > a));
    const ops = [...s.threads.values()].flat();
    const opIntervals = union(ops.map((o): Interval => [o.ts, o.ts + o.dur]));
    const syncs = ops.flatMap((o) => o.launches.filter((l) => l.isSync).map((l): Interval => [l.ts, l.ts + l.dur]));
    const syncWait = length(union(syncs));
    const active = length(gpu);
    // Idle GPU intervals: the step minus the GPU-busy union.
    const idleIntervals: Interval[] = [];
    let cursor = s.ts;
    for (const [a, b] of gpu) {
      if (a > cursor) idleIntervals.push([cursor, a]);
      cursor = Math.max(cursor, b);
    }
    if (end > cursor) idleIntervals.push([cursor, end]);
    const idleInOps = overlap(idleIntervals, opIntervals);
    const hostBusy = length(opIntervals) - syncWait;
    return {
      name: s.name,
      ms: round(s.dur / 1000),
      hostBusyMs: round(hostBusy / 1000),
      gpuActiveMs: round(active / 1000),
      gpuIdleMs: round((s.dur - active) / 1000),
      idleCauses: { hostInOpsMs: round(idleInOps / 1000), hostBetweenOpsMs: round((length(idleIntervals) - idleInOps) / 1000) },
      syncWaitMs: round(syncWait / 1000),
      bound: active >= GPU_BOUND_UTILIZATION * s.dur ? "gpu" : "cpu",
    };
  });
  const mean = (f: (r: StepAnalysis) => number): number => round(stepRows.reduce((a, r) => a + f(r), 0) / Math.max(1, stepRows.length));
  const samples = steps.flatMap((s) => stepOverheadSamples(s)).filter((x) => x.name !== "autograd engine start" && x.name !== "optimizer.step");
  const byOp = (pick: (x: (typeof samples)[number]) => number[]) => {
    const groups = new Map<string, number[]>();
    for (const x of samples) {
      const list = groups.get(x.name) ?? [];
      list.push(...pick(x));
      groups.set(x.name, list);
    }
    return Object.fromEntries([...groups].filter(([, v]) => v.length).map(([k, v]) => [k, stat(v)]));
  };
  const overhead = (pick: (x: (typeof samples)[number]) => number[]) => ({ ...stat(samples.flatMap(pick)), byOp: byOp(pick) });
  const opTotals = new Map<string, { calls: number; host: number; gpu: number }>();
  const kernelTotals = new Map<string, { calls: number; gpu: number }>();
  for (const s of steps) {
    for (const ops of s.threads.values()) {
      for (const o of ops) {
        const e = opTotals.get(o.name) ?? { calls: 0, host: 0, gpu: 0 };
        e.calls++;
        e.host += o.dur;
        e.gpu += o.launches.reduce((a, l) => a + (l.gpu?.dur ?? 0), 0);
        opTotals.set(o.name, e);
      }
    }
    for (const g of s.gpu) {
      const k = kernelTotals.get(g.name) ?? { calls: 0, gpu: 0 };
      k.calls++;
      k.gpu += g.dur;
      kernelTotals.set(g.name, k);
    }
  }
  const n = Math.max(1, steps.length);
  const stepMs = mean((r) => r.ms);
  const gpuActiveMs = mean((r) => r.gpuActiveMs);
  return {
    file,
    steps: stepRows,
    stepMs,
    gpuActiveMs,
    hostBusyMs: mean((r) => r.hostBusyMs),
    bound: gpuActiveMs >= GPU_BOUND_UTILIZATION * stepMs ? "gpu" : "cpu",
    overheads: {
      T1: overhead((x) => [x.t1]),
      T2: overhead((x) => (x.t4.length ? [x.t2] : [])),
      T3: overhead((x) => (x.t4.length ? [x.t3] : [])),
      T4: overhead((x) => x.t4),
      T5: overhead((x) => x.t5),
    },
    topOps: [...opTotals].map(([name, e]) => ({ name, calls: e.calls / n, hostMs: round(e.host / n / 1000), gpuMs: round(e.gpu / n / 1000) })).sort((a, b) => b.hostMs - a.hostMs).slice(0, top),
    topKernels: [...kernelTotals].map(([name, k]) => ({ name, calls: k.calls / n, gpuMs: round(k.gpu / n / 1000) })).sort((a, b) => b.gpuMs - a.gpuMs).slice(0, top),
  };
}
