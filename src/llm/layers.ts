/**
 * Which layers are MoE or dense and which attend globally, within chunks or over a sliding
 * window, from the spec. Conventions are Hugging Face transformers': Llama4TextConfig builds
 * moe_layers = range(step - 1, layers, step) and no_rope_layers[i] = (i + 1) % interval != 0
 * (a layer without RoPE is a global layer); DeepSeek-V3 makes the first k layers dense; gpt-oss
 * alternates sliding-window and full layers (layer_types).
 */
import type { MoeTransformerModel } from "../spec/moe-transformer.js";

export function isMoeLayer(m: MoeTransformerModel, i: number): boolean {
  if (m.moe.layers) return m.moe.layers.includes(i);
  if (i < m.moe.firstDense) return false;
  return (i - m.moe.firstDense) % m.moe.every === m.moe.every - 1;
}

export type LayerKind = "global" | "chunked" | "sliding";

/** A local layer is chunked (Llama 4 iRoPE) or sliding-window (gpt-oss), as the spec's window says. */
export function layerKind(m: MoeTransformerModel, i: number): LayerKind {
  const a = m.attention;
  const local: LayerKind = a.slidingWindow !== undefined ? "sliding" : "chunked";
  if (a.layerTypes) return a.layerTypes[i] === "global" ? "global" : a.layerTypes[i]!;
  if (a.chunkSize === undefined && a.slidingWindow === undefined) return "global";
  if (a.globalEvery === undefined) return local;
  return (i + 1) % a.globalEvery === 0 ? "global" : local;
}

export function isGlobalLayer(m: MoeTransformerModel, i: number): boolean {
  return layerKind(m, i) === "global";
}

/** Tokens a local layer can attend to: its chunk or its sliding window (undefined: no local layers). */
export function localWindow(m: MoeTransformerModel): number | undefined {
  return m.attention.chunkSize ?? m.attention.slidingWindow;
}

export interface LayerCounts {
  moe: number;
  dense: number;
  global: number;
  /** Local layers (chunked or sliding-window): their KV is bounded by the window. */
  chunked: number;
}

export function layerCounts(m: MoeTransformerModel): LayerCounts {
  let moe = 0;
  let global = 0;
  for (let i = 0; i < m.layers; i++) {
    if (isMoeLayer(m, i)) moe++;
    if (isGlobalLayer(m, i)) global++;
  }
  return { moe, dense: m.layers - moe, global, chunked: m.layers - global };
}
