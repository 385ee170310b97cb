/**
 * Parameter counts by component, total and active per token, computed from the spec.
 * Shapes: Llama4TextAttention / Llama4TextMoe / Llama4VisionModel (transformers, modeling_llama4.py),
 * MixtralSparseMoeBlock, DeepseekV3Attention (MLA) and DeepseekV3MoE. Biases exist only in the
 * vision encoder (Llama 4 vision attention and MLP have them).
 */
import type { MoeTransformerModel, ParamGroup } from "../spec/moe-transformer.js";
import { layerCounts } from "./layers.js";

export type ParamBreakdown = Record<ParamGroup, number>;

export interface ParamCounts {
  total: number;
  active: number;
  /** Totals per component. */
  byGroup: ParamBreakdown;
  /** Active per token per component (one token's routed experts, vision excluded). */
  activeByGroup: ParamBreakdown;
  /** One routed expert of one layer (the unit that expert parallelism places). */
  perExpert: number;
}

/** q, k, v and o projections of one layer (MLA: the low-rank q and kv paths). */
export function attentionParamsPerLayer(m: MoeTransformerModel): number {
  const a = m.attention;
  const h = m.hidden;
  if (a.mla) {
    const { qLoraRank, kvLoraRank, ropeDim, nopeDim, vDim } = a.mla;
    const qHead = nopeDim + ropeDim;
    // DeepSeek-V3: q_a (h x r_q) + q_a_norm + q_b (r_q x H*(nope+rope)); without q-LoRA a full q_proj.
    const q = qLoraRank > 0 ? h * qLoraRank + qLoraRank + qLoraRank * a.heads * qHead : h * a.heads * qHead;
    const kv = h * (kvLoraRank + ropeDim) + kvLoraRank + kvLoraRank * a.heads * (nopeDim + vDim);
    return q + kv + a.heads * vDim * h;
  }
  // gpt-oss: q, k, v and o biases, and one sink logit per query head.
  const biases = a.bias ? (a.heads + 2 * a.kvHeads) * a.headDim + h : 0;
  return h * a.heads * a.headDim * 2 + h * a.kvHeads * a.headDim * 2 + biases + (a.sinks ? a.heads : 0);
}

/** One SwiGLU FFN (gate, up, down) or a plain two-matrix FFN. */
export function ffnParams(m: MoeTransformerModel, intermediate: number): number {
  return (m.gatedFfn ? 3 : 2) * m.hidden * intermediate;
}

/** Llama 4 vision encoder (Llama4VisionModel), pixel-shuffle adapter and multi-modal projector. */
export function visionParams(m: MoeTransformerModel): number {
  const v = m.vision;
  if (!v) return 0;
  const patches = (v.imageSize / v.patchSize) ** 2;
  const embed = v.channels * v.patchSize ** 2 * v.hidden + v.hidden + (patches + 1) * v.hidden + 4 * v.hidden;
  // Per layer: q, k, v, o with biases; fc1, fc2 with biases; two LayerNorms with biases.
  const layer = 4 * (v.hidden * v.hidden + v.hidden) + 2 * v.hidden * v.intermediate + v.intermediate + v.hidden + 4 * v.hidden;
  const out = v.outputDim ?? v.hidden;
  // Pixel shuffle (ratio 0.5) concatenates 4 patches: fc1 4h -> adapter, fc2 adapter -> out; projector out -> text hidden.
  const adapter = v.adapterIntermediate ? 4 * v.hidden * v.adapterIntermediate + v.adapterIntermediate * out : 0;
  return embed + v.layers * layer + adapter + out * m.hidden;
}

export function countParams(m: MoeTransformerModel): ParamCounts {
  const { moe: moeLayers, dense: denseLayers } = layerCounts(m);
  const h = m.hidden;
  // gpt-oss experts: gate_up_proj_bias (2I) and down_proj_bias (h).
  const perExpert = ffnParams(m, m.moe.expertIntermediate) + (m.moe.bias ? (m.gatedFfn ? 2 : 1) * m.moe.expertIntermediate + h : 0);
  const sharedPerLayer = m.moe.sharedExperts * ffnParams(m, m.moe.sharedIntermediate ?? m.moe.expertIntermediate);
  const denseWidth = m.denseIntermediate ?? m.moe.expertIntermediate;
  const embeddings = m.vocab * h * (m.tieEmbeddings ? 1 : 2);
  const attention = m.layers * attentionParamsPerLayer(m);
  // Two RMSNorms per layer plus the final one; MLA adds its q/kv LoRA norms inside attention.
  const norms = (2 * m.layers + 1) * h;
  const byGroup: ParamBreakdown = {
    embeddings,
    attention,
    routedExperts: moeLayers * m.moe.experts * perExpert,
    sharedExperts: moeLayers * sharedPerLayer,
    denseFfn: denseLayers * ffnParams(m, denseWidth),
    router: moeLayers * (h + (m.moe.bias ? 1 : 0)) * m.moe.experts,
    norms,
    vision: visionParams(m),
  };
  const activeByGroup: ParamBreakdown = { ...byGroup, routedExperts: moeLayers * m.moe.topK * perExpert, vision: 0 };
  const sum = (b: ParamBreakdown): number => Object.values(b).reduce((s, x) => s + x, 0);
  return { total: sum(byGroup), active: sum(activeByGroup), byGroup, activeByGroup, perExpert };
}
