import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { getGpu } from "../src/catalog/gpus.js";
import { dataPath } from "../src/catalog/data-path.js";
import { attendedPairs, attentionDecodeUs, attentionPrefillUs } from "../src/perf/attention.js";
import { gemmUs, groupedGemmUs } from "../src/perf/gemm.js";
import { llmKernelAccuracy } from "../src/llm/kernel-check.js";
import { activeExperts, expertRows, forwardGraph, forwardUs, servePerf } from "../src/llm/perf.js";
import { resolveModel } from "../src/llm/presets.js";
import { impliedMfu, peakFlops, trainFlopsPerToken, trainPlan } from "../src/llm/train.js";
import { strata } from "./helpers.js";

const h100 = getGpu("h100-sxm-80gb");
const micro = JSON.parse(readFileSync(dataPath("calibration/h100-micro.json"), "utf8")).micro.llm_bf16;

describe("LLM kernel models", () => {
  it("are within 15% of every micro.json llm_bf16 point", () => {
    for (const f of llmKernelAccuracy(h100, micro)) {
      expect(f.maxError, f.family).toBeLessThan(0.15);
      expect(f.gmae, f.family).toBeLessThan(0.06);
    }
  });

  it("chunked attention attends within chunks: linear in length, equal to causal inside one chunk", () => {
    expect(attendedPairs(4)).toBe(10);
    expect(attendedPairs(4, 0, 8)).toBe(10);
    expect(attendedPairs(8, 0, 4)).toBe(20);
    expect(attendedPairs(2, 3, 4)).toBe(4 + 1);
    expect(attendedPairs(2, 3)).toBe(2 * 3 + 3);
    fc.assert(fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 512 }), (t, past, chunk) => {
      expect(attendedPairs(t, past, chunk)).toBeLessThanOrEqual(attendedPairs(t, past));
      expect(attendedPairs(t, past, chunk)).toBeLessThanOrEqual(t * chunk);
    }));
    const global = attentionPrefillUs(h100, 1, 40, 128, 65536, "bf16");
    const chunked = attentionPrefillUs(h100, 1, 40, 128, 65536, "bf16", 0, 8192);
    expect(global / chunked).toBeGreaterThan(6);
  });

  it("decode attention and grouped GEMMs scale with bytes and skip idle experts", () => {
    expect(attentionDecodeUs(h100, 2, 1e7, 512)).toBeGreaterThan(attentionDecodeUs(h100, 1, 1e7, 512) * 1.9);
    expect(groupedGemmUs(h100, [1, 0, 0, 0], 2048, 5120, "bf16")).toBeCloseTo(gemmUs(h100, 1, 2048, 5120, 1, "bf16"), 6);
    expect(groupedGemmUs(h100, [1, 1, 1, 1], 2048, 5120, "bf16")).toBeGreaterThan(3 * groupedGemmUs(h100, [4], 2048, 5120, "bf16") * 0.9);
    expect(groupedGemmUs(h100, [0, 0], 2048, 5120, "bf16")).toBe(0);
    // int4 weights stream a quarter of the bytes of bf16 at M = 1.
    expect(groupedGemmUs(h100, [1], 16384, 5120, "bf16", 0.5)).toBeLessThan(0.4 * groupedGemmUs(h100, [1], 16384, 5120, "bf16"));
  });

  it("routing: a decode token touches one expert; large batches touch all; EP adds imbalance", () => {
    expect(activeExperts(128, 1)).toBeCloseTo(1, 6);
    expect(activeExperts(16, 10000)).toBeCloseTo(16, 3);
    expect(expertRows(128, 1, 1, 1)).toEqual([1]);
    const ep = expertRows(128, 1, 8192, 8);
    expect(ep.reduce((a, b) => a + b, 0)).toBeGreaterThan(8192 / 8);
  });
});

describe("serving perf", () => {
  const mav = resolveModel("llama4-maverick-17b-128e").spec!;
  const base = { weights: "fp8" as const, kv: "bf16" as const, par: { tp: 8, pp: 1, ep: 1 }, batch: 1, prompt: 2048, output: 128 };
  it("decode is memory bound: bigger batches raise throughput; longer contexts slow steps", () => {
    const b1 = servePerf(mav, h100, base);
    const b64 = servePerf(mav, h100, { ...base, batch: 64 });
    expect(b64.decode.tokensPerSec).toBeGreaterThan(10 * b1.decode.tokensPerSec);
    expect(b64.decode.us).toBeGreaterThan(b1.decode.us);
    const long = servePerf(mav, h100, { ...base, prompt: 200000 });
    expect(long.decode.us).toBeGreaterThan(b1.decode.us);
    expect(long.prefill.byComponent.attention).toBeGreaterThan(b1.prefill.byComponent.attention * 50);
    expect(b1.requestUs).toBeCloseTo(b1.prefill.us + 128 * b1.decode.us, 3);
  });

  it("expert parallelism adds all-to-all; tp 1 has no all-reduce", () => {
    const ep = servePerf(mav, h100, { ...base, par: { tp: 8, pp: 1, ep: 8 }, batch: 32 });
    expect(ep.decode.byComponent["all-to-all"]).toBeGreaterThan(0);
    const scout = resolveModel("llama4-scout-17b-16e").spec!;
    const one = servePerf(scout, h100, { ...base, weights: "int4", par: { tp: 1, pp: 1, ep: 1 } });
    expect(one.decode.byComponent["all-reduce"]).toBe(0);
  });

  it("the step is a simulated graph: CUDA graphs run its kernels back to back; eager launches pay the host per kernel", () => {
    const kernelsOf = (gpu: typeof h100) =>
      forwardGraph(mav, gpu, base, 1, 2048, true).ops.flatMap((op) => op.launches).flatMap((l) => (l.kind === "kernel" ? [l.kernel] : []));
    const kernels = kernelsOf(h100);
    const sum = kernels.reduce((s, k) => s + k.durationUs, 0);
    const graphed = forwardUs(mav, h100, base, 1, 2048, true);
    expect(graphed.us).toBeCloseTo(sum, 6);
    expect(Object.values(graphed.byComponent).reduce((s, x) => s + x, 0)).toBeCloseTo(sum, 6);
    expect(servePerf(mav, h100, base).decode.us).toBeCloseTo(forwardUs(mav, h100, base, 1, 2048 + 64, true).us, 9);
    // H100's 5 us launches hide behind most decode kernels: eager is slower, by less than kernels x launch.
    const eager = forwardUs(mav, h100, { ...base, launch: "eager" }, 1, 2048, true);
    expect(eager.us).toBeGreaterThan(graphed.us);
    expect(eager.us).toBeLessThan(graphed.us + kernels.length * h100.launchOverheadUs);
    expect(eager.byComponent).toEqual(graphed.byComponent);
    // A host slower than any kernel is the bottleneck: the step is every launch plus the last kernel.
    const slowHost = { ...h100, launchOverheadUs: 200 };
    const slowKernels = kernelsOf(slowHost);
    expect(Math.max(...slowKernels.map((k) => k.durationUs))).toBeLessThan(200);
    const hostBound = forwardUs(mav, slowHost, { ...base, launch: "eager" }, 1, 2048, true);
    expect(hostBound.us).toBeCloseTo(slowKernels.length * 200 + slowKernels.at(-1)!.durationUs, 6);
    expect(hostBound.us - forwardUs(mav, slowHost, base, 1, 2048, true).us).toBeGreaterThan(0.9 * slowKernels.length * 200);
  });

  it("CLI: llm perf --json", () => {
    const r = strata(["llm", "perf", "--model", "llama4-scout-17b-16e", "--count", "8", "--batch", "4", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.decode.tokensPerSec).toBeGreaterThan(0);
    expect(j.prefill.latencyMs).toBeGreaterThan(0);
  });
});

describe("training", () => {
  it("6N + attention, time and the reverse (implied MFU) agree", () => {
    const m = resolveModel("llama4-scout-17b-16e").spec!;
    const f = trainFlopsPerToken(m, 8192);
    expect(f.dense).toBeCloseTo(6 * f.activeMatmulParams, 0);
    expect(f.attention).toBeGreaterThan(0);
    const plan = trainPlan(m, h100, { tokens: 40e12, seqLen: 8192, mfu: 0.3, gpus: 10000, precision: "bf16" });
    expect(impliedMfu(f.total, 40e12, plan.gpuHours, peakFlops(h100, "bf16"))).toBeCloseTo(0.3, 6);
    expect(plan.days).toBeCloseTo(plan.gpuHours / 10000 / 24, 6);
    // Longer sequences cost more attention in global layers only.
    expect(trainFlopsPerToken(m, 65536).attention).toBeGreaterThan(f.attention * 2);
  });

  it("CLI: implied MFU for Scout and Maverick from published GPU-hours; Behemoth from its published figures", () => {
    const s = JSON.parse(strata(["llm", "train", "--model", "llama4-scout-17b-16e", "--json"]).stdout);
    expect(s.impliedMfu.bf16).toBeGreaterThan(0.15);
    expect(s.impliedMfu.bf16).toBeLessThan(0.5);
    const b = strata(["llm", "train", "--model", "llama4-behemoth", "--json"]);
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout).mfuOfPublishedFlops.fp8).toBeCloseTo(390e12 / 1978.9e12, 3);
    expect(strata(["llm", "train", "--model", "llama4-scout-17b-16e", "--mfu", "2"]).code).toBe(2);
  });

  it("CLI: llm info shows sources, licence and provider limits", () => {
    const r = strata(["llm", "info", "llama4-maverick-17b-128e"]);
    expect(r.code).toBe(0);
    for (const s of ["700 million", "Built with Llama", "begin", "Amazon Bedrock", "MMLU Pro", "modules_to_not_convert", "36 layers chunked"]) expect(r.stdout).toContain(s);
    expect(strata(["llm", "info"]).stdout).toContain("llama4-behemoth");
  });
});
