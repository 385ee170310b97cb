import { describe, expect, it } from "vitest";
import { getGpu } from "../src/catalog/gpus.js";
import { contextFor, fitModel } from "../src/llm/fit.js";
import { resolveModel } from "../src/llm/presets.js";
import { UserError } from "../src/spec/errors.js";
import { strata } from "./helpers.js";

const h100 = getGpu("h100-sxm-80gb");
const spec = (id: string) => resolveModel(id).spec!;

describe("fit and max context", () => {
  it("reproduces the published deployments", () => {
    const mav = fitModel(spec("llama4-maverick-17b-128e"), h100, { weights: "fp8", kv: "bf16", count: 8 });
    expect(mav.fits).toBe(true);
    expect(Math.abs(mav.maxContextTokens / 430_000 - 1)).toBeLessThan(0.15);
    const scout = fitModel(spec("llama4-scout-17b-16e"), h100, { weights: "bf16", kv: "bf16", count: 8 });
    expect(scout.maxContextTokens).toBeGreaterThanOrEqual(1_000_000);
    expect(scout.maxContextTokensHybrid).toBeGreaterThan(scout.maxContextTokens * 3);
    expect(fitModel(spec("llama4-scout-17b-16e"), h100, { weights: "int4", kv: "bf16", count: 1 }).fits).toBe(true);
    expect(fitModel(spec("llama4-maverick-17b-128e"), h100, { weights: "bf16", kv: "bf16", count: 1 }).fits).toBe(false);
    expect(fitModel(spec("llama4-scout-17b-16e"), h100, { weights: "bf16", kv: "bf16", count: 1 }).fits).toBe(false);
  });

  it("caps both figures at the model's maximum position", () => {
    const r = fitModel(spec("llama4-maverick-17b-128e"), getGpu("h200-sxm-141gb"), { weights: "fp8", kv: "bf16", count: 8 });
    expect(r.maxContextTokens).toBe(1_048_576);
    expect(r.maxContextTokensHybrid).toBe(1_048_576);
    expect(r.detail.uncappedContextTokens).toBeGreaterThan(1_048_576);
  });

  it("edge cases: no room gives 0, fp8 KV doubles the context, batches split it", () => {
    const none = fitModel(spec("llama4-maverick-17b-128e"), h100, { weights: "bf16", kv: "bf16", count: 1 });
    expect(none.maxContextTokens).toBe(0);
    expect(none.maxContextTokensHybrid).toBe(0);
    const m = spec("llama4-scout-17b-16e");
    const bf = fitModel(m, h100, { weights: "bf16", kv: "bf16", count: 8 });
    const f8 = fitModel(m, h100, { weights: "bf16", kv: "fp8", count: 8 });
    expect(f8.maxContextTokens / bf.maxContextTokens).toBeCloseTo(2, 3);
    const b8 = fitModel(m, h100, { weights: "bf16", kv: "bf16", count: 8, batch: 8 });
    expect(b8.maxContextTokens).toBe(Math.floor(bf.detail.freeForKvBytesPerGpu / 8 / bf.detail.kvBytesPerTokenPerGpu));
    expect(contextFor(1000, 10, 2, 8, 50)).toEqual({ full: 100, hybrid: 300 });
    expect(contextFor(-5, 10, 2, 8, 50)).toEqual({ full: 0, hybrid: 0 });
    expect(contextFor(400, 10, 2, 8, 50)).toEqual({ full: 40, hybrid: 40 });
  });

  it("rejects impossible parallelism with a clear error", () => {
    expect(() => fitModel(spec("llama4-scout-17b-16e"), h100, { weights: "bf16", kv: "bf16", count: 8, tp: 3 })).toThrow(UserError);
    expect(() => fitModel(spec("llama4-scout-17b-16e"), h100, { weights: "bf16", kv: "bf16", count: 8, ep: 3 })).toThrow(/--ep/);
  });

  it("CLI contract: llm fit --json prints exactly the contract fields", () => {
    const r = strata(["llm", "fit", "--model", "llama4-maverick-17b-128e", "--gpu", "h100-sxm-80gb", "--count", "8", "--weights", "fp8", "--kv", "bf16", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j).sort()).toEqual(["fits", "kvBytesPerToken", "maxContextTokens", "maxContextTokensHybrid", "params", "weightsBytes"]);
    expect(Object.keys(j.params).sort()).toEqual(["active", "total"]);
    expect(j.kvBytesPerToken).toBe(196608);
  });

  it("CLI: llm fit --json --detail adds the per-GPU memory, and only then", () => {
    const r = strata(["llm", "fit", "--model", "llama4-maverick-17b-128e", "--gpu", "h100-sxm-80gb", "--count", "8", "--weights", "fp8", "--kv", "bf16", "--json", "--detail"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j).sort()).toEqual(["detail", "fits", "kvBytesPerToken", "maxContextTokens", "maxContextTokensHybrid", "params", "weightsBytes"]);
    const d = j.detail;
    expect(d.parallelism).toEqual({ tp: 8, pp: 1, ep: 1 });
    for (const k of ["activations", "sampler", "ropeCache", "engine", "total"]) expect(Number.isInteger(d.reserve[k])).toBe(true);
    // Per GPU, usable memory = weights + runtime reserve + what is left for KV (whole bytes, so within rounding).
    expect(Math.abs(d.usableBytesPerGpu - (d.weightsBytesPerGpu + d.reserve.total + d.freeForKvBytesPerGpu))).toBeLessThanOrEqual(2);
    expect(d.weightsBytesPerGpu * 8).toBeGreaterThanOrEqual(j.weightsBytes * 0.99);
  });

  it("CLI: bad flags and partial presets exit 2 with a message", () => {
    const bad = strata(["llm", "fit", "--model", "llama4-scout-17b-16e", "--weights", "fp3", "--json"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--weights");
    const partial = strata(["llm", "fit", "--model", "llama4-behemoth", "--json"]);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain("partly published");
    const unknown = strata(["llm", "fit", "--model", "nope-7b", "--json"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown model");
  });
});

describe("fit properties", () => {
  it("more GPUs, smaller weights or KV, lower batch never shrink the context; hybrid >= full", async () => {
    const fc = (await import("fast-check")).default;
    const ids = ["llama4-scout-17b-16e", "llama4-maverick-17b-128e", "mixtral-8x7b", "qwen3-30b-a3b", "deepseek-v3"];
    const order = ["int4", "fp8", "bf16"] as const;
    fc.assert(fc.property(fc.constantFrom(...ids), fc.constantFrom(1, 2, 4, 8), fc.integer({ min: 0, max: 2 }), fc.constantFrom("bf16", "fp8"), fc.integer({ min: 1, max: 64 }), (id, count, wi, kv, batch) => {
      const m = spec(id);
      const w = order[wi]!;
      const r = fitModel(m, h100, { weights: w, kv: kv as "bf16" | "fp8", count, batch });
      expect(r.maxContextTokensHybrid).toBeGreaterThanOrEqual(r.maxContextTokens);
      expect(r.maxContextTokens).toBeLessThanOrEqual(m.maxPosition);
      // Doubling tp halves KV per GPU only while each rank still has its own KV heads (MLA and tp > KV heads replicate).
      if (!m.attention.mla && count * 2 <= m.attention.kvHeads) expect(fitModel(m, h100, { weights: w, kv: kv as "bf16" | "fp8", count: count * 2, batch }).maxContextTokens).toBeGreaterThanOrEqual(r.maxContextTokens);
      if (wi > 0) expect(fitModel(m, h100, { weights: order[wi - 1]!, kv: kv as "bf16" | "fp8", count, batch }).maxContextTokens).toBeGreaterThanOrEqual(r.maxContextTokens);
      expect(fitModel(m, h100, { weights: w, kv: "fp8", count, batch }).maxContextTokens).toBeGreaterThanOrEqual(r.maxContextTokens);
      expect(fitModel(m, h100, { weights: w, kv: kv as "bf16" | "fp8", count, batch: batch + 1 }).maxContextTokens).toBeLessThanOrEqual(r.maxContextTokens);
    }), { numRuns: 200 });
  });
});

describe("llm context", () => {
  it("splits the cache over a batch, hybrid never below full", () => {
    const r = strata(["llm", "context", "--model", "llama4-scout-17b-16e", "--count", "8", "--batch", "1,16", "--json"]);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout).rows as Array<{ batch: number; maxContextTokens: number; maxContextTokensHybrid: number }>;
    expect(rows.map((x) => x.batch)).toEqual([1, 16]);
    expect(rows[1]!.maxContextTokens).toBeLessThan(rows[0]!.maxContextTokens / 15);
    for (const x of rows) expect(x.maxContextTokensHybrid).toBeGreaterThanOrEqual(x.maxContextTokens);
  });
});
