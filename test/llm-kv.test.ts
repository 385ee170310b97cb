import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { getGpu } from "../src/catalog/gpus.js";
import { kvBytesPerGpu, kvPerToken, SERVING, weightBytes } from "../src/llm/memory.js";
import { resolveModel } from "../src/llm/presets.js";
import { tinyConfig } from "./helpers.js";

const one = { tp: 1, pp: 1, ep: 1 };

describe("KV cache accounting", () => {
  it("tiny model: 4 layers x K,V x 1 head x 4 values x 2 bytes; one global layer", () => {
    const m = resolveModel(tinyConfig).spec!;
    const k = kvPerToken(m, "bf16", one);
    expect(k.allLayers).toBe(64);
    expect(k.globalPerGpu).toBe(16);
    expect(k.chunkedLayersPerGpu).toBe(3);
    expect(kvPerToken(m, "fp8", one).allLayers).toBe(32);
  });

  it("a chunked layer never holds more than its window plus the prefill chunk", () => {
    const m = resolveModel(tinyConfig).spec!;
    const window = 8 + SERVING.maxNumBatchedTokens;
    expect(kvBytesPerGpu(m, "bf16", one, 20000)).toBe(20000 * 16 + 3 * 16 * window);
    expect(kvBytesPerGpu(m, "bf16", one, 20000, 1, false)).toBe(20000 * 64);
    // Below the window both accountings agree.
    expect(kvBytesPerGpu(m, "bf16", one, 100)).toBe(100 * 64);
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e7 }), (ctx) => {
      const hybrid = kvBytesPerGpu(m, "bf16", one, ctx);
      expect(hybrid).toBeLessThanOrEqual(kvBytesPerGpu(m, "bf16", one, ctx, 1, false));
      expect(hybrid).toBeGreaterThanOrEqual(ctx * 16);
    }));
  });

  it("Llama 4: 196,608 B per token all layers in bf16; one KV head per GPU at tp 8", () => {
    const m = resolveModel("llama4-scout-17b-16e").spec!;
    const k = kvPerToken(m, "bf16", { tp: 8, pp: 1, ep: 1 });
    expect(k.allLayers).toBe(48 * 2 * 8 * 128 * 2);
    expect(k.allLayersPerGpu).toBe(48 * 2 * 128 * 2);
    expect(k.globalPerGpu).toBe(12 * 2 * 128 * 2);
    // tp 16 > 8 KV heads: each rank still holds one head.
    expect(kvPerToken(m, "bf16", { tp: 16, pp: 1, ep: 1 }).allLayersPerGpu).toBe(48 * 2 * 128 * 2);
  });

  it("MLA keeps one latent per token and layer, replicated over tp", () => {
    const m = resolveModel("deepseek-v3").spec!;
    expect(kvPerToken(m, "bf16", { tp: 8, pp: 1, ep: 1 }).allLayersPerGpu).toBe(61 * (512 + 64) * 2);
  });

  it("Maverick FP8 keeps attention, shared and dense FFN, embeddings and vision in bf16", () => {
    const m = resolveModel("llama4-maverick-17b-128e").spec!;
    const w = weightBytes(m, "fp8");
    expect(w.byGroup.routedExperts).toBeCloseTo(386.5e9, -8);
    expect(w.byGroup.attention).toBe(2 * 3019898880);
    expect(w.total / 1e9).toBeGreaterThan(410);
    expect(w.total / 1e9).toBeLessThan(420);
    // Weights per GPU add up over the 8 ranks (only norms and router are replicated).
    const per = weightBytes(m, "fp8", { tp: 8, pp: 1, ep: 1 }).perGpu;
    expect(per * 8).toBeGreaterThan(w.total);
    expect(per * 8).toBeLessThan(w.total * 1.001);
    // Expert parallelism places the same bytes when 128 experts divide evenly.
    expect(weightBytes(m, "fp8", { tp: 8, pp: 1, ep: 8 }).perGpu).toBeCloseTo(per, -3);
    expect(getGpu("h100-sxm-80gb").hbmBytes).toBeGreaterThan(per);
  });
});
