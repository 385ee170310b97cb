/**
 * Hugging Face config.json -> moe-transformer spec. Field names per transformers'
 * Llama4Config (text_config + vision_config), MixtralConfig, Qwen2MoeConfig/Qwen3MoeConfig and
 * DeepseekV3Config; docs/llm.md has the mapping. A missing or wrong field names the file, the
 * field path, what was expected and what was found.
 */
import { UserError, describeValue } from "../spec/errors.js";
import { validate } from "../spec/load.js";
import { MoeTransformerModel } from "../spec/moe-transformer.js";

type Obj = Record<string, unknown>;
const SUPPORTED = ["llama4", "llama4_text", "mixtral", "qwen2_moe", "qwen3_moe", "deepseek_v3", "deepseek_v2"];

export function looksLikeHfConfig(doc: unknown): boolean {
  return !!doc && typeof doc === "object" && ("model_type" in doc || "architectures" in doc || "text_config" in doc);
}

function reader(file: string, obj: Obj, prefix: string) {
  const where = (k: string): string => `${file}: ${prefix}${k}`;
  const int = (k: string, fallback?: number): number => {
    const v = obj[k] ?? fallback;
    if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) throw new UserError(`${where(k)}: expected a positive integer, found ${describeValue(obj[k])}`);
    return v;
  };
  const optInt = (k: string): number | undefined => (obj[k] === undefined || obj[k] === null ? undefined : int(k));
  return { int, optInt, get: (k: string): unknown => obj[k] };
}

export function importHfConfig(doc: unknown, file: string): MoeTransformerModel {
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new UserError(`${file}: expected a Hugging Face config.json object, found ${describeValue(doc)}`);
  const root = doc as Obj;
  const type = typeof root.model_type === "string" ? root.model_type : undefined;
  if (type !== undefined && !SUPPORTED.includes(type)) {
    throw new UserError(`${file}: model_type: expected one of ${SUPPORTED.join(", ")} (a mixture-of-experts config), found ${JSON.stringify(type)}`);
  }
  const hasText = root.text_config !== undefined;
  if (hasText && (typeof root.text_config !== "object" || root.text_config === null)) throw new UserError(`${file}: text_config: expected an object, found ${describeValue(root.text_config)}`);
  const t = (hasText ? root.text_config : root) as Obj;
  const r = reader(file, t, hasText ? "text_config." : "");
  const textType = (typeof t.model_type === "string" ? t.model_type : type) ?? "";
  const hidden = r.int("hidden_size");
  const heads = r.int("num_attention_heads");
  const layers = r.int("num_hidden_layers");
  const experts = r.optInt("num_local_experts") ?? r.optInt("n_routed_experts") ?? r.optInt("num_experts");
  if (experts === undefined) throw new UserError(`${file}: ${hasText ? "text_config." : ""}num_local_experts: expected the number of routed experts (num_local_experts, n_routed_experts or num_experts), found nothing (the field is missing): not a mixture-of-experts config`);
  const isLlama4 = textType.startsWith("llama4");
  const isDeepseek = textType.startsWith("deepseek");
  const isGptOss = textType === "gpt_oss";
  const spec: Record<string, unknown> = {
    kind: "moe-transformer",
    hidden,
    layers,
    vocab: r.int("vocab_size"),
    maxPosition: r.int("max_position_embeddings"),
    tieEmbeddings: t.tie_word_embeddings === true,
    attention: {
      heads,
      kvHeads: r.optInt("num_key_value_heads") ?? heads,
      headDim: r.optInt("head_dim") ?? hidden / heads,
      ...(isLlama4 && t.attention_chunk_size ? { chunkSize: r.int("attention_chunk_size"), ...llama4LayerTypes(t, layers, file, hasText ? "text_config." : "", r.optInt("no_rope_layer_interval")) } : {}),
      ...(!isLlama4 && typeof t.sliding_window === "number" && t.use_sliding_window !== false ? { slidingWindow: r.int("sliding_window"), ...hfLayerTypes(t) } : {}),
      ...(t.attention_bias === true ? { bias: true } : {}),
      ...(isGptOss ? { sinks: true } : {}),
      ...(isDeepseek ? { mla: { qLoraRank: typeof t.q_lora_rank === "number" ? t.q_lora_rank : 0, kvLoraRank: r.int("kv_lora_rank"), ropeDim: r.int("qk_rope_head_dim"), nopeDim: r.int("qk_nope_head_dim"), vDim: r.int("v_head_dim") } } : {}),
    },
    moe: {
      experts,
      topK: r.int("num_experts_per_tok"),
      sharedExperts: isLlama4 ? 1 : (r.optInt("n_shared_experts") ?? (t.shared_expert_intermediate_size ? 1 : 0)),
      expertIntermediate: isLlama4 || textType === "mixtral" || isGptOss ? r.int("intermediate_size") : r.int("moe_intermediate_size"),
      ...(isGptOss ? { bias: true } : {}),
      ...(t.shared_expert_intermediate_size ? { sharedIntermediate: r.int("shared_expert_intermediate_size") } : {}),
      every: r.optInt("interleave_moe_layer_step") ?? r.optInt("decoder_sparse_step") ?? r.optInt("moe_layer_freq") ?? 1,
      firstDense: typeof t.first_k_dense_replace === "number" ? t.first_k_dense_replace : 0,
      ...(Array.isArray(t.moe_layers) ? { layers: t.moe_layers } : {}),
    },
    ...(isLlama4 ? { denseIntermediate: r.int("intermediate_size_mlp") } : t.intermediate_size && !(textType === "mixtral") && !isGptOss ? { denseIntermediate: r.int("intermediate_size") } : {}),
  };
  const keep = keptModules(root.quantization_config, file);
  if (keep) spec.keepBf16 = { [keep.precision]: keep.groups };
  if (keep?.groupSize) spec.int4GroupSize = keep.groupSize;
  if (keep?.fp4Format) spec.fp4Format = keep.fp4Format;
  const v = root.vision_config as Obj | undefined;
  if (v && typeof v === "object") {
    const vr = reader(file, v, "vision_config.");
    spec.vision = {
      layers: vr.int("num_hidden_layers"),
      hidden: vr.int("hidden_size"),
      intermediate: vr.int("intermediate_size"),
      patchSize: vr.optInt("patch_size") ?? 14,
      imageSize: vr.optInt("image_size") ?? 336,
      channels: vr.optInt("num_channels") ?? 3,
      ...(vr.optInt("vision_output_dim") ? { outputDim: vr.int("vision_output_dim") } : {}),
      ...(vr.optInt("projector_input_dim") ? { adapterIntermediate: vr.int("projector_input_dim") } : {}),
    };
  }
  return validate(MoeTransformerModel, spec, file, "MoE model imported from the Hugging Face config");
}

/**
 * quantization_config -> which parameter groups the checkpoint keeps in bf16. modules_to_not_convert
 * (transformers' FbgemmFp8/FineGrainedFP8/AWQ configs) names modules by path; a path mentioning
 * self_attn, shared_expert, router, vision/multi_modal_projector, lm_head/embed, or a layer's
 * feed_forward/mlp as a whole (a dense layer) maps to its group. Embeddings and norms never quantise.
 */
function keptModules(q: unknown, file: string): { precision: "fp8" | "int4" | "fp4"; groups: string[]; groupSize?: number; fp4Format?: "nvfp4" | "mxfp4" } | undefined {
  if (!q || typeof q !== "object") return undefined;
  const c = q as Obj;
  const method = String(c.quant_method ?? "");
  const bits = typeof c.bits === "number" ? c.bits : undefined;
  // gpt-oss: quant_method "mxfp4" (OCP microscaling FP4 experts); ModelOpt: "nvfp4".
  const fp4Format = /mxfp4/.test(method) ? "mxfp4" : /nvfp4/.test(method) ? "nvfp4" : undefined;
  const precision = fp4Format ? "fp4" : /fp8/.test(method) || c.fmt === "e4m3" ? "fp8" : bits === 4 || /awq|gptq|int4/.test(method) ? "int4" : undefined;
  if (!precision) return undefined;
  const list = c.modules_to_not_convert ?? c.ignore;
  if (list !== undefined && list !== null && !(Array.isArray(list) && list.every((x) => typeof x === "string"))) {
    throw new UserError(`${file}: quantization_config.modules_to_not_convert: expected a list of module names, found ${describeValue(list)}`);
  }
  const groups = new Set<string>(["embeddings", "norms"]);
  for (const name of (list as string[] | null | undefined) ?? []) {
    if (/self_attn|attention|attn/.test(name)) groups.add("attention");
    else if (/shared_expert/.test(name)) groups.add("sharedExperts");
    else if (/router|\.gate$/.test(name)) groups.add("router");
    else if (/vision|multi_modal_projector/.test(name)) groups.add("vision");
    else if (/(feed_forward|mlp)$/.test(name)) groups.add("denseFfn");
  }
  // Checkpoints that list nothing still keep the router and vision tower in bf16 in practice.
  if (!list) ["router", "vision"].forEach((g) => groups.add(g));
  const groupSize = typeof c.group_size === "number" && c.group_size > 0 ? c.group_size : undefined;
  return { precision, groups: [...groups], ...(precision === "int4" && groupSize ? { groupSize } : {}), ...(fp4Format ? { fp4Format } : {}) };
}

/** HF layer_types (gpt-oss, Gemma, Qwen3): "sliding_attention" layers are sliding-window, the rest global. */
function hfLayerTypes(t: Obj): { layerTypes?: Array<"global" | "sliding"> } {
  if (!Array.isArray(t.layer_types) || !t.layer_types.every((x) => typeof x === "string")) return {};
  return { layerTypes: (t.layer_types as string[]).map((x) => (x === "sliding_attention" ? "sliding" : "global")) };
}

/** Llama 4: an explicit no_rope_layers list (1 = RoPE, chunked; 0 = no RoPE, global) wins over no_rope_layer_interval. */
function llama4LayerTypes(t: Obj, layers: number, file: string, prefix: string, interval: number | undefined): { layerTypes: Array<"global" | "chunked"> } | { globalEvery: number } {
  const list = t.no_rope_layers;
  if (list === undefined || list === null || (Array.isArray(list) && list.length === 0)) return { globalEvery: interval ?? 4 };
  if (!Array.isArray(list) || list.length !== layers || !list.every((x) => x === 0 || x === 1 || typeof x === "boolean")) {
    throw new UserError(`${file}: ${prefix}no_rope_layers: expected ${layers} entries of 0 or 1 (one per layer), found ${describeValue(list)}`);
  }
  return { layerTypes: list.map((x) => (x === 1 || x === true ? "chunked" : "global")) };
}
