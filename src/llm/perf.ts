/**
 * Serving speed: one forward pass per GPU built as an execution graph of kernels — GEMMs
 * (perf/gemm.ts; grouped expert GEMMs with routing imbalance), flash attention (perf/attention.ts;
 * chunked vs global layers), tensor-parallel all-reduce and expert-parallel all-to-all
 * (perf/collectives.ts) — timed by perf/kernel-time.ts and run through the critical-path
 * simulator (sim/simulate.ts): under CUDA graphs (default) kernels run back to back; eager
 * launches pay a host cost per kernel. docs/llm.md.
 */
import type { Gpu } from "../catalog/gpus.js";
import { reshapeCluster, resolveCluster, type Cluster } from "../catalog/clusters.js";
import type { KvPrecision, MoeTransformerModel, ParamGroup, WeightPrecision } from "../spec/moe-transformer.js";
import type { ExecutionGraph, HostOp } from "../graph/types.js";
import type { Dtype, KernelWork } from "../perf/kernel.js";
import { kernelUs } from "../perf/kernel-time.js";
import { simulate } from "../sim/simulate.js";
import { isGlobalLayer, isMoeLayer } from "./layers.js";
import { bytesPerParam, keptInBf16, kvBytes, type Parallelism } from "./memory.js";

export interface PerfOptions {
  weights: WeightPrecision;
  kv: KvPrecision;
  par: Parallelism;
  batch: number;
  /** Prompt tokens per sequence. */
  prompt: number;
  /** Generated tokens per sequence. */
  output: number;
  /**
   * How the host launches a step's kernels (default "cuda-graph", for prefill and decode): one graph
   * replay, kernels back to back; "eager": one launch call per kernel (the GPU's launchOverheadUs).
   */
  launch?: "cuda-graph" | "eager";
}

export type PerfComponent = "attention-proj" | "attention" | "experts" | "shared-expert" | "dense-ffn" | "router" | "lm-head" | "norms" | "all-reduce" | "all-to-all";

export interface PhaseTime {
  us: number;
  byComponent: Record<PerfComponent, number>;
}

export interface PerfResult {
  prefill: PhaseTime & { tokensPerSec: number; tokensPerSecPerGpu: number };
  /** One decode step at the mean context of the generation (prompt + output / 2). */
  decode: PhaseTime & { context: number; tokensPerSec: number; tokensPerSecPerGpu: number };
  requestUs: number;
  gpus: number;
}

/** The collective group of tp x pp GPUs: hosts of up to 8 GPUs joined by the catalog's single-host links. */
export function servingCluster(gpu: Gpu, ranks: number): Cluster {
  const base = resolveCluster(`1x8-${gpu.id}`);
  const gpusPerHost = Math.min(ranks, base.gpusPerHost);
  return reshapeCluster(base, Math.ceil(ranks / gpusPerHost), gpusPerHost);
}

/** Expected distinct experts hit by `assignments` uniform top-k choices among E experts. */
export function activeExperts(experts: number, assignments: number): number {
  return experts * (1 - (1 - 1 / experts) ** assignments);
}

/**
 * Rows per expert on the most loaded GPU. Routing is balanced in expectation (load-balancing
 * loss; Fedus et al. 2022), but a batch's counts are random: the busiest of `ep` ranks carries
 * about mean + sqrt(2 mean ln ep) assignments (maximum of Poisson counts).
 */
export function expertRows(experts: number, topK: number, tokens: number, ep: number): number[] {
  const assignments = tokens * topK;
  const perRankMean = assignments / ep;
  const busiest = ep > 1 ? perRankMean + Math.sqrt(2 * perRankMean * Math.log(ep)) : perRankMean;
  const local = Math.ceil(experts / ep);
  const hit = Math.max(1, Math.min(local, Math.round(activeExperts(local, busiest))));
  return Array.from({ length: hit }, () => busiest / hit);
}

function zero(): Record<PerfComponent, number> {
  return { "attention-proj": 0, attention: 0, experts: 0, "shared-expert": 0, "dense-ffn": 0, router: 0, "lm-head": 0, norms: 0, "all-reduce": 0, "all-to-all": 0 };
}

/** Compute dtype and stored bytes per weight of a group: fp8 runs W8A8 on fp8 tensor cores; int4 is weight-only (bf16 math). */
function weightFormat(m: MoeTransformerModel, o: PerfOptions, group: ParamGroup): { dtype: Dtype; bytes: number } {
  if (keptInBf16(m, o.weights).has(group) || o.weights === "bf16") return { dtype: "bf16", bytes: 2 };
  return o.weights === "fp8" ? { dtype: "fp8", bytes: 1 } : { dtype: "bf16", bytes: bytesPerParam(m, "int4") };
}

/** Host cost of a CUDA-graph replay, us: 0 keeps the kernels-back-to-back figures; engines' profiles (a later issue) will set it. */
const GRAPH_LAUNCH_US = 0;
const NO_HOST = { t1: 0, t2: 0, t3: 0, t4: 0, t5: 0 };

/**
 * The execution graph of one forward pass on the busiest GPU: `tokens` new tokens in total over
 * `batch` sequences, each attending to `past` cached tokens (decode: tokens = batch, one new
 * token each). One stream, in launch order; each op is named by its PerfComponent (its kernels
 * by layer) so byComponent reads the simulator's byOp. Collectives are timed on their own group
 * (all-reduce over the tp GPUs, all-to-all over the ep GPUs). Under CUDA graphs the host pays one graph launch and nothing per kernel;
 * eager, every kernel launch costs the GPU's launchOverheadUs (T4).
 */
export function forwardGraph(m: MoeTransformerModel, gpu: Gpu, o: PerfOptions, tokens: number, past: number, decode: boolean): ExecutionGraph {
  const { tp, ep } = o.par;
  const eager = (o.launch ?? "cuda-graph") === "eager";
  const overheads = eager ? { ...NO_HOST, t4: gpu.launchOverheadUs } : NO_HOST;
  const ops: HostOp[] = eager ? [] : [{ name: "cudaGraphLaunch", category: "framework", phase: "forward", overheads: { ...NO_HOST, t2: GRAPH_LAUNCH_US }, launches: [] }];
  let collectives = 0;
  const op = (component: PerfComponent, kernels: [string, KernelWork][]): void => {
    const comm = component === "all-reduce" || component === "all-to-all";
    ops.push({
      name: component,
      // OpCategory is DLRM's breakdown (no LLM values): compute is filed under the dense layers
      // ("top-mlp"); the LLM components are the op names, which byComponent reads.
      category: comm ? "communication" : "top-mlp",
      phase: "forward",
      overheads,
      launches: kernels.map(([name, work]) => ({ kind: "kernel", kernel: { name, work, stream: 0, durationUs: 0, ...(comm ? { collective: `${name} #${collectives++}` } : {}) } })),
    });
  };
  const h = m.hidden;
  const a = m.attention;
  const gemm = (group: ParamGroup, rows: number[], n: number, k: number): KernelWork => {
    const f = weightFormat(m, o, group);
    return { kind: "grouped-gemm", rows, n: Math.max(1, Math.round(n)), k, dtype: f.dtype, weightBytesPerValue: f.bytes };
  };
  const headsPerGpu = Math.max(1, a.heads / tp);
  const kvHeadsPerGpu = Math.max(1, Math.ceil(a.kvHeads / tp));
  const mla = a.mla;
  const qkvOut = mla ? (a.heads / tp) * (mla.nopeDim + mla.ropeDim) + mla.kvLoraRank + mla.ropeDim : (headsPerGpu + 2 * kvHeadsPerGpu) * a.headDim;
  const oIn = mla ? (a.heads / tp) * mla.vDim : headsPerGpu * a.headDim;
  // MLA (approximation): attention over the latent, head width the mean of qk (nope + rope) and v.
  const attnHeadDim = mla ? (mla.nopeDim + mla.ropeDim + mla.vDim) / 2 : a.headDim;
  const kvPerTokenLayer = (mla ? mla.kvLoraRank + mla.ropeDim : 2 * kvHeadsPerGpu * a.headDim) * kvBytes(o.kv);
  const batch = o.batch;
  const newPerSeq = tokens / batch;
  const norm: KernelWork = { kind: "elementwise", bytes: 2 * tokens * h * 2, flops: 0 };
  // Tensor-parallel all-reduce of the layer's bf16 output, as engines run it (one-shot inside a host).
  const allReduce: KernelWork = { kind: "collective", op: "all-reduce", bytes: tokens * h * 2, algorithm: "one-shot" };
  for (let i = 0; i < m.layers; i++) {
    const L = `L${i}`;
    op("norms", [[`${L} input_layernorm`, norm]]);
    op("attention-proj", [[`${L} qkv_proj`, gemm("attention", [tokens], qkvOut, h)]]);
    const chunk = isGlobalLayer(m, i) ? undefined : a.chunkSize;
    if (decode) {
      const ctx = past + 1;
      const keys = chunk === undefined ? ctx : ((ctx - 1) % chunk) + 1;
      op("attention", [[`${L} attention (decode)`, { kind: "attention-decode", batch, kvTokens: keys, kvBytesPerToken: kvPerTokenLayer }]]);
    } else {
      op("attention", [[`${L} attention (prefill)`, { kind: "attention-prefill", batch, heads: headsPerGpu, headDim: attnHeadDim, tokens: newPerSeq, dtype: "bf16", past, ...(chunk !== undefined ? { chunk } : {}) }]]);
    }
    op("attention-proj", [[`${L} o_proj`, gemm("attention", [tokens], h, oIn)]]);
    op("all-reduce", [[`${L} all-reduce (attention)`, allReduce]]);
    op("norms", [[`${L} post_attention_layernorm`, norm]]);
    if (isMoeLayer(m, i)) {
      op("router", [[`${L} router`, gemm("router", [tokens], m.moe.experts, h)]]);
      const ffnShard = tp / ep;
      const rows = expertRows(m.moe.experts, m.moe.topK, tokens, ep);
      const width = (m.gatedFfn ? 2 : 1) * m.moe.expertIntermediate / ffnShard;
      // Dispatch and combine: each rank sends its tokens' hidden states to the experts' ranks (bf16).
      const a2a: KernelWork = { kind: "collective", op: "all-to-all", bytes: (tokens / ep) * m.moe.topK * h * 2 };
      if (ep > 1) op("all-to-all", [[`${L} all-to-all (dispatch)`, a2a]]);
      op("experts", [[`${L} experts gate_up`, gemm("routedExperts", rows, width, h)], [`${L} experts down`, gemm("routedExperts", rows, h, m.moe.expertIntermediate / ffnShard)]]);
      if (ep > 1) op("all-to-all", [[`${L} all-to-all (combine)`, a2a]]);
      if (m.moe.sharedExperts > 0) {
        const si = (m.moe.sharedIntermediate ?? m.moe.expertIntermediate) * m.moe.sharedExperts;
        op("shared-expert", [[`${L} shared gate_up`, gemm("sharedExperts", [tokens], ((m.gatedFfn ? 2 : 1) * si) / tp, h)], [`${L} shared down`, gemm("sharedExperts", [tokens], h, si / tp)]]);
      }
    } else {
      const di = m.denseIntermediate ?? m.moe.expertIntermediate;
      op("dense-ffn", [[`${L} mlp gate_up`, gemm("denseFfn", [tokens], ((m.gatedFfn ? 2 : 1) * di) / tp, h)], [`${L} mlp down`, gemm("denseFfn", [tokens], h, di / tp)]]);
    }
    op("all-reduce", [[`${L} all-reduce (ffn)`, allReduce]]);
  }
  // Logits for the last token of each sequence, vocabulary sharded over tp.
  op("lm-head", [["lm_head", gemm("embeddings", [batch], m.vocab / tp, h)]]);
  const graph: ExecutionGraph = { name: `${decode ? "decode" : "prefill"} forward pass`, ops, streams: 1 };
  // Fill durations: tensor-parallel collectives over the tp group, all-to-all over the ep group.
  const tpCluster = servingCluster(gpu, tp);
  const epCluster = servingCluster(gpu, ep);
  for (const hostOp of ops) {
    for (const l of hostOp.launches) {
      if (l.kind !== "kernel") continue;
      const w = l.kernel.work;
      l.kernel.durationUs = kernelUs(gpu, w, w.kind === "collective" && w.op === "all-to-all" ? epCluster : tpCluster);
    }
  }
  return graph;
}

/** One forward pass on the busiest GPU (forwardGraph), simulated: its step time and the GPU time of each component. */
export function forwardUs(m: MoeTransformerModel, gpu: Gpu, o: PerfOptions, tokens: number, past: number, decode: boolean): PhaseTime {
  const step = simulate(forwardGraph(m, gpu, o, tokens, past, decode), { recordTimeline: false });
  const c = zero();
  for (const e of step.byOp) if (e.name in c) c[e.name as PerfComponent] += e.gpuUs;
  return { us: step.stepUs, byComponent: c };
}

export function servePerf(m: MoeTransformerModel, gpu: Gpu, o: PerfOptions): PerfResult {
  const gpus = o.par.tp * o.par.pp;
  const prefill = forwardUs(m, gpu, o, o.batch * o.prompt, 0, false);
  const context = o.prompt + Math.floor(o.output / 2);
  const decode = forwardUs(m, gpu, o, o.batch, context, true);
  // Pipeline stages run one after another for one batch (stage hand-offs and micro-batching not modelled),
  // so latency is the sum over all layers whatever pp is.
  const prefillTps = (o.batch * o.prompt) / (prefill.us / 1e6);
  const decodeTps = o.batch / (decode.us / 1e6);
  return {
    prefill: { ...prefill, tokensPerSec: prefillTps, tokensPerSecPerGpu: prefillTps / gpus },
    decode: { ...decode, context, tokensPerSec: decodeTps, tokensPerSecPerGpu: decodeTps / gpus },
    requestUs: prefill.us + o.output * decode.us,
    gpus,
  };
}
