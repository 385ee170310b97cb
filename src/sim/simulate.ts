/**
 * Critical-path simulation of a step over one host thread and the GPU streams (Lin et al.,
 * HiPC 2022, Sec. V): the host walks the ops in order paying T1-T5; each launch enqueues a
 * kernel that starts when its launch has returned, its stream is free and the streams it waits
 * on have drained what was enqueued before; a sync makes the host wait for the GPU. The step
 * ends when the host is done and the GPU has drained (the measurement synchronises after each
 * iteration). Several ranks run together: a collective starts on every member when the last
 * member is ready and ends on all of them together (simulateRanks).
 */
import type { ExecutionGraph, OpCategory } from "../graph/types.js";

export interface TimelineEvent {
  /** "host" or "stream N". */
  track: string;
  name: string;
  category: OpCategory;
  kind: "op" | "kernel" | "sync-wait";
  startUs: number;
  durUs: number;
  iteration: number;
}

export interface OpBreakdown {
  name: string;
  category: OpCategory;
  count: number;
  hostUs: number;
  gpuUs: number;
}

export interface StepResult {
  /** Wall time of one step (steady state when several iterations are simulated). */
  stepUs: number;
  /** Compute kernels' time (collectives excluded). */
  gpuActiveUs: number;
  /** Collectives' time on the communication streams (overlapped or not). */
  commUs: number;
  /** When the host finished its last op (a profiler step's span ends there, not at GPU drain). */
  hostEndUs: number;
  /** Host time spent on overheads, excluding waits on the GPU. */
  hostBusyUs: number;
  syncWaitUs: number;
  bound: "cpu" | "gpu";
  timeline: TimelineEvent[];
  byOp: OpBreakdown[];
  byCategory: Record<OpCategory, { hostUs: number; gpuUs: number }>;
}

/**
 * How much slower (> 1) or faster the host is than the calibration host, per kind of host work
 * (docs/perf-model.md, "host as hardware"): per-op dispatch (Python, ATen, launch calls: T1-T5)
 * follows single-thread speed; a synchronisation's own cost (the round trip to the device)
 * follows the driver and the link.
 */
export interface HostFactors {
  dispatch: number;
  sync: number;
}

export const SAME_HOST: HostFactors = { dispatch: 1, sync: 1 };

export interface SimOptions {
  /** Back-to-back iterations with no sync between them (pipelined); 1 = sync before and after. */
  iterations?: number;
  /** The host's speed relative to the calibration host (default: the same host). */
  host?: HostFactors;
  /** Keep the timeline (off for sweeps). */
  recordTimeline?: boolean;
}

/** GPU utilisation above which a step counts as GPU-bound. */
export const GPU_BOUND_UTILIZATION = 0.6;

const CATEGORIES: OpCategory[] = ["bottom-mlp", "embedding", "interaction", "top-mlp", "loss", "optimizer", "communication", "framework"];

/** Per collective key (iteration:key): when this rank could start it. */
type Ready = Map<string, number>;

/** `account`: keep the per-op and per-category breakdowns (the fixed-point passes need only the ready times). */
function run(graph: ExecutionGraph, options: SimOptions, joinAt: Ready, collectiveUs: Map<string, number>, account = true): { result: StepResult; ready: Ready } {
  const iterations = Math.max(1, options.iterations ?? 1);
  const f = options.host?.dispatch ?? 1;
  const fSync = options.host?.sync ?? 1;
  const record = options.recordTimeline ?? true;
  const streamFree = new Float64Array(Math.max(1, graph.streams));
  graph.streamBusyAtStartUs?.forEach((t, i) => (streamFree[i] = Math.max(0, t)));
  const timeline: TimelineEvent[] = [];
  const byOp = new Map<string, OpBreakdown>();
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, { hostUs: 0, gpuUs: 0 }])) as StepResult["byCategory"];
  const ready: Ready = new Map();
  let host = 0;
  let gpuActive = 0;
  let comm = 0;
  let hostBusy = 0;
  let syncWait = 0;
  let firstIterationEnd = 0;
  const drained = (): number => streamFree.reduce((a, b) => Math.max(a, b), 0);

  for (let it = 0; it < iterations; it++) {
    for (const op of graph.ops) {
      const o = op.overheads;
      host += o.t1 * f;
      const opStart = host;
      let busy = (o.t2 + o.t3) * f;
      let gpu = 0;
      host += o.t2 * f;
      // A plain loop, not forEach: host, busy and gpu stay unboxed locals (no closure context to allocate into).
      for (let i = 0; i < op.launches.length; i++) {
        const launch = op.launches[i]!;
        if (i > 0) {
          const gap = (launch.gapUs ?? o.t5) * f;
          host += gap;
          busy += gap;
        }
        if (launch.kind === "sync") {
          const call = (launch.callUs ?? o.t4) * fSync;
          // The call returns once the GPU has drained, and then pays its own cost.
          const until = drained();
          if (until > host) {
            if (record) timeline.push({ track: "host", name: `wait: ${launch.reason}`, category: op.category, kind: "sync-wait", startUs: host, durUs: until - host, iteration: it });
            syncWait += until - host;
            host = until;
          }
          host += call;
          busy += call;
          continue;
        }
        const call = (launch.callUs ?? o.t4) * f;
        host += call;
        busy += call;
        const k = launch.kernel;
        let start = Math.max(host + (graph.launchLatencyUs ?? 0), streamFree[k.stream]!);
        if (k.waitStreams) for (const s of k.waitStreams) start = Math.max(start, streamFree[s] ?? 0);
        let dur = k.durationUs;
        if (k.collective !== undefined) {
          const key = `${it}:${k.collective}`;
          ready.set(key, start);
          start = Math.max(start, joinAt.get(key) ?? start);
          dur = collectiveUs.get(k.collective) ?? dur;
          comm += dur;
        } else {
          gpuActive += dur;
        }
        streamFree[k.stream] = start + dur;
        gpu += dur;
        if (record) timeline.push({ track: `stream ${k.stream}`, name: k.name, category: op.category, kind: "kernel", startUs: start, durUs: dur, iteration: it });
      }
      host += o.t3 * f;
      if (record) timeline.push({ track: "host", name: op.name, category: op.category, kind: "op", startUs: opStart, durUs: host - opStart, iteration: it });
      busy += o.t1 * f;
      hostBusy += busy;
      if (!account) continue;
      const entry = byOp.get(op.name) ?? { name: op.name, category: op.category, count: 0, hostUs: 0, gpuUs: 0 };
      entry.count += 1;
      entry.hostUs += busy;
      entry.gpuUs += gpu;
      byOp.set(op.name, entry);
      byCategory[op.category].hostUs += busy;
      byCategory[op.category].gpuUs += gpu;
    }
    if (it === 0) firstIterationEnd = Math.max(host, drained());
  }
  const end = Math.max(host, drained());
  const stepUs = iterations > 1 ? (end - firstIterationEnd) / (iterations - 1) : end;
  // Per-iteration figures.
  const per = 1 / iterations;
  for (const c of CATEGORIES) { byCategory[c].hostUs *= per; byCategory[c].gpuUs *= per; }
  for (const e of byOp.values()) { e.count *= per; e.hostUs *= per; e.gpuUs *= per; }
  const gpuActiveUs = gpuActive * per;
  const hostBusyUs = hostBusy * per;
  const result: StepResult = {
    stepUs,
    hostEndUs: iterations > 1 ? (host - firstIterationEnd) / (iterations - 1) : host,
    gpuActiveUs,
    commUs: comm * per,
    hostBusyUs,
    syncWaitUs: syncWait * per,
    // GPU-bound when kernels keep the GPU busy for most of the step; otherwise the host's
    // overheads leave it idle (Lin et al. Sec. II: DLRM training is often CPU-bound).
    bound: gpuActiveUs >= GPU_BOUND_UTILIZATION * stepUs ? "gpu" : "cpu",
    timeline,
    byOp: [...byOp.values()],
    byCategory,
  };
  return { result, ready };
}

export interface RanksResult {
  /** The job's step: its slowest rank's. */
  stepUs: number;
  ranks: StepResult[];
}

/**
 * Every rank of a job, each with its own graph. Collectives couple them: a rank's readiness
 * for a collective depends on earlier collectives, so the join times are found by fixed-point
 * iteration (they only grow, and each pass settles at least the earliest open collective).
 */
export function simulateRanks(graphs: ExecutionGraph[], options: SimOptions = {}): RanksResult {
  const collectiveUs = new Map<string, number>();
  // Over distinct graphs: ranks with the same work share one (simulateStep).
  const unique = new Set(graphs);
  for (const g of unique) {
    for (const op of g.ops) {
      for (const l of op.launches) {
        if (l.kind === "kernel" && l.kernel.collective !== undefined) collectiveUs.set(l.kernel.collective, Math.max(collectiveUs.get(l.kernel.collective) ?? 0, l.kernel.durationUs));
      }
    }
  }
  let joinAt: Ready = new Map();
  const quiet = { ...options, recordTimeline: false };
  const limit = collectiveUs.size * Math.max(1, options.iterations ?? 1) + 2;
  // Ranks with the same graph reach their collectives at the same times: one stands for all.
  const joined = collectiveUs.size > 0 && graphs.length > 1;
  const hashed = new Map<ExecutionGraph, string>();
  if (joined) for (const g of unique) hashed.set(g, timingKey(g));
  const keys = joined ? graphs.map((g) => hashed.get(g)!) : [];
  const distinct = [...new Map(keys.map((k, i) => [k, graphs[i]!])).values()];
  for (let pass = 0; joined && pass < limit; pass++) {
    const next: Ready = new Map();
    for (const g of distinct) for (const [k, t] of run(g, quiet, joinAt, collectiveUs, false).ready) next.set(k, Math.max(next.get(k) ?? 0, t));
    let changed = false;
    for (const [k, t] of next) if (Math.abs(t - (joinAt.get(k) ?? -1)) > 1e-9) changed = true;
    joinAt = next;
    if (!changed) break;
  }
  // Identical ranks share one result (read-only by convention, as every StepResult is).
  const byKey = new Map<string, StepResult>();
  const ranks = graphs.map((g, i) => {
    const key = keys[i];
    const known = key === undefined ? undefined : byKey.get(key);
    if (known) return known;
    const r = run(g, options, joinAt, collectiveUs).result;
    if (key !== undefined) byKey.set(key, r);
    return r;
  });
  return { stepUs: ranks.reduce((m, r) => Math.max(m, r.stepUs), 0), ranks };
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** The two lanes, in a typed array: as closure variables every update would box a heap number. */
const lanes = new Uint32Array(2);

function num(v: number): void {
  bits[0] = v;
  lanes[0] = Math.imul(Math.imul(lanes[0]! ^ words[0]!, 0x01000193) ^ words[1]!, 0x01000193);
  lanes[1] = Math.imul(Math.imul(lanes[1]! ^ words[1]!, 0x5bd1e995) ^ words[0]!, 0x5bd1e995);
}

function str(v: string): void {
  for (let i = 0; i < v.length; i++) num(v.charCodeAt(i));
  num(-3);
}

/**
 * A 64-bit hash (two FNV-1a lanes) of everything that decides a graph's timing: ops' overheads,
 * kernels' streams, waits, collectives and durations. Two graphs with the same key time alike;
 * a collision among a job's ranks has odds of about ranks^2 / 2^65.
 */
function timingKey(g: ExecutionGraph): string {
  lanes[0] = 0x811c9dc5;
  lanes[1] = 0x01000193;
  num(g.streams);
  num(g.launchLatencyUs ?? 0);
  for (const t of g.streamBusyAtStartUs ?? []) num(t);
  for (const op of g.ops) {
    const o = op.overheads;
    num(o.t1); num(o.t2); num(o.t3); num(o.t4); num(o.t5); num(op.launches.length);
    for (const l of op.launches) {
      num(l.callUs ?? -1);
      num(l.gapUs ?? -1);
      if (l.kind === "sync") { num(-2); continue; }
      num(l.kernel.stream); num(l.kernel.durationUs); str(l.kernel.collective ?? "");
      if (l.kernel.waitStreams) for (const w of l.kernel.waitStreams) num(w);
      num(-4);
    }
  }
  return `${lanes[0]}:${lanes[1]}`;
}

export function simulate(graph: ExecutionGraph, options: SimOptions = {}): StepResult {
  return simulateRanks([graph], options).ranks[0]!;
}
