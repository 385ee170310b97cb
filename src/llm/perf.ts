/**
 * Serving speed by roofline over the kernels of one forward pass per GPU: GEMMs (perf/gemm.ts;
 * grouped expert GEMMs with routing imbalance), flash attention (perf/attention.ts; chunked vs
 * global layers), tensor-parallel all-reduce and expert-parallel all-to-all (perf/collectives.ts).
 * Kernels run back to back (CUDA graphs in decode; no host gaps modelled). docs/llm.md.
 */
import type { Gpu } from "../catalog/gpus.js";
import { reshapeCluster, resolveCluster, type Cluster } from "../catalog/clusters.js";
import type { KvPrecision, MoeTransformerModel, ParamGroup, WeightPrecision } from "../spec/moe-transformer.js";
import { attentionDecodeUs, attentionPrefillUs } from "../perf/attention.js";
import { allToAllUs, hostAllReduceUs } from "../perf/collectives.js";
import { elementwiseUs } from "../perf/elementwise.js";
import { groupedGemmUs } from "../perf/gemm.js";
import type { Dtype } from "../perf/kernel.js";
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

/**
 * One forward pass on the busiest GPU: `tokens` new tokens in total over `batch` sequences,
 * each attending to `past` cached tokens (decode: tokens = batch, one new token each).
 */
export function forwardUs(m: MoeTransformerModel, gpu: Gpu, o: PerfOptions, tokens: number, past: number, decode: boolean): PhaseTime {
  const { tp, ep } = o.par;
  const c = zero();
  const cluster = servingCluster(gpu, tp);
  const h = m.hidden;
  const a = m.attention;
  const gemm = (group: ParamGroup, rows: number[], n: number, k: number): number => {
    const f = weightFormat(m, o, group);
    return groupedGemmUs(gpu, rows, Math.max(1, Math.round(n)), k, f.dtype, f.bytes);
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
  const arBytes = tokens * h * 2;
  for (let i = 0; i < m.layers; i++) {
    c.norms += 2 * elementwiseUs(gpu, 2 * tokens * h * 2, 0);
    c["attention-proj"] += gemm("attention", [tokens], qkvOut, h) + gemm("attention", [tokens], h, oIn);
    const chunk = isGlobalLayer(m, i) ? undefined : a.chunkSize;
    if (decode) {
      const ctx = past + 1;
      const keys = chunk === undefined ? ctx : ((ctx - 1) % chunk) + 1;
      c.attention += attentionDecodeUs(gpu, batch, keys, kvPerTokenLayer);
    } else {
      c.attention += attentionPrefillUs(gpu, batch, headsPerGpu, attnHeadDim, newPerSeq, "bf16", past, chunk);
    }
    c["all-reduce"] += hostAllReduceUs(cluster, arBytes);
    if (isMoeLayer(m, i)) {
      c.router += gemm("router", [tokens], m.moe.experts, h);
      const ffnShard = tp / ep;
      const rows = expertRows(m.moe.experts, m.moe.topK, tokens, ep);
      const width = (m.gatedFfn ? 2 : 1) * m.moe.expertIntermediate / ffnShard;
      c.experts += gemm("routedExperts", rows, width, h) + gemm("routedExperts", rows, h, m.moe.expertIntermediate / ffnShard);
      if (ep > 1) {
        // Dispatch and combine: each rank sends its tokens' hidden states to the experts' ranks (bf16).
        const send = (tokens / ep) * m.moe.topK * h * 2;
        c["all-to-all"] += 2 * allToAllUs(servingCluster(gpu, ep), Array.from({ length: ep }, () => send));
      }
      if (m.moe.sharedExperts > 0) {
        const si = (m.moe.sharedIntermediate ?? m.moe.expertIntermediate) * m.moe.sharedExperts;
        c["shared-expert"] += gemm("sharedExperts", [tokens], ((m.gatedFfn ? 2 : 1) * si) / tp, h) + gemm("sharedExperts", [tokens], h, si / tp);
      }
    } else {
      const di = m.denseIntermediate ?? m.moe.expertIntermediate;
      c["dense-ffn"] += gemm("denseFfn", [tokens], ((m.gatedFfn ? 2 : 1) * di) / tp, h) + gemm("denseFfn", [tokens], h, di / tp);
    }
    c["all-reduce"] += hostAllReduceUs(cluster, arBytes);
  }
  // Logits for the last token of each sequence, vocabulary sharded over tp.
  c["lm-head"] += gemm("embeddings", [batch], m.vocab / tp, h);
  const us = Object.values(c).reduce((s, x) => s + x, 0);
  return { us, byComponent: c };
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
