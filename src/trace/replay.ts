/**
 * Rebuild a step's execution graph from a linked trace: the host ops in time order with their
 * own T1-T5 and launch calls, each kernel with its recorded duration and stream, each sync
 * as a wait. Our simulator then replays it (it must reproduce the measured step), or predicts
 * the step without the profiler's instrumentation, or on another GPU (trace/retime.ts).
 */
import { overheadsLookup, type HostOverheadTable, type ProfilerCost } from "../graph/host-overheads.js";
import type { ExecutionGraph, HostOp, Launch } from "../graph/types.js";
import { stepOps, type LinkedOp, type LinkedStep } from "./link.js";
import { canonicalOpName, opTimings, stepDrivers, withoutInstrumentation } from "./overheads.js";

export interface ReplayOptions {
  /** Start with the GPU idle, as a synchronised iteration does (default: busy with the previous step's work, as traced). */
  idleStart?: boolean;
  /** Profiler cost per recorded event class to remove (none = replay as traced). */
  profilerCost?: ProfilerCost;
  /**
   * Replace each op's traced overheads by typical, instrumentation-free values for its name and
   * the step's model size (a calibration table); ops it does not know keep their own, with
   * instrumentation removed.
   */
  typical?: HostOverheadTable;
  /** New duration for a traced kernel (another GPU); default: as traced. */
  retime?: (kernel: { name: string; durationUs: number; op: string; inputDims?: unknown; innerOp?: string; innerDims?: unknown }) => number;
}

/** The sync call's own cost: its duration minus the part spent waiting for the GPU to drain. */
function syncOwnUs(call: { ts: number; dur: number }, gpuEnds: Float64Array): number {
  const callEnd = call.ts + call.dur;
  let drained = -Infinity;
  for (const e of gpuEnds) if (e <= callEnd && e > drained) drained = e;
  return Math.max(0.5, callEnd - Math.max(call.ts, drained));
}

export function graphFromStep(step: LinkedStep, options: ReplayOptions = {}): ExecutionGraph {
  const cost = options.profilerCost;
  const ops = stepOps(step);
  const drivers = stepDrivers(ops);
  const table = options.typical;
  const lookup = table ? overheadsLookup(table, drivers) : undefined;
  const typical = (name: string) => (table && lookup && name in table.ops ? lookup(name) : undefined);
  const gpuEnds = Float64Array.from(step.gpu.map((g) => g.ts + g.dur));
  const streams = new Map<number | string, number>();
  const streamIndex = (s: number | string): number => {
    let i = streams.get(s);
    if (i === undefined) streams.set(s, (i = streams.size));
    return i;
  };
  const hostOps: HostOp[] = [];
  let prevEnd = step.ts;
  let prev: LinkedOp | undefined;
  for (const op of ops) {
    const calls = op.launches;
    const hasCalls = calls.length > 0;
    const name = canonicalOpName(op, prev?.tid === op.tid ? prev : undefined);
    const t = typical(name);
    const raw = { t1: op.ts - prevEnd, ...opTimings(op), t4: calls.map((l) => (l.isSync ? syncOwnUs(l, gpuEnds) : l.dur)) };
    let o = cost ? withoutInstrumentation(raw, cost) : raw;
    if (t) {
      // A hand-off between host threads takes the table's pseudo-op gap (see trace/overheads.ts).
      const handoff = prev !== undefined && prev.tid !== op.tid ? typical(name.startsWith("bwd:") ? "autograd engine start" : "optimizer.step") : undefined;
      o = {
        t1: handoff ? handoff.t1 : prev === undefined ? o.t1 : t.t1,
        t2: hasCalls ? t.t2 : o.t2,
        t3: hasCalls ? t.t3 : o.t3,
        t4: calls.map((l, i) => (l.isSync ? o.t4[i]! : t.t4)),
        t5: o.t5.map(() => t.t5),
      };
    }
    const launches: Launch[] = calls.map((l, i) => {
      const host = { callUs: o.t4[i]!, gapUs: i > 0 ? o.t5[i - 1]! : 0 };
      if (l.isSync) return { kind: "sync", reason: l.api, ...host };
      const g = l.gpu;
      // A launch whose GPU activity is missing (lost correlation) still costs its call.
      const durationUs = g ? (options.retime ? options.retime({ name: g.name, durationUs: g.dur, op: name, inputDims: op.inputDims, innerOp: l.inner?.name, innerDims: l.inner?.inputDims }) : g.dur) : 0;
      return {
        kind: "kernel",
        kernel: { name: g?.name ?? `${l.api} (no GPU activity recorded)`, work: { kind: "elementwise", bytes: 0, flops: 0 }, stream: streamIndex(g?.stream ?? "default"), durationUs },
        ...host,
      };
    });
    hostOps.push({ name, category: "framework", phase: name.startsWith("bwd:") ? "backward" : "forward", overheads: { t1: o.t1, t2: o.t2, t3: o.t3, t4: 0, t5: 0 }, launches });
    prevEnd = op.ts + op.dur;
    prev = op;
  }
  // The rest of the step after the last op (the training loop's Python until the next step).
  const tail = step.ts + step.dur - prevEnd;
  hostOps.push({ name: "end of step", category: "framework", phase: "optimizer", overheads: { t1: Math.max(0, tail - (cost?.gapUs ?? 0)), t2: 0, t3: 0, t4: 0, t5: 0 }, launches: [] });
  // Launch latency: kernel start after its call returned, where the stream had nothing queued.
  const latencies: number[] = [];
  const lastEnd = new Map<number | string, number>();
  for (const op of ops) {
    for (const l of op.launches) {
      if (!l.gpu) continue;
      const callEnd = l.ts + l.dur;
      if ((lastEnd.get(l.gpu.stream) ?? -Infinity) < callEnd && l.gpu.ts >= callEnd) latencies.push(l.gpu.ts - callEnd);
      lastEnd.set(l.gpu.stream, Math.max(lastEnd.get(l.gpu.stream) ?? -Infinity, l.gpu.ts + l.gpu.dur));
    }
  }
  latencies.sort((a, b) => a - b);
  const launchLatencyUs = latencies.length ? latencies[latencies.length >> 1]! : 0;
  const streamBusyAtStartUs: number[] = [];
  if (!options.idleStart) for (const [stream, until] of step.busyAtStart) streamBusyAtStartUs[streamIndex(stream)] = until - step.ts;
  return { name: step.name, ops: hostOps, streams: Math.max(1, streams.size), streamBusyAtStartUs, launchLatencyUs };
}
