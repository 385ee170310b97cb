/**
 * Link a Kineto trace into steps of top-level host ops with their launches and kernels.
 * A kernel links to its runtime call by `correlation` (in current PyTorch its `External id`
 * does not match its op's); a runtime call links to the innermost enclosing cpu_op on the
 * same thread by time. Steps are the `ProfilerStep#N` annotations; host threads are kept
 * as they appear (backward runs on the autograd engine's thread).
 */
import { GPU_CATEGORIES, LAUNCH_APIS, SYNC_APIS, type KinetoEvent, type KinetoTrace } from "./kineto.js";

export interface LinkedLaunch {
  api: string;
  ts: number;
  dur: number;
  isSync: boolean;
  /** The innermost cpu_op around the call (e.g. aten::mm inside an AddmmBackward0 node), with its recorded shapes. */
  inner?: { name: string; inputDims?: unknown };
  /** The GPU activity it launched, if any. */
  gpu?: { name: string; cat: string; ts: number; dur: number; stream: number | string };
}

export interface LinkedOp {
  name: string;
  tid: number | string;
  ts: number;
  dur: number;
  /** Nested cpu_op events (the profiler instruments each). */
  children: number;
  /** Runtime calls of any kind inside the op (each instrumented). */
  runtimeCalls: number;
  launches: LinkedLaunch[];
  inputDims?: unknown;
}

export interface LinkedStep {
  name: string;
  ts: number;
  dur: number;
  /** Top-level ops per host thread, in time order. */
  threads: Map<number | string, LinkedOp[]>;
  gpu: Array<{ name: string; ts: number; dur: number; stream: number | string }>;
  /** Per stream, when the GPU work queued before the step finishes (no sync between steps). */
  busyAtStart: Map<number | string, number>;
}

const end = (e: { ts: number; dur?: number }): number => e.ts + (e.dur ?? 0);
const streamOf = (g: KinetoEvent): number | string => (g.args?.stream as number | undefined) ?? g.tid;

/** A step's top-level ops over all host threads, in time order (the threads take turns). */
export function stepOps(step: LinkedStep): LinkedOp[] {
  return [...step.threads.values()].flat().sort((a, b) => a.ts - b.ts);
}

/** The latest-starting op of a thread (sorted by start) that encloses time t: the innermost one. */
function innermostOp(sorted: KinetoEvent[], t: number): KinetoEvent | undefined {
  let lo = 0;
  let hi = sorted.length - 1;
  if (hi < 0 || sorted[0]!.ts > t) return undefined;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid]!.ts <= t) lo = mid;
    else hi = mid - 1;
  }
  // Walk back over siblings that ended before t; the first op still open at t is the innermost.
  for (let i = lo, steps = 0; i >= 0 && steps < 4096; i--, steps++) if (end(sorted[i]!) >= t) return sorted[i];
  return undefined;
}

export function linkTrace(trace: KinetoTrace): LinkedStep[] {
  const byCorrelation = new Map<unknown, KinetoEvent>();
  const gpuEvents: KinetoEvent[] = [];
  const runtime: KinetoEvent[] = [];
  const ops: KinetoEvent[] = [];
  const steps: KinetoEvent[] = [];
  for (const e of trace.events) {
    if (e.cat && GPU_CATEGORIES.has(e.cat)) {
      gpuEvents.push(e);
      const c = e.args?.correlation;
      if (c !== undefined) byCorrelation.set(c, e);
    } else if (e.cat === "cuda_runtime" || e.cat === "cuda_driver") runtime.push(e);
    else if (e.cat === "cpu_op") ops.push(e);
    else if (e.cat === "user_annotation" && e.name.startsWith("ProfilerStep#")) steps.push(e);
  }
  steps.sort((a, b) => a.ts - b.ts);
  runtime.sort((a, b) => a.ts - b.ts);
  gpuEvents.sort((a, b) => a.ts - b.ts);
  // Top-level ops per thread: an op starting inside the previous top-level op is nested.
  const opsByThread = new Map<number | string, KinetoEvent[]>();
  for (const op of ops) {
    const list = opsByThread.get(op.tid) ?? [];
    list.push(op);
    opsByThread.set(op.tid, list);
  }
  const topLevel = new Map<number | string, LinkedOp[]>();
  for (const [tid, list] of opsByThread) {
    list.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    const tops: LinkedOp[] = [];
    let openEnd = -Infinity;
    for (const op of list) {
      if (op.ts >= openEnd) {
        tops.push({ name: op.name, tid, ts: op.ts, dur: op.dur ?? 0, children: 0, runtimeCalls: 0, launches: [], inputDims: op.args?.["Input Dims"] });
        openEnd = end(op);
      } else tops[tops.length - 1]!.children++;
    }
    topLevel.set(tid, tops);
  }
  // Attach runtime calls to the top-level op that encloses them (binary search by start time).
  const launchTs = new Map<KinetoEvent, number>();
  for (const call of runtime) {
    const g = byCorrelation.get(call.args?.correlation);
    if (g) launchTs.set(g, call.ts);
    const tops = topLevel.get(call.tid);
    if (!tops) continue;
    let lo = 0;
    let hi = tops.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (tops[mid]!.ts <= call.ts) lo = mid;
      else hi = mid - 1;
    }
    const op = tops[lo];
    if (!op || call.ts < op.ts || call.ts > op.ts + op.dur) continue;
    const inner = innermostOp(opsByThread.get(call.tid)!, call.ts);
    op.runtimeCalls++;
    const isSync = SYNC_APIS.has(call.name);
    if (!isSync && !LAUNCH_APIS.has(call.name)) continue;
    op.launches.push({
      api: call.name, ts: call.ts, dur: call.dur ?? 0, isSync,
      ...(inner ? { inner: { name: inner.name, inputDims: inner.args?.["Input Dims"] } } : {}),
      gpu: g ? { name: g.name, cat: g.cat ?? "", ts: g.ts, dur: g.dur ?? 0, stream: streamOf(g) } : undefined,
    });
  }
  return steps.map((s) => {
    const threads = new Map<number | string, LinkedOp[]>();
    for (const [tid, tops] of topLevel) {
      const inside = tops.filter((o) => o.ts >= s.ts && o.ts < end(s));
      if (inside.length) threads.set(tid, inside);
    }
    const gpu = gpuEvents
      .filter((g) => g.ts >= s.ts && g.ts < end(s))
      .map((g) => ({ name: g.name, ts: g.ts, dur: g.dur ?? 0, stream: streamOf(g) }));
    const busyAtStart = new Map<number | string, number>();
    for (const g of gpuEvents) {
      // Work launched before the step, even if it starts later, occupies the GPU first.
      // GPU work with no recorded launch was queued before profiling began.
      if ((launchTs.get(g) ?? -Infinity) >= s.ts || g.ts >= s.ts + (s.dur ?? 0)) continue;
      const stream = streamOf(g);
      busyAtStart.set(stream, Math.max(busyAtStart.get(stream) ?? -Infinity, end(g)));
    }
    return { name: s.name, ts: s.ts, dur: s.dur ?? 0, threads, gpu, busyAtStart };
  });
}
