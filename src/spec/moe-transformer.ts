/**
 * The MoE transformer model kind (`model.kind: "moe-transformer"`): a decoder-only LLM with
 * routed + shared experts, dense/MoE layer interleaving, global or chunked (local) attention per
 * layer, optional MLA (DeepSeek-V3) and a vision encoder. Field names follow Hugging Face
 * transformers' configs (Llama4TextConfig, MixtralConfig, DeepseekV3Config) so that
 * `strata llm import` is a renaming; docs/llm.md lists the mapping.
 */
import { z } from "zod";

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
/**
 * Sanity bounds, far above any published model (largest today: 126 layers, hidden 18432, 128
 * heads, 384 experts, vocab 256K, 10M positions), that keep every derived figure finite and the
 * per-layer loops short.
 */
export const SPEC_BOUNDS = { layers: 10_000, width: 1_000_000, heads: 65_536, experts: 65_536, vocab: 100_000_000, maxPosition: 1_000_000_000 } as const;
const upTo = (max: number) => positiveInt.max(max, { message: `expected a positive integer of at most ${max.toLocaleString("en-US")} (a sanity bound; docs/llm.md)` });

/**
 * Storage precision of weights (int4: 4-bit values plus one bf16 scale per group; fp4: 4-bit
 * floats in the model's fp4Format, NVFP4 or MXFP4, run on FP4 tensor cores).
 */
export const WeightPrecision = z.enum(["bf16", "fp8", "int4", "fp4"]);
export type WeightPrecision = z.infer<typeof WeightPrecision>;
export const KvPrecision = z.enum(["bf16", "fp8"]);
export type KvPrecision = z.infer<typeof KvPrecision>;

/** Parameter groups: the unit of quantisation choices and of the parameter breakdown. */
export const ParamGroup = z.enum(["embeddings", "attention", "routedExperts", "sharedExperts", "denseFfn", "router", "norms", "vision"]);
export type ParamGroup = z.infer<typeof ParamGroup>;

export const Attention = z.object({
  heads: upTo(SPEC_BOUNDS.heads),
  kvHeads: upTo(SPEC_BOUNDS.heads),
  headDim: upTo(SPEC_BOUNDS.width),
  /** iRoPE (Llama 4): RoPE layers attend within chunks of this many tokens (HF attention_chunk_size). */
  chunkSize: positiveInt.optional(),
  /** Every n-th layer (1-based: layers n-1, 2n-1, ...) is global, no RoPE (HF no_rope_layer_interval); the others are chunked. */
  globalEvery: positiveInt.optional(),
  /** Sliding-window layers attend to the last this many tokens (HF sliding_window; gpt-oss: 128 on alternate layers). */
  slidingWindow: positiveInt.optional(),
  /** Explicit per-layer pattern instead: "global" | "chunked" | "sliding", one per layer (HF no_rope_layers inverted, HF layer_types). */
  layerTypes: z.array(z.enum(["global", "chunked", "sliding"])).optional(),
  /** q, k, v and o projections carry biases (HF attention_bias; gpt-oss). */
  bias: z.boolean().default(false),
  /** A learned attention-sink logit per query head and layer (gpt-oss sinks). */
  sinks: z.boolean().default(false),
  /** Multi-head latent attention (DeepSeek-V2/V3): KV cache holds one latent of kvLoraRank + ropeDim per token and layer. */
  mla: z.object({ qLoraRank: nonNegativeInt, kvLoraRank: positiveInt, ropeDim: positiveInt, nopeDim: positiveInt, vDim: positiveInt }).optional(),
});
export type Attention = z.infer<typeof Attention>;

export const Moe = z.object({
  /** Routed experts per MoE layer (HF num_local_experts / n_routed_experts). */
  experts: upTo(SPEC_BOUNDS.experts),
  /** Experts each token is routed to (HF num_experts_per_tok). */
  topK: positiveInt,
  /** Shared experts per MoE layer, always active (Llama 4: 1; DeepSeek-V3: 1; Mixtral: 0). */
  sharedExperts: nonNegativeInt.max(SPEC_BOUNDS.experts).default(0),
  /** Intermediate width of one expert (HF intermediate_size / moe_intermediate_size). */
  expertIntermediate: upTo(SPEC_BOUNDS.width),
  /** Intermediate width of one shared expert; defaults to expertIntermediate. */
  sharedIntermediate: upTo(SPEC_BOUNDS.width).optional(),
  /** Every n-th layer is MoE (HF interleave_moe_layer_step: 1 = all, 2 = layers 1, 3, 5, ...). */
  every: positiveInt.default(1),
  /** The first k layers are dense (DeepSeek-V3 first_k_dense_replace). */
  firstDense: nonNegativeInt.default(0),
  /** Explicit MoE layer indices instead (HF moe_layers). */
  layers: z.array(nonNegativeInt).optional(),
  /** Routed experts' projections and the router carry biases (gpt-oss gate_up_proj_bias, down_proj_bias, router bias). */
  bias: z.boolean().default(false),
});
export type Moe = z.infer<typeof Moe>;

export const Vision = z.object({
  layers: upTo(SPEC_BOUNDS.layers),
  hidden: upTo(SPEC_BOUNDS.width),
  intermediate: upTo(SPEC_BOUNDS.width),
  patchSize: positiveInt.default(14),
  imageSize: positiveInt.default(336),
  channels: positiveInt.default(3),
  /** Width of the vision encoder's output projection (Llama 4 vision_output_dim). */
  outputDim: positiveInt.optional(),
  /** Llama 4 pixel-shuffle adapter: inner width (projector_input_dim) and ratio. */
  adapterIntermediate: positiveInt.optional(),
});
export type Vision = z.infer<typeof Vision>;

const MoeTransformerShape = z.object({
  kind: z.literal("moe-transformer"),
  hidden: upTo(SPEC_BOUNDS.width),
  layers: upTo(SPEC_BOUNDS.layers),
  vocab: upTo(SPEC_BOUNDS.vocab),
  attention: Attention,
  moe: Moe,
  /** Width of the dense (non-MoE) layers' FFN (HF intermediate_size_mlp / intermediate_size). */
  denseIntermediate: upTo(SPEC_BOUNDS.width).optional(),
  /** SwiGLU: gate, up and down projections (3 matrices); false: up and down only. */
  gatedFfn: z.boolean().default(true),
  tieEmbeddings: z.boolean().default(false),
  /** Largest position the model supports (HF max_position_embeddings). */
  maxPosition: upTo(SPEC_BOUNDS.maxPosition),
  vision: Vision.optional(),
  /**
   * What stays in bf16 when the weights are stored in fp8 or int4. Default: embeddings, router,
   * norms and vision (the common practice of FP8/AWQ checkpoints); a published checkpoint that
   * keeps more (Maverick FP8 keeps attention, shared expert and dense FFN) lists them here.
   */
  keepBf16: z.object({ fp8: z.array(ParamGroup).optional(), int4: z.array(ParamGroup).optional(), fp4: z.array(ParamGroup).optional() }).default({}),
  /** Values per int4 scale group (AWQ/GPTQ default 128). */
  int4GroupSize: positiveInt.default(128),
  /**
   * The 4-bit float format of fp4 weights: NVFP4 (E2M1 values, one FP8 E4M3 scale per 16) or MXFP4
   * (OCP microscaling: one E8M0 scale per 32; gpt-oss checkpoints).
   */
  fp4Format: z.enum(["nvfp4", "mxfp4"]).default("nvfp4"),
});

type Shape = z.infer<typeof MoeTransformerShape>;

/**
 * Cross-field checks (presets, workload files and imported Hugging Face configs alike): each
 * issue carries its field path, what was expected and, as its input, what was found.
 */
function crossCheck(m: Shape, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string, input: unknown): void => ctx.addIssue({ code: "custom", path, message, input });
  const a = m.attention;
  if (!a.mla) {
    // GQA: groups of heads / kvHeads query heads share one KV head (HF repeat_kv needs an exact multiple).
    if (a.kvHeads > a.heads) issue(["attention", "kvHeads"], `expected at most attention.heads (${a.heads}) KV heads (HF num_key_value_heads <= num_attention_heads)`, a.kvHeads);
    else if (a.heads % a.kvHeads !== 0) issue(["attention", "heads"], `expected a multiple of attention.kvHeads (${a.kvHeads}) query heads (HF num_attention_heads % num_key_value_heads == 0)`, a.heads);
  }
  if (a.layerTypes !== undefined && a.layerTypes.length !== m.layers) issue(["attention", "layerTypes"], `expected ${m.layers} entries (one per layer, layers = ${m.layers})`, a.layerTypes);
  if (a.chunkSize === undefined && a.layerTypes?.includes("chunked")) issue(["attention", "chunkSize"], 'expected a chunk size, since attention.layerTypes lists "chunked" layers', a.chunkSize);
  if (a.slidingWindow === undefined && a.layerTypes?.includes("sliding")) issue(["attention", "slidingWindow"], 'expected a window, since attention.layerTypes lists "sliding" layers', a.slidingWindow);
  if (a.slidingWindow !== undefined && a.chunkSize !== undefined) issue(["attention", "slidingWindow"], "expected either chunked (chunkSize) or sliding-window (slidingWindow) local layers, not both", a.slidingWindow);
  if (a.globalEvery !== undefined && a.globalEvery > m.layers) issue(["attention", "globalEvery"], `expected at most layers (${m.layers})`, a.globalEvery);
  const e = m.moe;
  if (e.topK > e.experts) issue(["moe", "topK"], `expected at most moe.experts (${e.experts}) experts per token (HF num_experts_per_tok <= the routed experts)`, e.topK);
  if (e.layers !== undefined) {
    const seen = new Set<number>();
    e.layers.forEach((i, k) => {
      if (i >= m.layers) issue(["moe", "layers", k], `expected a layer index from 0 to ${m.layers - 1} (layers = ${m.layers}; HF moe_layers)`, i);
      else if (seen.has(i)) issue(["moe", "layers", k], "expected each MoE layer index once", i);
      seen.add(i);
    });
  } else {
    if (e.firstDense >= m.layers) issue(["moe", "firstDense"], `expected fewer dense first layers than layers (${m.layers}), leaving at least one MoE layer`, e.firstDense);
    else if (e.every > m.layers - e.firstDense) issue(["moe", "every"], `expected at most ${m.layers - e.firstDense} (layers - moe.firstDense), leaving at least one MoE layer`, e.every);
  }
  if (m.vision && m.vision.patchSize > m.vision.imageSize) issue(["vision", "patchSize"], `expected at most vision.imageSize (${m.vision.imageSize})`, m.vision.patchSize);
}

export const MoeTransformerModel = MoeTransformerShape.superRefine(crossCheck);
export type MoeTransformerModel = z.infer<typeof MoeTransformerModel>;
