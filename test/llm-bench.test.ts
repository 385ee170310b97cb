import { describe, expect, it } from "vitest";
import { getGpu } from "../src/catalog/gpus.js";
import { attendedPairs } from "../src/perf/attention.js";
import { benchJson, runBench } from "../src/llm/bench.js";
import { engineMemory, maxConcurrency, vllmKvReport } from "../src/llm/engine-memory.js";
import { getEngine, limitsFor, listEngines, sglangCaptureSizes, trtllmBenchLimits, vllmCaptureSizes, type EngineProfile } from "../src/llm/engines.js";
import { GIB, kvPerToken, weightBytes } from "../src/llm/memory.js";
import { countParams } from "../src/llm/params.js";
import { StepModel, decodeBatch, servePerf, type StepBatch } from "../src/llm/perf.js";
import { resolveModel } from "../src/llm/presets.js";
import { simulateRun, type RunEngine } from "../src/llm/serve-sim.js";
import { expectNoBadNumbers, expectUserError, strata } from "./helpers.js";

const h100 = getGpu("h100-sxm-80gb");
const spec = (id: string) => resolveModel(id).spec!;

/** An engine profile with the host and graphs switched off, for hand-computed runs. */
function bareEngine(id: "trtllm" | "vllm" | "sglang", overlap = false): EngineProfile {
  const e = structuredClone(getEngine(id));
  e.host = { stepUs: 0, perRequestUs: 0, overlap, exposedUs: 0 };
  return e;
}

/** Every step takes 10 ms whatever it runs: the schedule alone decides the timings. */
const constantStep = { stepUs: (_: StepBatch) => 10_000 };
const engine = (profile: EngineProfile, tokenBudget: number): RunEngine => ({
  profile, limits: { maxSeqs: 16, tokenBudget, graphSizes: [], rule: "test" }, kvTokensPerRank: 1 << 20, ranks: 1, graphed: constantStep, eager: constantStep,
});

describe("the run simulator's schedulers (two requests of 4 in, 3 out, 10 ms steps)", () => {
  const m = spec("mixtral-8x7b");
  const two = { input: 4, output: 3, requests: 2 };

  it("TensorRT-LLM, budget 6 without chunking: B's context waits a step; A decodes beside it", () => {
    const r = simulateRun(m, engine(bareEngine("trtllm"), 6), two);
    // Step 1: A's context (4); B's 4 do not fit the 2 left. Step 2: A decodes, B's context. Step 3: both decode (A done). Step 4: B done.
    expect(r.steps).toBe(4);
    expect(r.durationS).toBeCloseTo(0.04, 9);
    expect(r.ttft.meanMs).toBeCloseTo(15, 9); // (10 + 20) / 2
    expect(r.tpot.meanMs).toBeCloseTo(10, 9); // (30 - 10) / 2 and (40 - 20) / 2
    expect(r.e2e.meanMs).toBeCloseTo(35, 9);
    expect(r.outputTokensPerSec).toBeCloseTo(6 / 0.04, 6);
    expect(r.totalTokensPerSec).toBeCloseTo(14 / 0.04, 6);
    expect(r.requestsPerSec).toBeCloseTo(2 / 0.04, 6);
  });

  it("vLLM, budget 6 with chunked prefill: B's prompt is split over the first two steps", () => {
    const r = simulateRun(m, engine(bareEngine("vllm"), 6), two);
    // Step 1: A 4 + B 2. Step 2: A decodes, B's last 2 (first token). Step 3: both decode, A done. Step 4: B done.
    expect(r.steps).toBe(4);
    expect(r.ttft.meanMs).toBeCloseTo(15, 9);
    expect(r.durationS).toBeCloseTo(0.04, 9);
  });

  it("SGLang: both prompts in one prefill batch, then decode steps; host work hides behind the GPU with the overlap scheduler", () => {
    const r = simulateRun(m, engine(bareEngine("sglang"), 8192), two);
    expect(r.steps).toBe(3);
    expect(r.ttft.meanMs).toBeCloseTo(10, 9);
    expect(r.tpot.meanMs).toBeCloseTo(10, 9);
    const host = (overlap: boolean) => {
      const e = bareEngine("sglang", overlap);
      e.host = { ...e.host, stepUs: 4000 };
      return simulateRun(m, engine(e, 8192), two).durationS;
    };
    expect(host(false)).toBeCloseTo(0.042, 9); // 3 x (10 + 4) ms
    expect(host(true)).toBeCloseTo(0.03, 9); // the 4 ms run under each 10 ms step
  });

  it("a concurrency cap sends the next request when one completes; fixed-length waves keep TPOT at the step", () => {
    const r = simulateRun(m, engine(bareEngine("trtllm"), 64), { input: 4, output: 3, requests: 4, concurrency: 2 });
    // Two waves of two requests, 3 steps each.
    expect(r.steps).toBe(6);
    expect(r.durationS).toBeCloseTo(0.06, 9);
    expect(r.tpot.meanMs).toBeCloseTo(10, 9);
    expect(r.peakRunning).toBe(2);
  });

  it("vLLM preempts the newest request when the KV blocks run out, and recomputes it", () => {
    const e = engine(bareEngine("vllm"), 64);
    // 3 blocks of 16 tokens: two requests of 20 tokens need 2 blocks each by the end.
    const r = simulateRun(m, { ...e, kvTokensPerRank: 48 }, { input: 14, output: 6, requests: 2 });
    expect(r.preemptions).toBeGreaterThan(0);
    expect(r.outputTokens).toBe(12);
  });
});

describe("memory as the engines count it", () => {
  it("vLLM's start-up formula: blocks = available // (page x layers), tokens = blocks x 16, concurrency = blocks / blocks per request", () => {
    // Qwen2.5-7B (28 layers, 4 KV heads of 128, bf16) with 12.49 GiB available logs
    // 'GPU KV cache size: 233,888 tokens' and 'Maximum concurrency for 32,768 tokens per request: 7.14x'.
    const page = 2 * 16 * 4 * 128 * 2;
    const r = vllmKvReport(12.49 * GIB, page, 28, 16, 32768);
    expect(r.tokens).toBe(Math.floor((12.49 * GIB) / (page * 28)) * 16);
    expect(Math.abs(r.tokens / 233888 - 1)).toBeLessThan(0.001);
    expect(r.maxConcurrency.toFixed(2)).toBe("7.14");
  });

  it("engineMemory counts whole blocks of every layer's KV, and the concurrency a request length allows", () => {
    const m = spec("qwen3-30b-a3b");
    const e = getEngine("vllm");
    const x = { m, gpu: h100, tp: 1, pp: 1, weights: "bf16" as const, kv: "bf16" as const, input: 1000, output: 1000 };
    const mem = engineMemory(e, m, h100, { weights: "bf16", kv: "bf16", par: { tp: 1, pp: 1, ep: 1 }, limits: limitsFor(e, x) });
    const perToken = kvPerToken(m, "bf16").allLayersPerGpu;
    expect(mem.kvBytesPerTokenPerGpu).toBe(perToken);
    const r = vllmKvReport(mem.kvBytesPerGpu, perToken * 16 / m.layers, m.layers, 16, 2000);
    expect(mem.kvTokensPerRank).toBe(r.tokens);
    expect(maxConcurrency(mem, 2000)).toBeCloseTo(r.maxConcurrency, 9);
    expect(mem.usableBytesPerGpu).toBeCloseTo(0.9 * h100.hbmBytes * (85017493504 / 85899345920), 0);
  });

  it("trtllm-bench's heuristic: Mixtral FP8 TP2 1000/1000 gets max_batch_size 896 and max_num_tokens 2048", () => {
    const t = trtllmBenchLimits({ m: spec("mixtral-8x7b"), gpu: h100, tp: 2, pp: 1, weights: "fp8", kv: "fp8", input: 1000, output: 1000 });
    expect(t).toEqual({ maxBatchSize: 896, maxNumTokens: 2048 });
  });

  it("CUDA-graph capture sizes as vLLM and SGLang generate them", () => {
    expect(vllmCaptureSizes(512).slice(0, 5)).toEqual([1, 2, 4, 8, 16]);
    expect(vllmCaptureSizes(512).at(-1)).toBe(512);
    expect(vllmCaptureSizes(512)).toContain(272);
    expect(sglangCaptureSizes(512).slice(0, 6)).toEqual([1, 2, 4, 8, 12, 16]);
    expect(sglangCaptureSizes(512).at(-1)).toBe(512);
  });

  it("attention DP replicates attention and dense weights over the ranks; its KV heads are all on each rank", () => {
    const m = spec("llama4-maverick-17b-128e");
    const dp = weightBytes(m, "fp8", { tp: 8, pp: 1, ep: 8, dp: 8 }).perGpu;
    const g = weightBytes(m, "fp8").byGroup;
    expect(dp).toBeCloseTo(g.attention + g.denseFfn + g.sharedExperts + g.embeddings + g.vision + g.routedExperts / 8 + g.router + g.norms, 0);
    expect(kvPerToken(m, "bf16", { tp: 8, pp: 1, ep: 8, dp: 8 }).allLayersPerGpu).toBe(48 * 2 * 8 * 128 * 2);
  });

  it("a deployment that does not fit says why; the JSON still has every contract field", () => {
    const b = runBench({ model: "llama4-maverick-17b-128e", gpu: "h100-sxm-80gb", count: 2, weights: "fp8", engine: "vllm", input: 1000, output: 1000, requests: 10 });
    expect(b.fits).toBe(false);
    expect(b.reason).toMatch(/weights .* GiB .* leave no KV cache/);
    const j = benchJson(b);
    expect(j).toMatchObject({ fits: false, outputTokensPerSec: 0, maxConcurrency: 0 });
  });
});

describe("precisions and models", () => {
  it("FP4 on a GPU without FP4 tensor cores is refused, naming the GPU and where FP4 runs", () => {
    expectUserError(strata(["llm", "bench", "--model", "mixtral-8x7b", "--gpu", "h100-sxm-80gb", "--count", "2", "--weights", "fp4", "--engine", "trtllm", "--input", "100", "--output", "10", "--requests", "4", "--json"]), "--weights fp4", "h100-sxm-80gb", "no FP4 tensor cores", "b200");
    expectUserError(strata(["llm", "fit", "--model", "mixtral-8x7b", "--weights", "fp4"]), "no FP4 tensor cores");
  });

  it("FP4 on B200: NVFP4 stores 4.5 bits a weight (MXFP4 4.25) and runs on the fp4 tensor cores", () => {
    const m = spec("mixtral-8x7b");
    const fp4 = weightBytes(m, "fp4").byGroup.routedExperts;
    expect(fp4 / countParams(m).byGroup.routedExperts).toBeCloseTo(0.5625, 9);
    const oss = spec("gpt-oss-120b");
    expect(weightBytes(oss, "fp4").byGroup.routedExperts / countParams(oss).byGroup.routedExperts).toBeCloseTo(0.53125, 9);
    expect(weightBytes(oss, "fp4").byGroup.attention / countParams(oss).byGroup.attention).toBe(2);
    const b200 = getGpu("b200");
    const step = (w: "fp8" | "fp4") => new StepModel(m, b200, { weights: w, kv: "fp8", par: { tp: 1, pp: 1, ep: 1 } }).stepUs([{ ...decodeBatch(m, 256, 1000), prefill: [{ tokens: 4096, past: 0 }] }]);
    expect(step("fp4")).toBeLessThan(step("fp8"));
    const b = benchJson(runBench({ model: "gpt-oss-120b", gpu: "b200", count: 1, weights: "fp4", engine: "vllm", input: 1000, output: 100, concurrency: 4 }));
    expect(b.fits).toBe(true);
    expect(b.outputTokensPerSec).toBeGreaterThan(0);
  });

  it("the new presets' parameters match the published totals", () => {
    const total = (id: string) => countParams(spec(id)).total;
    expect(total("mixtral-8x22b") / 141e9).toBeCloseTo(1, 2);
    expect(total("qwen3-235b-a22b") / 235e9).toBeCloseTo(1, 2);
    expect(total("deepseek-r1")).toBe(total("deepseek-v3"));
    expect(total("deepseek-r1") / 671e9).toBeCloseTo(1, 2);
    // gpt-oss-120b: 116.83B with q/k/v/o, expert and router biases and attention sinks; 5.13B active without the input embedding.
    expect(total("gpt-oss-120b")).toBe(116_829_156_672);
    const oss = spec("gpt-oss-120b");
    expect((countParams(oss).active - oss.vocab * oss.hidden) / 5.13e9).toBeCloseTo(1, 2);
  });

  it("sliding-window layers attend at most the window: pairs ramp up to it, then stay flat", () => {
    expect(attendedPairs(4, 0, undefined, 128)).toBe(attendedPairs(4));
    expect(attendedPairs(1000, 0, undefined, 128)).toBe((128 * 129) / 2 + (1000 - 128) * 128);
    expect(attendedPairs(10, 500, undefined, 128)).toBe(10 * 128);
    expect(attendedPairs(10, 100, undefined, 128)).toBe(101 + 102 + 103 + 104 + 105 + 106 + 107 + 108 + 109 + 110);
    expect(attendedPairs(10, 122, undefined, 128)).toBe(123 + 124 + 125 + 126 + 127 + 5 * 128);
  });

  it("MLA decode reads the latent (kv_lora_rank + rope) per token and layer and runs the absorbed per-head GEMMs", () => {
    const m = spec("deepseek-r1");
    const sm = new StepModel(m, getGpu("h200-sxm-141gb"), { weights: "fp8", kv: "bf16", par: { tp: 8, pp: 1, ep: 1 } });
    const ks = sm.kernels([decodeBatch(m, 16, 1000)]);
    const attn = ks.find((k) => k.work.kind === "attention-decode")!.work;
    expect(attn).toMatchObject({ kvBytesPerToken: (512 + 64) * 2, kvTokens: 1001, batch: 16 });
    expect(ks.filter((k) => k.name.endsWith("w_kc (absorbed q)"))).toHaveLength(61);
    // Prefill decompresses the latent with kv_b_proj instead.
    const pre = sm.kernels([{ decodeSeqs: 0, decodeKeys: { global: 0, chunked: 0, sliding: 0 }, prefill: [{ tokens: 512, past: 0 }] }]);
    expect(pre.some((k) => k.name.endsWith("kv_b_proj"))).toBe(true);
    expect(pre.some((k) => k.name.endsWith("w_kc (absorbed q)"))).toBe(false);
  });
});

describe("the step model", () => {
  it("the fast step time equals the simulated graph, for mixed batches under CUDA graphs and eager launches", () => {
    for (const id of ["llama4-maverick-17b-128e", "deepseek-r1", "gpt-oss-120b"]) {
      const m = spec(id);
      const batch: StepBatch = [{ ...decodeBatch(m, 40, 3000), prefill: [{ tokens: 700, past: 0 }, { tokens: 300, past: 8192 }] }];
      for (const launch of ["cuda-graph", "eager"] as const) {
        const sm = new StepModel(m, h100, { weights: "fp8", kv: "bf16", par: { tp: 8, pp: 1, ep: 1 }, launch });
        expect(sm.stepUs(batch), `${id} ${launch}`).toBeCloseTo(sm.simulate(batch).us, 6);
      }
    }
  });

  it("llm bench's roofline decode step is llm perf's decode step for the same batch and context", () => {
    const b = runBench({ model: "mixtral-8x7b", gpu: "h100-sxm-80gb", count: 2, weights: "fp8", kv: "bf16", engine: "vllm", input: 512, output: 64, concurrency: 16 });
    const d = b.decodeStep!;
    const perf = servePerf(spec("mixtral-8x7b"), h100, { weights: "fp8", kv: "bf16", par: { tp: 2, pp: 1, ep: 1 }, batch: d.batch, prompt: 512, output: 64 });
    expect(d.rooflineMs).toBeCloseTo(perf.decode.us / 1000, 9);
    // The engine's kernels (fused MoE at a share of the roofline) make its step slower, never faster.
    expect(d.engineMs).toBeGreaterThanOrEqual(d.rooflineMs);
  });

  it("every engine profile names a source for each section and lists what it fitted", () => {
    for (const e of listEngines()) {
      for (const key of ["scheduler", "limits", "kvBlockTokens", "memory", "cudaGraph", "host", "kernels"]) expect(e.sources[key], `${e.id}.${key}`).toBeTruthy();
      if (e.fitted.length > 0) expect(JSON.stringify(e.sources)).toContain("FITTED");
    }
  });
});

describe("CLI: llm bench and llm sweep", () => {
  it("llm bench --json prints the contract's fields, finite", () => {
    const r = strata(["llm", "bench", "--model", "qwen3-30b-a3b", "--gpu", "h100-sxm-80gb", "--count", "1", "--weights", "fp8", "--engine", "sglang", "--input", "256", "--output", "32", "--concurrency", "4", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expectNoBadNumbers(r.stdout);
    const j = JSON.parse(r.stdout);
    for (const k of ["outputTokensPerSec", "totalTokensPerSec", "requestsPerSec", "meanTtftMs", "meanTpotMs", "maxConcurrency"]) expect(typeof j[k], k).toBe("number");
    expect(j.fits).toBe(true);
    expect(j.requests).toBe(40);
    expect(j.totalTokensPerSec).toBeGreaterThan(j.outputTokensPerSec);
  });

  it("llm bench text prints vLLM's KV lines; bad flags exit 2 naming the flag", () => {
    const r = strata(["llm", "bench", "--model", "qwen3-30b-a3b", "--count", "1", "--engine", "vllm", "--input", "128", "--output", "16", "--requests", "8"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/GPU KV cache size: [\d,]+ tokens/);
    expect(r.stdout).toMatch(/Maximum concurrency for 144 tokens per request: [\d.]+x/);
    expectUserError(strata(["llm", "bench", "--model", "qwen3-30b-a3b", "--engine", "tgi", "--input", "1", "--output", "1", "--requests", "1"]), "--engine", "trtllm, vllm, sglang", "tgi");
    expectUserError(strata(["llm", "bench", "--model", "qwen3-30b-a3b", "--count", "1", "--engine", "vllm", "--input", "1", "--output", "1"]), "--requests", "--concurrency");
    expectUserError(strata(["llm", "bench", "--model", "qwen3-30b-a3b", "--engine", "vllm", "--input", "1", "--output", "1", "--requests", "0"]), "--requests", "found \"0\"");
  });

  it("llm sweep prints the front of tokens/s per GPU against tokens/s per user and the KV lines", () => {
    const r = strata(["llm", "sweep", "--model", "qwen3-30b-a3b", "--engine", "vllm", "--input", "128", "--output", "16", "--tp", "1,2", "--concurrency", "1,8", "--workers", "1", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.runs).toBe(4);
    expect(j.front.length).toBeGreaterThan(0);
    for (const f of j.front) expect(f.kvCacheTokens).toBeGreaterThan(0);
    const text = strata(["llm", "sweep", "--model", "qwen3-30b-a3b", "--engine", "vllm", "--input", "128", "--output", "16", "--tp", "1", "--concurrency", "1,8", "--workers", "1"]);
    expect(text.stdout).toContain("Pareto front of output tokens/s per GPU");
    expect(text.stdout).toMatch(/GPU KV cache size: [\d,]+ tokens; Maximum concurrency for 144 tokens per request/);
  });

  it("the example sweep spec runs llm bench through strata sweep", () => {
    const r = strata(["sweep", "data/sweeps/llm-bench-qwen3.yaml", "--workers", "1", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.results.every((x: { result?: unknown }) => x.result !== undefined)).toBe(true);
    expect(j.pareto.length).toBeGreaterThan(0);
  });
});
