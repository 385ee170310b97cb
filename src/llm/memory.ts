/**
 * Serving memory per GPU: weights at a storage precision (with what the checkpoint keeps in
 * bf16), KV cache per token for global and chunked layers, and the runtime reserve, under
 * tensor (tp), expert (ep) and pipeline (pp) parallelism. Formulas and sources: docs/llm.md.
 */
import type { Gpu } from "../catalog/gpus.js";
import type { KvPrecision, MoeTransformerModel, ParamGroup, WeightPrecision } from "../spec/moe-transformer.js";
import { isGlobalLayer, layerCounts, localWindow } from "./layers.js";
import { attentionParamsPerLayer, countParams } from "./params.js";

/** Engine assumptions (vLLM defaults unless said otherwise); each is printed by `strata llm fit`. */
export const SERVING = {
  /** vLLM --gpu-memory-utilization default: the engine may use this share of the device's memory. */
  memoryUtilization: 0.9,
  /** torch total_memory / catalog HBM on our lab H100 (85017493504 / 85899345920): memory the driver does not expose. */
  deviceVisibleFraction: 85017493504 / 85899345920,
  /** vLLM V1 default max_num_batched_tokens for the OpenAI server (0.8.x): the profiling run's token count and the prefill chunk. */
  maxNumBatchedTokens: 8192,
  /** vLLM default max_num_seqs: rows of the sampler's dummy run. */
  maxNumSeqs: 256,
  /** CUDA context, cuBLAS workspaces and allocator slack on one GPU (vLLM logs' non_torch_memory on a single GPU: ~0.25-0.5 GiB). */
  engineBaseGiB: 0.5,
  /**
   * What a multi-GPU engine holds beyond that, per peer rank: NCCL channels, custom all-reduce
   * buffers, CUDA-graph pools, torch.compile workspaces. The least-known term and the one fitted
   * constant: Maverick FP8 on 8xH100 then holds vLLM 0.8.3's ~430K tokens (bench/llm.ts checks
   * the Scout 8xH100/8xH200 and Maverick 8xH200 settings against it).
   */
  enginePerPeerGiB: 1.56,
} as const;

export const GIB = 2 ** 30;

export interface Parallelism {
  tp: number;
  pp: number;
  /** Expert-parallel degree (experts placed whole); 1 = experts sharded by tp like dense layers. */
  ep: number;
  /**
   * Attention data parallelism (TensorRT-LLM enable_attention_dp, SGLang --enable-dp-attention):
   * dp groups of tp/dp GPUs each serve their own sequences; attention, dense FFNs, shared experts
   * and embeddings are sharded over tp/dp only, routed experts over the whole tp group. Default 1.
   */
  dp?: number;
}

/** GPUs that shard attention (and, under attention DP, the dense parts): tp / dp. */
export const attentionTp = (par: Parallelism): number => par.tp / (par.dp ?? 1);

const DEFAULT_KEEP: ParamGroup[] = ["embeddings", "router", "norms", "vision"];

export function keptInBf16(m: MoeTransformerModel, precision: WeightPrecision): Set<ParamGroup> {
  if (precision === "bf16") return new Set();
  return new Set(m.keepBf16[precision] ?? DEFAULT_KEEP);
}

/**
 * Bytes per parameter stored at a precision: fp8 per-channel scales are < 0.1% and ignored; int4
 * adds one bf16 scale per group; fp4 adds NVFP4's FP8 E4M3 scale per 16 values (NVIDIA, "Introducing
 * NVFP4", 2025) or MXFP4's E8M0 scale per 32 (OCP Microscaling Formats v1.0, 2023).
 */
export function bytesPerParam(m: MoeTransformerModel, precision: WeightPrecision): number {
  switch (precision) {
    case "bf16": return 2;
    case "fp8": return 1;
    case "int4": return 0.5 + 2 / m.int4GroupSize;
    case "fp4": return m.fp4Format === "mxfp4" ? 0.5 + 1 / 32 : 0.5 + 1 / 16;
  }
}

/**
 * Share of an MLA layer's attention parameters every tensor-parallel rank holds whole: vLLM and
 * SGLang run q_a_proj and kv_a_proj_with_mqa (and their norms) as ReplicatedLinear.
 */
export function replicatedAttentionShare(m: MoeTransformerModel): number {
  const mla = m.attention.mla;
  if (!mla || mla.qLoraRank === 0) return mla ? (m.hidden * (mla.kvLoraRank + mla.ropeDim) + mla.kvLoraRank) / attentionParamsPerLayer(m) : 0;
  return (m.hidden * (mla.qLoraRank + mla.kvLoraRank + mla.ropeDim) + mla.qLoraRank + mla.kvLoraRank) / attentionParamsPerLayer(m);
}

export interface WeightBytes {
  total: number;
  byGroup: Record<ParamGroup, number>;
  perGpu: number;
}

/** Weight bytes in total and on the most loaded GPU. */
export function weightBytes(m: MoeTransformerModel, precision: WeightPrecision, par: Parallelism = { tp: 1, pp: 1, ep: 1 }): WeightBytes {
  const p = countParams(m);
  const keep = keptInBf16(m, precision);
  const q = bytesPerParam(m, precision);
  const byGroup = {} as Record<ParamGroup, number>;
  let total = 0;
  for (const [g, n] of Object.entries(p.byGroup) as Array<[ParamGroup, number]>) {
    byGroup[g] = n * (keep.has(g) ? 2 : q);
    total += byGroup[g];
  }
  const { tp, pp, ep } = par;
  const atp = attentionTp(par);
  // K and V projections are replicated once tp exceeds the KV heads (vLLM keeps >= 1 KV head per rank);
  // MLA's down-projections are replicated on every rank.
  const a = m.attention;
  const kvShare = a.mla ? replicatedAttentionShare(m) : (2 * a.kvHeads * a.headDim) / (2 * a.heads * a.headDim + 2 * a.kvHeads * a.headDim);
  const attnShard = (1 - kvShare) / atp + kvShare / (a.mla ? 1 : Math.min(atp, a.kvHeads));
  // Routed experts: whole experts over ep ranks (ceil), each sharded over the remaining tp/ep.
  const expertShard = Math.ceil(m.moe.experts / ep) / m.moe.experts / Math.max(1, tp / ep);
  const perStage =
    byGroup.attention * attnShard +
    byGroup.routedExperts * expertShard +
    (byGroup.sharedExperts + byGroup.denseFfn + byGroup.embeddings + byGroup.vision) / atp +
    byGroup.router + byGroup.norms;
  return { total, byGroup, perGpu: perStage / pp };
}

/** KV heads one tensor-parallel rank holds (vLLM: max(1, kvHeads / tp)); MLA's latent is replicated. */
function kvValuesPerLayerPerToken(m: MoeTransformerModel, tp: number): number {
  const a = m.attention;
  if (a.mla) return a.mla.kvLoraRank + a.mla.ropeDim;
  return 2 * Math.max(1, Math.ceil(a.kvHeads / tp)) * a.headDim;
}

export const kvBytes = (kv: KvPrecision): number => (kv === "bf16" ? 2 : 1);

export interface KvPerToken {
  /** Every layer holding full KV: the whole model, all GPUs together (what calculators quote). */
  allLayers: number;
  /** The same on one GPU of the tp x pp grid. */
  allLayersPerGpu: number;
  /** Global layers only, per GPU (their KV grows with the context). */
  globalPerGpu: number;
  /** One chunked layer per GPU per token (its KV is bounded by the window). */
  chunkedLayerPerGpu: number;
  chunkedLayersPerGpu: number;
}

export function kvPerToken(m: MoeTransformerModel, kv: KvPrecision, par: Parallelism = { tp: 1, pp: 1, ep: 1 }): KvPerToken {
  const b = kvBytes(kv);
  const full = kvValuesPerLayerPerToken(m, 1) * b;
  const perGpuLayer = kvValuesPerLayerPerToken(m, attentionTp(par)) * b;
  const { global, chunked } = layerCounts(m);
  const stage = (n: number): number => Math.ceil(n / par.pp);
  return {
    allLayers: m.layers * full,
    allLayersPerGpu: stage(m.layers) * perGpuLayer,
    globalPerGpu: stage(global) * perGpuLayer,
    chunkedLayerPerGpu: perGpuLayer,
    chunkedLayersPerGpu: stage(chunked),
  };
}

/**
 * KV bytes per GPU for sequences of `context` tokens: global layers hold every token; a chunked
 * layer holds at most its window plus the tokens being prefilled in one step (a chunk ends
 * mid-prefill; vLLM/SGLang hybrid allocators free whole blocks behind the window).
 */
export function kvBytesPerGpu(m: MoeTransformerModel, kv: KvPrecision, par: Parallelism, context: number, batch = 1, hybrid = true): number {
  const k = kvPerToken(m, kv, par);
  const local = localWindow(m);
  if (!hybrid || local === undefined) return batch * context * k.allLayersPerGpu;
  const window = Math.min(context, local + SERVING.maxNumBatchedTokens);
  return batch * (context * k.globalPerGpu + window * k.chunkedLayersPerGpu * k.chunkedLayerPerGpu);
}

export interface Reserve {
  /** Peak activations of vLLM's profiling forward pass over maxNumBatchedTokens tokens. */
  activations: number;
  /** The sampler's dummy run: fp32 logits for maxNumSeqs rows, with its softmax and sort copies. */
  sampler: number;
  /** RoPE cos/sin cache: maxPosition x rotary dim in bf16 (vLLM get_rope builds it for max_position_embeddings). */
  ropeCache: number;
  engine: number;
  total: number;
}

/**
 * The memory vLLM subtracts besides weights before sizing the KV cache (Worker.determine_available_memory:
 * peak of a profiling run with max_num_batched_tokens tokens, plus non-torch allocations).
 * Activations: the residual stream and hidden states (2 x T x h), plus the largest per-layer
 * transient on one rank: qkv + attention output, or the gate/up output and its activation.
 */
export function runtimeReserve(m: MoeTransformerModel, par: Parallelism, o: { tokens?: number; seqs?: number } = {}): Reserve {
  const T = o.tokens ?? SERVING.maxNumBatchedTokens;
  const a = m.attention;
  const h = m.hidden;
  const attn = a.mla ? a.heads * (a.mla.nopeDim + a.mla.ropeDim + a.mla.vDim) : (2 * a.heads + 2 * a.kvHeads) * a.headDim;
  const ffn = Math.max(m.denseIntermediate ?? 0, m.moe.topK * m.moe.expertIntermediate + m.moe.sharedExperts * (m.moe.sharedIntermediate ?? m.moe.expertIntermediate));
  const perToken = 2 * h + Math.max(attn, 3 * ffn) / attentionTp(par);
  const activations = T * perToken * 2;
  // logits (fp32) + probabilities + sorted values and int64 indices for top-p/top-k.
  const sampler = (o.seqs ?? SERVING.maxNumSeqs) * m.vocab * (4 + 4 + 4 + 8);
  const ropeCache = m.maxPosition * (a.mla ? a.mla.ropeDim : a.headDim) * 2;
  const engine = (SERVING.engineBaseGiB + SERVING.enginePerPeerGiB * (par.tp * par.pp - 1)) * GIB;
  return { activations, sampler, ropeCache, engine, total: activations + sampler + ropeCache + engine };
}

/** Memory the engine may use on one GPU: utilisation x what the driver exposes. */
export function usableBytes(gpu: Gpu, utilization: number = SERVING.memoryUtilization): number {
  return gpu.hbmBytes * SERVING.deviceVisibleFraction * utilization;
}

export { isGlobalLayer };
