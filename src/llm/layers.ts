/**
 * Which layers are MoE or dense and which attend globally or within chunks, from the spec.
 * Conventions are Hugging Face transformers': Llama4TextConfig builds
 * moe_layers = range(step - 1, layers, step) and no_rope_layers[i] = (i + 1) % interval != 0
 * (a layer without RoPE is a global layer); DeepSeek-V3 makes the first k layers dense.
 */
import type { MoeTransformerModel } from "../spec/moe-transformer.js";

export function isMoeLayer(m: MoeTransformerModel, i: number): boolean {
  if (m.moe.layers) return m.moe.layers.includes(i);
  if (i < m.moe.firstDense) return false;
  return (i - m.moe.firstDense) % m.moe.every === m.moe.every - 1;
}

export function isGlobalLayer(m: MoeTransformerModel, i: number): boolean {
  const a = m.attention;
  if (a.layerTypes) return a.layerTypes[i] !== "chunked";
  if (a.chunkSize === undefined) return true;
  if (a.globalEvery === undefined) return false;
  return (i + 1) % a.globalEvery === 0;
}

export interface LayerCounts {
  moe: number;
  dense: number;
  global: number;
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
