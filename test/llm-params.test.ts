import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { countParams } from "../src/llm/params.js";
import { isGlobalLayer, isMoeLayer, layerCounts } from "../src/llm/layers.js";
import { listLlmPresets, resolveModel } from "../src/llm/presets.js";
import { MoeTransformerModel } from "../src/spec/moe-transformer.js";
import { tinyConfig } from "./helpers.js";

describe("parameter counting", () => {
  it("counts a tiny Llama 4 config by hand", () => {
    // hidden 8, 4 layers (MoE: 1, 3; dense: 0, 2), 2 heads of 4, 1 KV head, vocab 10,
    // 3 experts of width 4 + 1 shared, dense width 16, untied embeddings.
    const m = resolveModel(tinyConfig).spec!;
    const p = countParams(m);
    expect(p.byGroup).toEqual({
      embeddings: 2 * 10 * 8, // 160
      attention: 4 * (8 * 8 + 8 * 4 + 8 * 4 + 8 * 8), // q, k, v, o = 768
      routedExperts: 2 * 3 * (3 * 8 * 4), // 576
      sharedExperts: 2 * (3 * 8 * 4), // 192
      denseFfn: 2 * (3 * 8 * 16), // 768
      router: 2 * 8 * 3, // 48
      norms: (2 * 4 + 1) * 8, // 72
      vision: 0,
    });
    expect(p.total).toBe(2584);
    expect(p.active).toBe(2584 - 576 + 2 * 96);
  });

  it("places MoE and global layers as transformers' Llama4TextConfig does", () => {
    const m = resolveModel("llama4-maverick-17b-128e").spec!;
    expect([0, 1, 2, 3, 47].map((i) => isMoeLayer(m, i))).toEqual([false, true, false, true, true]);
    expect([0, 1, 2, 3, 7, 47].map((i) => isGlobalLayer(m, i))).toEqual([false, false, false, true, true, true]);
    expect(layerCounts(m)).toEqual({ moe: 24, dense: 24, global: 12, chunked: 36 });
    expect(layerCounts(resolveModel("llama4-scout-17b-16e").spec!)).toEqual({ moe: 48, dense: 0, global: 12, chunked: 36 });
    expect(layerCounts(resolveModel("deepseek-v3").spec!)).toMatchObject({ moe: 58, dense: 3 });
  });

  it("matches the published totals within 1% and active counts within rounding", () => {
    for (const p of listLlmPresets().filter((x) => x.spec)) {
      const c = countParams(p.spec!);
      expect(Math.abs(c.total / p.published.totalParams! - 1), p.id).toBeLessThan(0.01);
      // Published active counts are rounded to two significant digits (17B, 37B, 3.3B); gpt-oss's leaves out the input embedding.
      const active = c.active - (p.published.activeWithoutInputEmbedding ? p.spec!.vocab * p.spec!.hidden : 0);
      expect(Math.abs(active / p.published.activeParams! - 1), p.id).toBeLessThan(0.02);
    }
  });

  it("active parameters never exceed the total, and grow with top-k", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 2 }), (experts, topK, shared) => {
      const m = MoeTransformerModel.parse({ kind: "moe-transformer", hidden: 64, layers: 4, vocab: 100, maxPosition: 128, attention: { heads: 4, kvHeads: 2, headDim: 16 }, moe: { experts, topK: Math.min(topK, experts), sharedExperts: shared, expertIntermediate: 32 } });
      const p = countParams(m);
      expect(p.active).toBeLessThanOrEqual(p.total);
      if (m.moe.topK === experts) expect(p.active).toBe(p.total);
    }));
  });
});
