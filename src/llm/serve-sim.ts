/**
 * A serving run as an engine's benchmark drives it: requests of given input and output lengths
 * arrive all at once (offline: trtllm-bench throughput), under a concurrency cap (vllm bench
 * serve / SGLang bench_serving --max-concurrency) or at a Poisson rate; the engine's scheduler
 * forms every step from its running and waiting requests (engine profiles, data/llm/engines.json)
 * and the step model (perf.ts StepModel, the graph `llm perf` times) gives its time. Reports what
 * the benchmarks print: output and total tokens/s, requests/s, TTFT, TPOT and end-to-end latency.
 */
import { rng } from "../catalog/dlrm-presets.js";
import type { MoeTransformerModel } from "../spec/moe-transformer.js";
import type { EngineLimits, EngineProfile } from "./engines.js";
import { blocksFor } from "./engine-memory.js";
import { decodeKeys, type RankBatch, type StepBatch } from "./perf.js";

export interface RunWorkload {
  input: number;
  output: number;
  requests: number;
  /** At most this many requests in flight (closed loop: a new one is sent when one completes). */
  concurrency?: number;
  /** Poisson arrivals at this many requests per second (default: all at once). */
  rate?: number;
  /** Lengths uniform in [ratio x L, L] (vLLM's benchmark_serving and SGLang's bench_serving random dataset); 1 = fixed. */
  rangeRatio?: number;
  seed?: number;
}

/** What times a step (perf.ts StepModel). */
export interface StepTimer {
  stepUs(batch: StepBatch): number;
}

/** The run's engine: its profile, limits, KV capacity per rank and the step models it launches. */
export interface RunEngine {
  profile: EngineProfile;
  limits: EngineLimits;
  kvTokensPerRank: number;
  ranks: number;
  /** Steps replayed as CUDA graphs, and steps launched kernel by kernel. */
  graphed: StepTimer;
  eager: StepTimer;
}

interface Req {
  id: number;
  rank: number;
  sentAt: number;
  input: number;
  output: number;
  /** Tokens to prefill before decoding: the input, or after a preemption everything so far (recomputed). */
  prompt: number;
  prefilled: number;
  /** Tokens whose KV is cached. */
  kv: number;
  generated: number;
  /** KV blocks held (on-demand engines) or reserved for the whole request (TensorRT-LLM). */
  blocks: number;
  firstTokenAt?: number;
  finishedAt?: number;
}

interface Rank {
  waiting: Req[];
  running: Req[];
  freeBlocks: number;
  /** SGLang: the request whose prefill continues in the next prefill batch, and the decaying new-token ratio. */
  chunked?: Req;
  newTokenRatio: number;
}

interface Scheduled {
  decodes: Req[];
  chunks: Array<{ req: Req; tokens: number }>;
}

export interface LatencyStats {
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
}

export interface RunResult {
  durationS: number;
  requests: number;
  outputTokens: number;
  inputTokens: number;
  outputTokensPerSec: number;
  totalTokensPerSec: number;
  requestsPerSec: number;
  ttft: LatencyStats;
  tpot: LatencyStats;
  e2e: LatencyStats;
  steps: number;
  /** Mean decoding sequences per step (all ranks), over steps that decode. */
  meanDecodeBatch: number;
  /** Most requests running at once (all ranks). */
  peakRunning: number;
  preemptions: number;
  /** Mean step time, ms, and the share of steps replayed as CUDA graphs. */
  meanStepMs: number;
  graphedSteps: number;
}

/** Linear-interpolated percentile (numpy's default), as the benchmarks report them. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const x = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(x);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (x - lo);
}

function stats(values: number[]): LatencyStats {
  const s = [...values].sort((a, b) => a - b);
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : 0;
  return { meanMs: mean / 1000, p50Ms: percentile(s, 50) / 1000, p99Ms: percentile(s, 99) / 1000 };
}

/** Request lengths: fixed, or uniform integers in [ratio x L, L]. */
function lengths(w: RunWorkload): Array<{ input: number; output: number }> {
  const r = w.rangeRatio ?? 1;
  const rand = rng(w.seed ?? 1);
  const draw = (L: number): number => (r >= 1 ? L : Math.floor(L * r) + Math.floor(rand() * (L - Math.floor(L * r) + 1)));
  return Array.from({ length: w.requests }, () => ({ input: draw(w.input), output: draw(w.output) }));
}

const MAX_STEPS = 5_000_000;

export function simulateRun(m: MoeTransformerModel, eng: RunEngine, w: RunWorkload): RunResult {
  const e = eng.profile;
  const { maxSeqs, tokenBudget, graphSizes } = eng.limits;
  const block = e.kvBlockTokens;
  const totalBlocks = Math.floor(eng.kvTokensPerRank / block);
  const ratio = e.scheduler.newTokenRatio ?? { init: 0.7, min: 0.1, decaySteps: 600 };
  const ranks: Rank[] = Array.from({ length: eng.ranks }, () => ({ waiting: [], running: [], freeBlocks: totalBlocks, newTokenRatio: ratio.init }));
  const specs = lengths(w);
  const reqs: Req[] = [];
  const rand = rng((w.seed ?? 1) + 7919);
  // Arrival times: all at once, or a Poisson process; a concurrency cap holds a request back until a slot frees.
  const arrivals: number[] = [];
  let at = 0;
  for (let i = 0; i < w.requests; i++) {
    arrivals.push(at);
    if (w.rate !== undefined) at += (-Math.log(1 - rand()) / w.rate) * 1e6;
  }
  const cap = w.concurrency ?? Number.POSITIVE_INFINITY;
  let sent = 0;
  let inFlight = 0;
  const send = (now: number): void => {
    while (sent < w.requests && inFlight < cap && arrivals[sent]! <= now) {
      const s = specs[sent]!;
      // Attention DP: the least loaded rank takes the request.
      let r = 0;
      for (let k = 1; k < ranks.length; k++) if (ranks[k]!.waiting.length + ranks[k]!.running.length < ranks[r]!.waiting.length + ranks[r]!.running.length) r = k;
      const req: Req = { id: sent, rank: r, sentAt: Math.max(now, arrivals[sent]!), input: s.input, output: s.output, prompt: s.input, prefilled: 0, kv: 0, generated: 0, blocks: 0 };
      reqs.push(req);
      ranks[r]!.waiting.push(req);
      sent++;
      inFlight++;
    }
  };

  const preempt = (rk: Rank, victim: Req): void => {
    rk.freeBlocks += victim.blocks;
    victim.blocks = 0;
    victim.prompt = victim.input + victim.generated;
    victim.prefilled = 0;
    victim.kv = 0;
    rk.running.splice(rk.running.indexOf(victim), 1);
    rk.waiting.unshift(victim);
    preemptions++;
  };
  const grow = (rk: Rank, r: Req, tokens: number): boolean => {
    const need = blocksFor(r.kv + tokens, block) - r.blocks;
    if (need <= 0) return true;
    if (need > rk.freeBlocks) return false;
    rk.freeBlocks -= need;
    r.blocks += need;
    return true;
  };

  /** vLLM V1: running first (decode token or next chunk), preempting the newest on shortage; then waiting FCFS within budget and max_num_seqs. */
  const scheduleVllm = (rk: Rank): Scheduled => {
    const out: Scheduled = { decodes: [], chunks: [] };
    let budget = tokenBudget;
    let preempted = false;
    for (let i = 0; i < rk.running.length && budget > 0; i++) {
      const r = rk.running[i]!;
      const n = r.prefilled < r.prompt ? Math.min(r.prompt - r.prefilled, budget) : 1;
      while (!grow(rk, r, n)) {
        const victim = rk.running.at(-1)!;
        preempt(rk, victim);
        preempted = true;
        if (victim === r) break;
      }
      if (!rk.running.includes(r)) break;
      if (r.prefilled < r.prompt) out.chunks.push({ req: r, tokens: n });
      else out.decodes.push(r);
      budget -= n;
    }
    while (!preempted && budget > 0 && rk.waiting.length > 0 && rk.running.length < maxSeqs) {
      const r = rk.waiting[0]!;
      const n = Math.min(r.prompt - r.prefilled, budget);
      if (!grow(rk, r, n)) break;
      rk.waiting.shift();
      rk.running.push(r);
      out.chunks.push({ req: r, tokens: n });
      budget -= n;
    }
    return out;
  };

  /** TensorRT-LLM: admit while a request's whole KV (input + output) can be reserved; generation tokens first, then whole (or chunked) contexts within max_num_tokens. */
  const scheduleTrtllm = (rk: Rank): Scheduled => {
    while (rk.waiting.length > 0 && rk.running.length < maxSeqs) {
      const r = rk.waiting[0]!;
      const need = blocksFor(r.input + r.output, block);
      if (need > rk.freeBlocks) break;
      rk.freeBlocks -= need;
      r.blocks = need;
      rk.waiting.shift();
      rk.running.push(r);
    }
    const out: Scheduled = { decodes: [], chunks: [] };
    let budget = tokenBudget;
    for (const r of rk.running) {
      if (r.prefilled >= r.prompt && budget > 0) {
        out.decodes.push(r);
        budget--;
      }
    }
    for (const r of rk.running) {
      if (r.prefilled >= r.prompt) continue;
      const rem = r.prompt - r.prefilled;
      const n = e.scheduler.chunkedPrefill ? Math.min(rem, budget) : rem <= budget ? rem : 0;
      if (n <= 0) break;
      out.chunks.push({ req: r, tokens: n });
      budget -= n;
    }
    return out;
  };

  /**
   * SGLang: a prefill batch whenever a waiting request fits (its input plus its remaining output x
   * new_token_ratio, after what running requests reserve), else a decode step of all running
   * requests; a decode step short of KV retracts the newest requests.
   */
  const scheduleSglang = (rk: Rank): Scheduled => {
    const out: Scheduled = { decodes: [], chunks: [] };
    let budget = tokenBudget;
    const reserved = rk.running.reduce((s, r) => s + (r.output - r.generated) * rk.newTokenRatio, 0);
    let available = rk.freeBlocks * block - reserved;
    if (rk.chunked) {
      const r = rk.chunked;
      const n = Math.min(r.prompt - r.prefilled, budget);
      if (grow(rk, r, n)) {
        out.chunks.push({ req: r, tokens: n });
        budget -= n;
        available -= n;
      }
      if (r.prefilled + n < r.prompt) return out;
    }
    while (budget > 0 && rk.waiting.length > 0 && rk.running.length + out.chunks.length < maxSeqs) {
      const r = rk.waiting[0]!;
      const need = r.prompt + (r.output - r.generated) * rk.newTokenRatio;
      if (need > available) break;
      const n = Math.min(r.prompt, budget);
      if (!grow(rk, r, n)) break;
      rk.waiting.shift();
      out.chunks.push({ req: r, tokens: n });
      budget -= n;
      available -= need;
      rk.chunked = n < r.prompt ? r : undefined;
    }
    if (out.chunks.length > 0) return out;
    // Decode: one token each; retract the newest while KV runs short.
    while (rk.running.length > 0) {
      const short = rk.running.filter((r) => blocksFor(r.kv + 1, block) > r.blocks).length;
      if (short <= rk.freeBlocks) break;
      preempt(rk, rk.running.at(-1)!);
      rk.newTokenRatio = ratio.init;
    }
    for (const r of rk.running) {
      grow(rk, r, 1);
      out.decodes.push(r);
    }
    if (out.decodes.length) rk.newTokenRatio = Math.max(ratio.min, rk.newTokenRatio - (ratio.init - ratio.min) / ratio.decaySteps);
    return out;
  };

  const schedule = e.scheduler.policy === "on-demand-preempt" ? scheduleVllm : e.scheduler.policy === "guaranteed-no-evict" ? scheduleTrtllm : scheduleSglang;
  const maxGraph = graphSizes.at(-1) ?? 0;
  const padTo = (n: number): number => graphSizes.find((s) => s >= n) ?? n;

  let now = 0;
  let steps = 0;
  let graphedSteps = 0;
  let preemptions = 0;
  let decodeSum = 0;
  let decodeSteps = 0;
  let peakRunning = 0;
  let stepUsSum = 0;
  let done = 0;
  const finish = (r: Req, t: number): void => {
    r.finishedAt = t;
    done++;
    inFlight--;
  };

  send(0);
  while (done < w.requests) {
    if (++steps > MAX_STEPS) throw new Error(`llm bench: the run did not finish in ${MAX_STEPS} steps (please report)`);
    const plans = ranks.map(schedule);
    const tokens = plans.reduce((s, p) => s + p.decodes.length + p.chunks.reduce((t, c) => t + c.tokens, 0), 0);
    if (tokens === 0) {
      steps--;
      // Nothing runnable: wait for the next request.
      const next = sent < w.requests && inFlight < cap ? arrivals[sent]! : Number.POSITIVE_INFINITY;
      if (!Number.isFinite(next)) {
        if (done >= w.requests) break;
        throw new Error("llm bench: a request can never be scheduled (fits is checked before the run; please report)");
      }
      now = Math.max(now, next);
      send(now);
      continue;
    }
    const decodeOnly = plans.every((p) => p.chunks.length === 0);
    const maxDecode = Math.max(...plans.map((p) => p.decodes.length));
    const graphed = decodeOnly ? maxDecode <= maxGraph : e.cudaGraph.mixedSteps === "piecewise" && Math.max(...plans.map((p) => p.decodes.length + p.chunks.reduce((t, c) => t + c.tokens, 0))) <= maxGraph;
    const batch: RankBatch[] = plans.map((p) => {
      const keys = { global: 0, chunked: 0, sliding: 0 };
      for (const r of p.decodes) {
        const k = decodeKeys(m, r.kv);
        keys.global += k.global;
        keys.chunked += k.chunked;
        keys.sliding += k.sliding;
      }
      // A decode-only CUDA graph runs at its captured batch size (padded rows attend nothing).
      const seqs = decodeOnly && graphed && p.decodes.length > 0 ? padTo(p.decodes.length) : p.decodes.length;
      return { decodeSeqs: seqs, decodeKeys: keys, prefill: p.chunks.map((c) => ({ tokens: c.tokens, past: c.req.prefilled })) };
    });
    const gpuUs = (graphed ? eng.graphed : eng.eager).stepUs(batch);
    const requestsInStep = plans.reduce((s, p) => s + p.decodes.length + p.chunks.length, 0);
    const hostUs = e.host.stepUs + e.host.perRequestUs * (requestsInStep / ranks.length);
    const wallUs = e.host.overlap ? Math.max(gpuUs, hostUs) + e.host.exposedUs : gpuUs + hostUs;
    now += wallUs;
    stepUsSum += wallUs;
    if (graphed) graphedSteps++;
    const running = ranks.reduce((s, rk) => s + rk.running.length + (rk.chunked && !rk.running.includes(rk.chunked) ? 1 : 0), 0);
    peakRunning = Math.max(peakRunning, running);
    const decoding = plans.reduce((s, p) => s + p.decodes.length, 0);
    if (decoding > 0) {
      decodeSum += decoding;
      decodeSteps++;
    }
    plans.forEach((p, k) => {
      const rk = ranks[k]!;
      for (const r of p.decodes) {
        r.kv += 1;
        r.generated += 1;
        if (r.generated >= r.output) {
          rk.running.splice(rk.running.indexOf(r), 1);
          rk.freeBlocks += r.blocks;
          r.blocks = 0;
          finish(r, now);
        }
      }
      for (const c of p.chunks) {
        const r = c.req;
        r.prefilled += c.tokens;
        r.kv += c.tokens;
        if (r.prefilled < r.prompt) continue;
        if (rk.chunked === r) rk.chunked = undefined;
        if (!rk.running.includes(r)) rk.running.push(r);
        // The prefill's last chunk samples the next token (the first one, or the next after a preemption).
        const first = r.firstTokenAt === undefined;
        r.generated += 1;
        if (first) r.firstTokenAt = now;
        if (r.generated >= r.output) {
          rk.running.splice(rk.running.indexOf(r), 1);
          rk.freeBlocks += r.blocks;
          r.blocks = 0;
          finish(r, now);
        }
      }
    });
    send(now);
  }

  const duration = Math.max(...reqs.map((r) => r.finishedAt ?? 0));
  const outputTokens = reqs.reduce((s, r) => s + r.output, 0);
  const inputTokens = reqs.reduce((s, r) => s + r.input, 0);
  const ttft = reqs.map((r) => (r.firstTokenAt ?? r.finishedAt!) - r.sentAt);
  const tpot = reqs.filter((r) => r.output > 1).map((r) => (r.finishedAt! - r.firstTokenAt!) / (r.output - 1));
  const e2e = reqs.map((r) => r.finishedAt! - r.sentAt);
  const seconds = duration / 1e6;
  return {
    durationS: seconds,
    requests: w.requests,
    outputTokens,
    inputTokens,
    outputTokensPerSec: seconds > 0 ? outputTokens / seconds : 0,
    totalTokensPerSec: seconds > 0 ? (outputTokens + inputTokens) / seconds : 0,
    requestsPerSec: seconds > 0 ? w.requests / seconds : 0,
    ttft: stats(ttft),
    tpot: stats(tpot),
    e2e: stats(e2e),
    steps,
    meanDecodeBatch: decodeSteps ? decodeSum / decodeSteps : 0,
    peakRunning,
    preemptions,
    meanStepMs: steps ? stepUsSum / steps / 1000 : 0,
    graphedSteps: steps ? graphedSteps / steps : 0,
  };
}
