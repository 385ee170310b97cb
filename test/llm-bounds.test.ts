/** Issue items 4, 8, 13, 14 (llm part): flag bounds, MoE cross-checks, output files, flag spellings. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assertFinite, assertFiniteText } from "../src/llm/bounds.js";
import { checkParallelism, validTensorParallel } from "../src/llm/fit.js";
import { listLlmPresets, resolveModel } from "../src/llm/presets.js";
import { UserError } from "../src/spec/errors.js";
import { validate } from "../src/spec/load.js";
import { MoeTransformerModel } from "../src/spec/moe-transformer.js";
import { ROOT, expectNoBadNumbers, expectUserError, strata } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "strata-llm-bounds-"));
const write = (name: string, value: unknown): string => {
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(value));
  return f;
};
const fixture = (n: string): string => `${ROOT}test/fixtures/llm/${n}`;
const mixtral = (): Record<string, unknown> => JSON.parse(readFileSync(fixture("mixtral-config.json"), "utf8"));

describe("item 4: llm train flag bounds (no NaN / Infinity)", () => {
  const train = (...a: string[]) => strata(["llm", "train", "--model", "llama4-maverick-17b-128e", ...a]);

  it("rejects --tokens 1e300, --mfu 1e-300 and --days 1e-300 naming the flag, the range and the value", () => {
    expectUserError(train("--tokens", "1e300", "--json"), "--tokens", "1e16", '"1e300"');
    expectUserError(train("--mfu", "1e-300"), "--mfu", "0.01 to 1", '"1e-300"');
    expectUserError(train("--days", "1e-300", "--json"), "--days", "0.01", '"1e-300"');
    expectUserError(train("--gpu-hours", "1e-300"), "--gpu-hours");
    expectUserError(train("--count", "1e12"), "--count", "1e7");
  });

  it("a --days target that needs more than 1e7 GPUs is refused; the extremes allowed stay finite", () => {
    expectUserError(train("--days", "0.01", "--tokens", "1e16", "--mfu", "0.01"), "--days", "10,000,000 GPUs");
    for (const args of [["--tokens", "1e16", "--mfu", "0.01", "--count", "1"], ["--tokens", "1", "--mfu", "1", "--count", "10000000", "--gpu-hours", "1"], ["--days", "36500", "--tokens", "1"]]) {
      const j = train(...args, "--json");
      expect(j.code, j.stderr).toBe(0);
      expectNoBadNumbers(j.stdout);
      expect(() => assertFinite(JSON.parse(j.stdout))).not.toThrow();
      const t = train(...args);
      expect(t.code).toBe(0);
      expectNoBadNumbers(t.stdout);
    }
  });

  it("the output guards catch a missing bound", () => {
    expect(() => assertFinite({ a: [1, { b: Number.NaN }] })).toThrow(/output\.a\[1\]\.b is NaN/);
    expect(() => assertFinite({ a: 1, b: [2, "x"] })).not.toThrow();
    expect(() => assertFiniteText("1.5 days on Infinity GPUs")).toThrow(/Infinity/);
  });
});

describe("item 8: MoE cross-field checks (schema superRefine), parallelism and context limits", () => {
  const base = (): MoeTransformerModel => structuredClone(resolveModel("mixtral-8x7b").spec!);
  const fails = (spec: unknown, ...parts: string[]): void => {
    try {
      validate(MoeTransformerModel, spec, "m.json", "MoE transformer model");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      for (const p of parts) expect((err as Error).message).toContain(p);
    }
  };

  it("presets pass the cross-checks", () => {
    for (const p of listLlmPresets()) if (p.spec) expect(MoeTransformerModel.safeParse(p.spec).success, p.id).toBe(true);
  });

  it("topK above the experts, KV heads above or not dividing the query heads, MoE layers out of range are refused with field paths", () => {
    const a = base();
    a.moe.topK = 500;
    fails(a, "at moe.topK: expected at most moe.experts (8)", "found 500");
    const b = base();
    b.attention.kvHeads = 64;
    fails(b, "at attention.kvHeads: expected at most attention.heads (32)", "found 64");
    const c = base();
    c.attention.kvHeads = 6;
    fails(c, "at attention.heads: expected a multiple of attention.kvHeads (6)", "found 32");
    const d = base();
    d.moe.layers = [0, 31, 32];
    fails(d, "at moe.layers[2]: expected a layer index from 0 to 31", "found 32");
    const e = base();
    e.moe.firstDense = 32;
    fails(e, "at moe.firstDense");
    const f = base();
    f.attention.layerTypes = ["global", "chunked"];
    fails(f, "at attention.layerTypes: expected 32 entries", "at attention.chunkSize");
  });

  it("imported HF configs and workload files are checked too (llm import / --model)", () => {
    const c = mixtral();
    c.num_experts_per_tok = 500;
    c.num_local_experts = 128;
    const f = write("topk.json", c);
    expect(() => resolveModel(f)).toThrow(/topk\.json: invalid MoE model imported[\s\S]*moe\.topK: expected at most moe\.experts \(128\)[\s\S]*found 500/);
    expectUserError(strata(["llm", "import", f]), "topk.json", "moe.topK", "found 500");
    const k = mixtral();
    k.num_key_value_heads = 48;
    expectUserError(strata(["llm", "fit", "--model", write("kv.json", k)]), "attention.kvHeads", "found 48");
    const w = write("w.json", { name: "w", model: { ...base(), moe: { ...base().moe, layers: [0, 40] } } });
    expectUserError(strata(["llm", "fit", "--model", w]), "w.json", "model.moe.layers[1]", "found 40");
  });

  it("tensor parallelism must divide the heads and divide or be a multiple of the KV heads (vLLM)", () => {
    const scout = resolveModel("llama4-scout-17b-16e").spec!;
    expect([1, 2, 3, 4, 5, 8, 10, 16, 20, 40].filter((tp) => validTensorParallel(scout, tp))).toEqual([1, 2, 4, 8, 40]);
    expect(() => checkParallelism(scout, { tp: 3, pp: 1, ep: 1 }, "--count")).toThrow(/--count: tensor parallel 3 cannot split the model's 40 attention heads and 8 KV heads[\s\S]*expected a tensor-parallel degree of 1, 2, 4, 8, 40/);
    expect(() => checkParallelism(scout, { tp: 8, pp: 49, ep: 1 })).toThrow(/--pp: expected at most 48/);
    expectUserError(strata(["llm", "fit", "--model", "llama4-maverick-17b-128e", "--count", "3", "--weights", "int4"]), "--count", "40 attention heads", "vLLM", "found 3");
    const huge = strata(["llm", "fit", "--model", "llama4-scout-17b-16e", "--count", "100000"]);
    expectUserError(huge, "--count", "found 100000");
    expect(huge.stdout + huge.stderr).not.toMatch(/-\d+(\.\d+)? GB/);
    expectUserError(strata(["llm", "perf", "--model", "llama4-scout-17b-16e", "--tp", "3", "--count", "3"]), "--tp", "found 3");
  });

  it("a deployment without room for KV prints 0 GB and the shortfall, never a negative size", () => {
    const r = strata(["llm", "fit", "--model", "llama4-maverick-17b-128e", "--count", "1"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/= 0 GB for KV \(short by [\d.]+ GB\)/);
    expect(r.stdout).not.toMatch(/= -/);
  });

  it("llm perf refuses prompt + output beyond the model's maximum position, at once", () => {
    const t0 = Date.now();
    expectUserError(strata(["llm", "perf", "--model", "llama4-scout-17b-16e", "--prompt", "1e12"]), "--prompt 1000000000000 + --output-tokens 256", "10,485,760 positions", "max_position_embeddings");
    expect(Date.now() - t0).toBeLessThan(15_000);
    expectUserError(strata(["llm", "perf", "--model", "mixtral-8x7b", "--prompt", "32000", "--output-tokens", "1000"]), "32,768 positions", "found 33,000");
    expectUserError(strata(["llm", "train", "--model", "mixtral-8x7b", "--tokens", "1e12", "--seq-len", "65536"]), "--seq-len", "32,768");
  });
});

describe("item 4/8: sanity bounds on the spec's sizes", () => {
  it("layers, widths, heads, experts, vocab and positions far beyond any model are refused with the field path", () => {
    const m = structuredClone(resolveModel("mixtral-8x7b").spec!) as MoeTransformerModel;
    const huge = { ...m, layers: 1e9, attention: { ...m.attention, heads: 2 ** 40 }, maxPosition: 1e12 };
    try {
      validate(MoeTransformerModel, huge, "huge.json", "MoE transformer model");
      expect.unreachable();
    } catch (err) {
      const msg = (err as Error).message;
      expect(msg).toMatch(/at layers: expected a positive integer of at most 10,000 .*; found 1000000000/);
      expect(msg).toContain("at attention.heads");
      expect(msg).toContain("at maxPosition");
    }
  });
});
