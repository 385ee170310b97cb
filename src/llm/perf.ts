/**
 * Serving speed: one engine step per GPU built as an execution graph of kernels — GEMMs
 * (perf/gemm.ts; grouped expert GEMMs with routing imbalance), flash attention (perf/attention.ts;
 * global, chunked and sliding-window layers; MLA in its absorbed decode and decompressed prefill
 * forms), tensor-parallel all-reduce and expert-parallel all-to-all (perf/collectives.ts) — timed
 * by perf/kernel-time.ts and run through the critical-path simulator (sim/simulate.ts): under
 * CUDA graphs (default) kernels run back to back; eager launches pay a host cost per kernel.
 * A step may mix decoding sequences and prefill chunks (continuous batching) and run on several
 * attention data-parallel ranks. docs/llm.md.
 */
import type { Gpu } from "../catalog/gpus.js";
import { reshapeCluster, resolveCluster, type Cluster } from "../catalog/clusters.js";
import type { KvPrecision, MoeTransformerModel, ParamGroup, WeightPrecision } from "../spec/moe-transformer.js";
import type { ExecutionGraph, HostOp } from "../graph/types.js";
import type { Dtype, KernelWork } from "../perf/kernel.js";
import { kernelUs } from "../perf/kernel-time.js";
import { simulate } from "../sim/simulate.js";
import { isMoeLayer, layerKind, type LayerKind } from "./layers.js";
import { attentionTp, bytesPerParam, keptInBf16, kvBytes, type Parallelism } from "./memory.js";

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
  /** An engine's kernel implementations where they differ from the roofline (default: none). */
  kernels?: KernelProfile;
}

/**
 * How an engine's kernels differ from the roofline models (data/llm/engines.json, each with its
 * source): FP8 GEMMs lose compute efficiency at small K; fused-MoE kernels reach a share of the
 * grouped GEMM's compute and weight-streaming rates.
 */
export interface KernelProfile {
  /** FP8 GEMM compute efficiency K / (K + fp8GemmKHalf) on top of the roofline (DeepGEMM's table). */
  fp8GemmKHalf?: number;
  /** Routed-expert grouped GEMMs: shares of the compute and weight-streaming rates. */
  moeComputeEfficiency?: number;
  moeBandwidthEfficiency?: number;
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

/** What one attention data-parallel rank runs in a step. */
export interface RankBatch {
  /** Sequences decoding one token each. */
  decodeSeqs: number;
  /** Over the decoding sequences, the keys each attends (its context + 1, within its layer's chunk or window), summed per layer kind. */
  decodeKeys: Record<LayerKind, number>;
  /** Prefill chunks: `tokens` new prompt tokens after `past` cached ones. */
  prefill: ReadonlyArray<{ tokens: number; past: number }>;
}

/** One step: a batch per attention data-parallel rank (one rank without attention DP). */
export type StepBatch = readonly RankBatch[];

/** Keys one decoding sequence with `past` cached tokens attends in a layer of each kind. */
export function decodeKeys(m: MoeTransformerModel, past: number): Record<LayerKind, number> {
  const a = m.attention;
  return {
    global: past + 1,
    chunked: a.chunkSize === undefined ? past + 1 : (past % a.chunkSize) + 1,
    sliding: a.slidingWindow === undefined ? past + 1 : Math.min(past + 1, a.slidingWindow),
  };
}

/** `seqs` sequences decoding at `past` cached tokens each, on one rank. */
export function decodeBatch(m: MoeTransformerModel, seqs: number, past: number): RankBatch {
  const k = decodeKeys(m, past);
  return { decodeSeqs: seqs, decodeKeys: { global: seqs * k.global, chunked: seqs * k.chunked, sliding: seqs * k.sliding }, prefill: [] };
}

/** A memo key for the kernels a step repeats (expert rows are equal groups: expertRows). */
function workKey(w: KernelWork): string {
  switch (w.kind) {
    case "grouped-gemm": return `g${w.rows.length}x${w.rows[0]}|${w.n}|${w.k}|${w.dtype}|${w.weightBytesPerValue}|${w.computeEfficiency}|${w.bandwidthEfficiency}`;
    case "gemm": return `m${w.m}|${w.n}|${w.k}|${w.batch}|${w.dtype}`;
    case "elementwise": return `e${w.bytes}|${w.flops}`;
    case "collective": return `c${w.op}|${w.bytes}|${w.algorithm}`;
    default: return JSON.stringify(w);
  }
}

/** Prefill chunks of the same shape, run by one variable-length flash-attention kernel per shape. */
function chunkGroups(r: RankBatch): Array<{ tokens: number; past: number; count: number }> {
  const groups = new Map<string, { tokens: number; past: number; count: number }>();
  for (const c of r.prefill) {
    const key = `${c.tokens}|${c.past}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { ...c, count: 1 });
  }
  return [...groups.values()];
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

/**
 * Compute dtype and stored bytes per weight of a group: fp8 runs W8A8 on fp8 tensor cores, fp4
 * W4A4 on fp4 tensor cores (NVFP4/MXFP4 GEMMs of TensorRT-LLM and FlashInfer on Blackwell); int4
 * is weight-only (bf16 math).
 */
function weightFormat(m: MoeTransformerModel, weights: WeightPrecision, group: ParamGroup): { dtype: Dtype; bytes: number } {
  if (weights === "bf16" || keptInBf16(m, weights).has(group)) return { dtype: "bf16", bytes: 2 };
  if (weights === "fp8") return { dtype: "fp8", bytes: 1 };
  if (weights === "fp4") return { dtype: "fp4", bytes: bytesPerParam(m, "fp4") };
  return { dtype: "bf16", bytes: bytesPerParam(m, "int4") };
}

/** Host cost of a CUDA-graph replay, us: 0 keeps the kernels-back-to-back figures; engines' host costs are added per step by the run simulator. */
const GRAPH_LAUNCH_US = 0;
const NO_HOST = { t1: 0, t2: 0, t3: 0, t4: 0, t5: 0 };

/** Where a kernel's collective runs: the attention tensor-parallel group, the expert group or the whole tp group. */
type Group = "attention" | "experts" | "tp";

interface StepKernel {
  component: PerfComponent;
  name: string;
  work: KernelWork;
  group: Group;
  durationUs: number;
}

/**
 * The step model of one deployment: builds each step's kernels from the spec and times them,
 * memoising kernel times (a serving run repeats the same shapes step after step).
 */
export class StepModel {
  private readonly memo = new Map<string, number>();
  private readonly clusters: Record<Group, Cluster>;
  readonly gpus: number;

  constructor(readonly m: MoeTransformerModel, readonly gpu: Gpu, readonly o: Omit<PerfOptions, "batch" | "prompt" | "output">) {
    const { tp, ep, pp } = o.par;
    this.clusters = { attention: servingCluster(gpu, attentionTp(o.par)), experts: servingCluster(gpu, ep), tp: servingCluster(gpu, tp) };
    this.gpus = tp * pp;
    const byKey = new Map<string, number[]>();
    for (let i = 0; i < m.layers; i++) {
      const key = `${isMoeLayer(m, i)}|${layerKind(m, i)}`;
      byKey.set(key, [...(byKey.get(key) ?? []), i]);
    }
    this.shapes = [...byKey.values()].map((layers) => ({ first: layers[0]!, layers }));
  }

  private time(work: KernelWork, group: Group): number {
    // Attention kernels change shape every step (contexts grow) and are cheap to time: not memoised.
    if (work.kind === "attention-decode" || work.kind === "attention-prefill") return kernelUs(this.gpu, work, this.clusters[group]);
    const key = `${group}|${workKey(work)}`;
    let us = this.memo.get(key);
    if (us === undefined) {
      us = kernelUs(this.gpu, work, this.clusters[group]);
      this.memo.set(key, us);
    }
    return us;
  }

  private readonly formats = new Map<ParamGroup, { dtype: Dtype; bytes: number }>();

  private gemm(group: ParamGroup, rows: number[], n: number, k: number, moe = false): KernelWork {
    let f = this.formats.get(group);
    if (!f) this.formats.set(group, (f = weightFormat(this.m, this.o.weights, group)));
    const kp = this.o.kernels ?? {};
    const kEff = f.dtype === "fp8" && kp.fp8GemmKHalf !== undefined ? k / (k + kp.fp8GemmKHalf) : 1;
    const compute = kEff * (moe ? kp.moeComputeEfficiency ?? 1 : 1);
    const bandwidth = moe ? kp.moeBandwidthEfficiency ?? 1 : 1;
    return {
      kind: "grouped-gemm", rows, n: Math.max(1, Math.round(n)), k, dtype: f.dtype, weightBytesPerValue: f.bytes,
      ...(compute !== 1 ? { computeEfficiency: compute } : {}), ...(bandwidth !== 1 ? { bandwidthEfficiency: bandwidth } : {}),
    };
  }

  /** One rank's own kernels of layer i (attention, router, shared expert or dense FFN, all-reduces) for its batch. */
  private localKernels(i: number, r: RankBatch): StepKernel[] {
    const m = this.m;
    const atp = attentionTp(this.o.par);
    const h = m.hidden;
    const a = m.attention;
    const kind = layerKind(m, i);
    const prefillTokens = r.prefill.reduce((s, c) => s + c.tokens, 0);
    const n = r.decodeSeqs + prefillTokens;
    const out: StepKernel[] = [];
    const add = (component: PerfComponent, name: string, work: KernelWork, group: Group = "attention"): void => {
      out.push({ component, name, work, group, durationUs: this.time(work, group) });
    };
    if (n > 0) {
      const norm: KernelWork = { kind: "elementwise", bytes: 2 * n * h * 2, flops: 0 };
      add("norms", "input_layernorm", norm);
      const headsPerGpu = Math.max(1, a.heads / atp);
      const window = kind === "chunked" ? { chunk: a.chunkSize } : kind === "sliding" ? { window: a.slidingWindow } : {};
      const mla = a.mla;
      if (mla) {
        // MLA (DeepSeek-V3): the down-projections are replicated, the up-projections sharded over heads.
        const qk = mla.nopeDim + mla.ropeDim;
        if (mla.qLoraRank > 0) {
          add("attention-proj", "fused_qkv_a_proj_with_mqa", this.gemm("attention", [n], mla.qLoraRank + mla.kvLoraRank + mla.ropeDim, h));
          add("norms", "q_a_layernorm + kv_a_layernorm", { kind: "elementwise", bytes: 2 * n * (mla.qLoraRank + mla.kvLoraRank) * 2, flops: 0 });
          add("attention-proj", "q_b_proj", this.gemm("attention", [n], headsPerGpu * qk, mla.qLoraRank));
        } else {
          add("attention-proj", "q_proj", this.gemm("attention", [n], headsPerGpu * qk, h));
          add("attention-proj", "kv_a_proj_with_mqa", this.gemm("attention", [n], mla.kvLoraRank + mla.ropeDim, h));
        }
        const latentBytes = (mla.kvLoraRank + mla.ropeDim) * kvBytes(this.o.kv);
        if (r.decodeSeqs > 0) {
          // Absorbed decode: q_nope x W_UK per head, attention over the shared latent, x W_UV per head (bf16 batched GEMMs).
          add("attention-proj", "w_kc (absorbed q)", { kind: "gemm", m: r.decodeSeqs, n: mla.kvLoraRank, k: mla.nopeDim, batch: headsPerGpu, dtype: "bf16" });
          add("attention", "MLA attention (decode)", {
            kind: "attention-decode", batch: r.decodeSeqs, kvTokens: r.decodeKeys[kind] / r.decodeSeqs, kvBytesPerToken: latentBytes,
            flopsPerKvToken: headsPerGpu * 2 * (mla.kvLoraRank + mla.ropeDim + mla.kvLoraRank),
          });
          add("attention-proj", "w_vc (absorbed v)", { kind: "gemm", m: r.decodeSeqs, n: mla.vDim, k: mla.kvLoraRank, batch: headsPerGpu, dtype: "bf16" });
        }
        if (r.prefill.length > 0) {
          // Decompressed prefill: kv_b_proj over each chunk's context (cached prefix included), then multi-head attention
          // with qk heads of nope + rope and v heads of vDim (FLOPs: 2 x (qk + v) per pair and head).
          const context = r.prefill.reduce((s, c) => s + c.tokens + c.past, 0);
          add("attention-proj", "kv_b_proj", this.gemm("attention", [context], headsPerGpu * (mla.nopeDim + mla.vDim), mla.kvLoraRank));
          for (const c of chunkGroups(r)) add("attention", "MLA attention (prefill)", { kind: "attention-prefill", batch: c.count, heads: headsPerGpu, headDim: (qk + mla.vDim) / 2, tokens: c.tokens, dtype: "bf16", past: c.past, ...window });
        }
        add("attention-proj", "o_proj", this.gemm("attention", [n], h, headsPerGpu * mla.vDim));
      } else {
        const kvHeadsPerGpu = Math.max(1, Math.ceil(a.kvHeads / atp));
        add("attention-proj", "qkv_proj", this.gemm("attention", [n], (headsPerGpu + 2 * kvHeadsPerGpu) * a.headDim, h));
        if (r.decodeSeqs > 0) {
          add("attention", "attention (decode)", { kind: "attention-decode", batch: r.decodeSeqs, kvTokens: r.decodeKeys[kind] / r.decodeSeqs, kvBytesPerToken: 2 * kvHeadsPerGpu * a.headDim * kvBytes(this.o.kv) });
        }
        for (const c of chunkGroups(r)) add("attention", "attention (prefill)", { kind: "attention-prefill", batch: c.count, heads: headsPerGpu, headDim: a.headDim, tokens: c.tokens, dtype: "bf16", past: c.past, ...window });
        add("attention-proj", "o_proj", this.gemm("attention", [n], h, headsPerGpu * a.headDim));
      }
      // Tensor-parallel all-reduce of the layer's bf16 output, as engines run it (one-shot inside a host).
      add("all-reduce", "all-reduce (attention)", { kind: "collective", op: "all-reduce", bytes: n * h * 2, algorithm: "one-shot" });
      add("norms", "post_attention_layernorm", norm);
    }
    if (isMoeLayer(m, i)) {
      if (n > 0) add("router", "router", this.gemm("router", [n], m.moe.experts, h));
      // The routed experts (shared by every rank) come from moeKernels; the shared expert runs on this rank's tokens.
      if (m.moe.sharedExperts > 0 && n > 0) {
        const si = (m.moe.sharedIntermediate ?? m.moe.expertIntermediate) * m.moe.sharedExperts;
        add("shared-expert", "shared gate_up", this.gemm("sharedExperts", [n], ((m.gatedFfn ? 2 : 1) * si) / atp, h));
        add("shared-expert", "shared down", this.gemm("sharedExperts", [n], h, si / atp));
      }
    } else if (n > 0) {
      const di = m.denseIntermediate ?? m.moe.expertIntermediate;
      add("dense-ffn", "mlp gate_up", this.gemm("denseFfn", [n], ((m.gatedFfn ? 2 : 1) * di) / atp, h));
      add("dense-ffn", "mlp down", this.gemm("denseFfn", [n], h, di / atp));
    }
    if (n > 0) add("all-reduce", "all-reduce (ffn)", { kind: "collective", op: "all-reduce", bytes: n * h * 2, algorithm: "one-shot" });
    return out;
  }

  /** The routed experts of MoE layer i over the step's tokens from every rank, with their dispatch and combine. */
  private moeKernels(totalTokens: number): StepKernel[] {
    const m = this.m;
    const { tp, ep } = this.o.par;
    const dp = this.o.par.dp ?? 1;
    const h = m.hidden;
    const out: StepKernel[] = [];
    const add = (component: PerfComponent, name: string, work: KernelWork, group: Group): void => {
      out.push({ component, name, work, group, durationUs: this.time(work, group) });
    };
    const rows = expertRows(m.moe.experts, m.moe.topK, totalTokens, ep);
    const ffnShard = tp / ep;
    const width = ((m.gatedFfn ? 2 : 1) * m.moe.expertIntermediate) / ffnShard;
    // Dispatch and combine: each rank sends its tokens' hidden states to the experts' ranks (bf16);
    // under attention DP with experts sharded by tp, tokens are all-gathered and the outputs reduce-scattered.
    const a2a: KernelWork = { kind: "collective", op: "all-to-all", bytes: (totalTokens / ep) * m.moe.topK * h * 2 };
    const gather = dp > 1 && ep === 1;
    if (ep > 1) add("all-to-all", "all-to-all (dispatch)", a2a, "experts");
    if (gather) add("all-to-all", "all-gather (tokens)", { kind: "collective", op: "all-gather", bytes: totalTokens * h * 2 }, "tp");
    if (totalTokens > 0) {
      add("experts", "experts gate_up", this.gemm("routedExperts", rows, width, h, true), "experts");
      add("experts", "experts down", this.gemm("routedExperts", rows, h, m.moe.expertIntermediate / ffnShard, true), "experts");
    }
    if (ep > 1) add("all-to-all", "all-to-all (combine)", a2a, "experts");
    if (gather) add("all-to-all", "reduce-scatter (tokens)", { kind: "collective", op: "reduce-scatter", bytes: totalTokens * h * 2 }, "tp");
    return out;
  }

  /** Layer indices by shape (MoE or dense, global or local): layers of one shape run the same kernels. */
  private readonly shapes: Array<{ first: number; layers: number[] }>;

  /** Each shape's kernels for the busiest rank (the step's kernels layer by layer are these in layer order), and the lm_head. */
  private plan(batch: StepBatch): { perShape: StepKernel[][]; shapeOf: number[]; lmHead?: StepKernel } {
    const total = batch.reduce((s, r) => s + r.decodeSeqs + r.prefill.reduce((t, c) => t + c.tokens, 0), 0);
    const moe = this.m.moe.experts > 0 ? this.moeKernels(total) : [];
    // A MoE layer runs the router, then the routed experts (dispatch, GEMMs, combine), then the shared expert.
    const withMoe = (i: number, ks: StepKernel[]): StepKernel[] => {
      if (!isMoeLayer(this.m, i)) return ks;
      const at = ks.findIndex((k) => k.component === "router") + 1;
      return [...ks.slice(0, at), ...moe, ...ks.slice(at)];
    };
    const build = (r: RankBatch) => this.shapes.map((sh) => withMoe(sh.first, this.localKernels(sh.first, r)));
    // Under attention DP every rank runs its own sequences in lockstep with the shared MoE block: the busiest rank bounds the step.
    let busiest = batch[0]!;
    let perShape = build(busiest);
    if (batch.length > 1) {
      const local = (ps: StepKernel[][]): number => ps.reduce((s, ks, j) => s + this.shapes[j]!.layers.length * ks.reduce((t, k) => t + (k.group === "attention" ? k.durationUs : 0), 0), 0);
      let worst = local(perShape);
      for (const r of batch.slice(1)) {
        const ps = build(r);
        const t = local(ps);
        if (t > worst) [worst, busiest, perShape] = [t, r, ps];
      }
    }
    const shapeOf = new Array<number>(this.m.layers);
    this.shapes.forEach((sh, j) => sh.layers.forEach((i) => (shapeOf[i] = j)));
    // Logits for the last token of each sequence that samples this step, vocabulary sharded over the attention group.
    const logits = busiest.decodeSeqs + busiest.prefill.length;
    if (logits === 0) return { perShape, shapeOf };
    const work = this.gemm("embeddings", [logits], this.m.vocab / attentionTp(this.o.par), this.m.hidden);
    return { perShape, shapeOf, lmHead: { component: "lm-head", name: "lm_head", work, group: "attention", durationUs: this.time(work, "attention") } };
  }

  /** The step's kernels on the busiest GPU, in launch order: layer by layer, then the lm_head. */
  kernels(batch: StepBatch): StepKernel[] {
    const { perShape, shapeOf, lmHead } = this.plan(batch);
    const out: StepKernel[] = [];
    for (let i = 0; i < this.m.layers; i++) for (const k of perShape[shapeOf[i]!]!) out.push({ ...k, name: `L${i} ${k.name}` });
    if (lmHead) out.push(lmHead);
    return out;
  }

  /** The step as an execution graph (one op per component run, on one stream, in launch order). */
  graph(batch: StepBatch, name = "serving step"): ExecutionGraph {
    const eager = (this.o.launch ?? "cuda-graph") === "eager";
    const overheads = eager ? { ...NO_HOST, t4: this.gpu.launchOverheadUs } : NO_HOST;
    const ops: HostOp[] = eager ? [] : [{ name: "cudaGraphLaunch", category: "framework", phase: "forward", overheads: { ...NO_HOST, t2: GRAPH_LAUNCH_US }, launches: [] }];
    let collectives = 0;
    for (const k of this.kernels(batch)) {
      const comm = k.work.kind === "collective";
      ops.push({
        name: k.component,
        // OpCategory is DLRM's breakdown (no LLM values): compute is filed under the dense layers
        // ("top-mlp"); the LLM components are the op names, which byComponent reads.
        category: comm ? "communication" : "top-mlp",
        phase: "forward",
        overheads,
        launches: [{ kind: "kernel", kernel: { name: k.name, work: k.work, stream: 0, durationUs: k.durationUs, ...(comm ? { collective: `${k.name} #${collectives++}` } : {}) } }],
      });
    }
    return { name, ops, streams: 1 };
  }

  /** The step simulated (sim/simulate.ts): its time and the GPU time of each component. */
  simulate(batch: StepBatch): PhaseTime {
    const step = simulate(this.graph(batch), { recordTimeline: false });
    const c = zero();
    for (const e of step.byOp) if (e.name in c) c[e.name as PerfComponent] += e.gpuUs;
    return { us: step.stepUs, byComponent: c };
  }

  /**
   * The step's time without building the graph, as the simulator runs one stream: under CUDA
   * graphs the graph launch then every kernel back to back; eager, kernel i starts when its launch
   * (i + 1 launch costs in) has returned and the previous kernel has finished.
   */
  stepUs(batch: StepBatch): number {
    if ((this.o.launch ?? "cuda-graph") === "cuda-graph") {
      const { perShape, lmHead } = this.plan(batch);
      return perShape.reduce((s, ks, j) => s + this.shapes[j]!.layers.length * ks.reduce((t, k) => t + k.durationUs, 0), GRAPH_LAUNCH_US + (lmHead?.durationUs ?? 0));
    }
    const ks = this.kernels(batch);
    const launch = this.gpu.launchOverheadUs;
    let host = 0;
    let end = 0;
    for (const k of ks) {
      host += launch;
      end = Math.max(host, end) + k.durationUs;
    }
    return Math.max(host, end);
  }
}

/** One rank's batch: `batch` sequences of `tokens` new tokens each after `past` cached (decode: one token each). */
function uniformBatch(m: MoeTransformerModel, batch: number, tokens: number, past: number, decode: boolean): RankBatch {
  if (decode) return decodeBatch(m, batch, past);
  return { decodeSeqs: 0, decodeKeys: { global: 0, chunked: 0, sliding: 0 }, prefill: Array.from({ length: batch }, () => ({ tokens: tokens / batch, past })) };
}

/**
 * The execution graph of one forward pass on the busiest GPU: `tokens` new tokens in total over
 * `batch` sequences, each attending to `past` cached tokens (decode: tokens = batch, one new
 * token each). One stream, in launch order; each op is named by its PerfComponent (its kernels
 * by layer) so byComponent reads the simulator's byOp. Collectives are timed on their own group
 * (all-reduce over the attention tp GPUs, all-to-all over the ep GPUs). Under CUDA graphs the
 * host pays one graph launch and nothing per kernel; eager, every kernel launch costs the GPU's
 * launchOverheadUs (T4).
 */
export function forwardGraph(m: MoeTransformerModel, gpu: Gpu, o: PerfOptions, tokens: number, past: number, decode: boolean): ExecutionGraph {
  return new StepModel(m, gpu, o).graph([uniformBatch(m, o.batch, tokens, past, decode)], `${decode ? "decode" : "prefill"} forward pass`);
}

/** One forward pass on the busiest GPU (forwardGraph), simulated: its step time and the GPU time of each component. */
export function forwardUs(m: MoeTransformerModel, gpu: Gpu, o: PerfOptions, tokens: number, past: number, decode: boolean): PhaseTime {
  return new StepModel(m, gpu, o).simulate([uniformBatch(m, o.batch, tokens, past, decode)]);
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
