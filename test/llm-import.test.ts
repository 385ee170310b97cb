import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importHfConfig } from "../src/llm/hf-import.js";
import { countParams } from "../src/llm/params.js";
import { resolveModel } from "../src/llm/presets.js";
import { UserError } from "../src/spec/errors.js";
import { loadWorkload } from "../src/spec/load.js";
import { ROOT, strata } from "./helpers.js";

const fixture = (n: string): string => `${ROOT}test/fixtures/llm/${n}`;
const dir = mkdtempSync(join(tmpdir(), "strata-llm-"));
const write = (name: string, value: unknown): string => {
  const f = join(dir, name);
  writeFileSync(f, typeof value === "string" ? value : JSON.stringify(value));
  return f;
};

describe("Hugging Face config importer", () => {
  it("imports Llama 4 Scout (text_config + vision_config) to the preset's spec", () => {
    const imported = resolveModel(fixture("llama4-scout-config.json")).spec!;
    const preset = resolveModel("llama4-scout-17b-16e").spec!;
    expect(countParams(imported)).toEqual(countParams(preset));
    expect(imported.attention).toMatchObject({ chunkSize: 8192, globalEvery: 4, kvHeads: 8 });
  });

  it("imports Mixtral and DeepSeek-V3 with the presets' counts", () => {
    expect(countParams(resolveModel(fixture("mixtral-config.json")).spec!).total).toBe(countParams(resolveModel("mixtral-8x7b").spec!).total);
    const ds = resolveModel(fixture("deepseek-v3-config.json")).spec!;
    expect(ds.attention.mla?.kvLoraRank).toBe(512);
    expect(countParams(ds).total).toBe(countParams(resolveModel("deepseek-v3").spec!).total);
  });

  it("malformed configs give a clear error naming the file and field", () => {
    const missing = write("missing.json", { model_type: "mixtral", hidden_size: 4096, num_hidden_layers: 2, num_attention_heads: 32, num_local_experts: 8, num_experts_per_tok: 2, vocab_size: 100 });
    expect(() => importHfConfig(JSON.parse(JSON.stringify({ model_type: "mixtral", hidden_size: 4096 })), "x.json")).toThrow(UserError);
    try {
      resolveModel(missing);
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toContain("missing.json");
      expect((err as Error).message).toMatch(/intermediate_size|max_position_embeddings/);
      expect((err as Error).message).toContain("found nothing");
    }
    const wrong = write("wrong.json", { model_type: "llama4", text_config: { hidden_size: "big" } });
    expect(() => resolveModel(wrong)).toThrow(/text_config\.hidden_size: expected a positive integer, found "big"/);
    const dense = write("dense.json", { model_type: "llama", hidden_size: 8 });
    expect(() => resolveModel(dense)).toThrow(/model_type: expected one of/);
    const notMoe = write("notmoe.json", { architectures: ["X"], hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 1 });
    expect(() => resolveModel(notMoe)).toThrow(/not a mixture-of-experts config/);
    expect(() => resolveModel(write("broken.json", "{ not json"))).toThrow(/broken\.json: not valid JSON/);
  });

  it("strata llm import writes a workload that loads and fits", () => {
    const out = join(dir, "scout.json");
    const r = strata(["llm", "import", fixture("llama4-scout-config.json"), "-o", out, "--name", "scout"]);
    expect(r.code).toBe(0);
    expect(loadWorkload(out).model.kind).toBe("moe-transformer");
    const fit = strata(["llm", "fit", "--model", out, "--count", "8", "--json"]);
    expect(fit.code).toBe(0);
    expect(JSON.parse(fit.stdout).params.total).toBe(countParams(resolveModel("llama4-scout-17b-16e").spec!).total);
    const bad = strata(["llm", "import", write("bad.json", { model_type: "mixtral" })]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("hidden_size");
  });
});

describe("quantisation config", () => {
  it("reads which modules an FP8 checkpoint keeps in bf16 (Maverick FP8 layout) and matches the preset's weights", async () => {
    const { weightBytes } = await import("../src/llm/memory.js");
    const imported = resolveModel(fixture("llama4-maverick-fp8-config.json")).spec!;
    expect(new Set(imported.keepBf16.fp8)).toEqual(new Set(["embeddings", "norms", "attention", "denseFfn", "sharedExperts", "router", "vision"]));
    expect(weightBytes(imported, "fp8").total).toBe(weightBytes(resolveModel("llama4-maverick-17b-128e").spec!, "fp8").total);
  });

  it("rejects a malformed modules_to_not_convert", () => {
    const f = write("q.json", { model_type: "mixtral", hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2, num_attention_heads: 4, num_local_experts: 4, num_experts_per_tok: 2, vocab_size: 100, max_position_embeddings: 512, quantization_config: { quant_method: "fp8", modules_to_not_convert: "lm_head" } });
    expect(() => resolveModel(f)).toThrow(/quantization_config\.modules_to_not_convert: expected a list/);
  });
});

describe("Qwen MoE configs", () => {
  it("imports Qwen3-MoE (num_experts, moe_intermediate_size) to the preset's counts", () => {
    const f = write("qwen3.json", { architectures: ["Qwen3MoeForCausalLM"], model_type: "qwen3_moe", hidden_size: 2048, intermediate_size: 6144, moe_intermediate_size: 768, num_hidden_layers: 48, num_attention_heads: 32, num_key_value_heads: 4, head_dim: 128, num_experts: 128, num_experts_per_tok: 8, decoder_sparse_step: 1, mlp_only_layers: [], vocab_size: 151936, max_position_embeddings: 40960, tie_word_embeddings: false });
    expect(countParams(resolveModel(f).spec!)).toEqual(countParams(resolveModel("qwen3-30b-a3b").spec!));
  });

  it("CLI: llm train --days prints the GPUs needed", () => {
    const r = JSON.parse(strata(["llm", "train", "--model", "llama4-maverick-17b-128e", "--days", "30", "--mfu", "0.3", "--json"]).stdout);
    expect(r.days).toBeLessThanOrEqual(30);
    expect(r.days).toBeGreaterThan(29);
  });
});

describe("Llama 4 layer pattern", () => {
  it("an explicit no_rope_layers list overrides the interval; a wrong length is named", async () => {
    const { layerCounts } = await import("../src/llm/layers.js");
    const base = JSON.parse(readFileSync(fixture("tiny-llama4-config.json"), "utf8"));
    base.text_config.no_rope_layers = [1, 0, 1, 0];
    expect(layerCounts(resolveModel(write("nrl.json", base)).spec!)).toMatchObject({ global: 2, chunked: 2 });
    base.text_config.no_rope_layers = [1, 0];
    expect(() => resolveModel(write("nrl-bad.json", base))).toThrow(/text_config\.no_rope_layers: expected 4 entries/);
  });
});
