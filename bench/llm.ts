/** Benchmarks of `strata llm`: parameter counts, max context, fits, kernel accuracy, implied MFU. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getGpu } from "../src/catalog/gpus.js";
import { fitModel } from "../src/llm/fit.js";
import { llmKernelAccuracy, LLM_MICRO_FLOOR_US, type LlmMicro } from "../src/llm/kernel-check.js";
import { SERVING } from "../src/llm/memory.js";
import { countParams } from "../src/llm/params.js";
import { listLlmPresets, resolveModel } from "../src/llm/presets.js";
import { impliedMfu, peakFlops, trainFlopsPerToken } from "../src/llm/train.js";
import type { KvPrecision, WeightPrecision } from "../src/spec/moe-transformer.js";
import { GROUNDTRUTH, SHARED } from "./shared.js";
import { groupedGemmUs } from "../src/perf/gemm.js";
import { benchJson, runBench, type BenchOpts } from "../src/llm/bench.js";
import { dataPath } from "../src/catalog/data-path.js";
import { listEngines } from "../src/llm/engines.js";
import { expertRows, servePerf } from "../src/llm/perf.js";

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const signed = (x: number): string => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;
const b = (n: number): string => `${(n / 1e9).toFixed(2)}B`;
const tok = (n: number): string => Math.round(n).toLocaleString("en-US");

export async function llmSection(): Promise<string[]> {
  const h100 = getGpu("h100-sxm-80gb");
  const h200 = getGpu("h200-sxm-141gb");
  const lines: string[] = ["", "## MoE LLMs (`strata llm`)", ""];
  lines.push("Parameters computed from the spec vs the model cards (published active counts are rounded to two digits).", "");
  lines.push("| model | total | published | error | active | published | error |", "|---|---|---|---|---|---|---|");
  for (const p of listLlmPresets().filter((x) => x.spec)) {
    const c = countParams(p.spec!);
    const pub = p.published;
    // gpt-oss's card leaves the input embedding (a lookup) out of the active count.
    const active = c.active - (pub.activeWithoutInputEmbedding ? p.spec!.vocab * p.spec!.hidden : 0);
    lines.push(`| ${p.id} | ${b(c.total)} | ${b(pub.totalParams!)} | ${signed(c.total / pub.totalParams! - 1)} | ${b(active)}${pub.activeWithoutInputEmbedding ? " (no input embedding)" : ""} | ${b(pub.activeParams!)} | ${signed(active / pub.activeParams! - 1)} |`);
  }
  const fit = (id: string, gpu = h100, count: number, weights: WeightPrecision, kv: KvPrecision = "bf16") => fitModel(resolveModel(id).spec!, gpu, { weights, kv, count });
  lines.push("", `Largest single-sequence context, tensor parallel over the GPUs, ${SERVING.memoryUtilization * 100}% of memory usable; "all layers" = every layer holds full KV (vLLM 0.8.3), "hybrid" = chunked layers bounded by window + one prefill chunk. The engine reserve (${SERVING.engineBaseGiB} GiB + ${SERVING.enginePerPeerGiB} GiB per peer rank) has one global constant fitted on the first row; the other rows check it.`, "");
  lines.push("| deployment | all layers | hybrid | reference | error / check |", "|---|---|---|---|---|");
  const rows: Array<[string, ReturnType<typeof fit>, string, (r: ReturnType<typeof fit>) => string]> = [
    ["Maverick FP8, 8xH100", fit("llama4-maverick-17b-128e", h100, 8, "fp8"), "vLLM blog: ~430K", (r) => signed(r.maxContextTokens / 430_000 - 1)],
    ["Scout BF16, 8xH100", fit("llama4-scout-17b-16e", h100, 8, "bf16"), "vLLM: 1M (blog), 1.28M (PR #16104): settings below the fit", (r) => (r.maxContextTokens >= 1_280_000 ? "ok (>= 1.28M)" : r.maxContextTokens >= 1_000_000 ? "ok (>= 1M)" : "MISS")],
    ["Scout BF16, 8xH100, hybrid", fit("llama4-scout-17b-16e", h100, 8, "bf16"), "SGLang hybrid KV: 5M", (r) => signed(r.maxContextTokensHybrid / 5_000_000 - 1)],
    ["Scout BF16, 8xH200", fit("llama4-scout-17b-16e", h200, 8, "bf16"), "vLLM blog: 3.6M (setting)", (r) => (r.maxContextTokens >= 3_600_000 ? "ok (>= 3.6M)" : signed(r.maxContextTokens / 3_600_000 - 1))],
    ["Maverick FP8, 8xH200", fit("llama4-maverick-17b-128e", h200, 8, "fp8"), "vLLM blog: 1M (full context)", (r) => (r.maxContextTokens >= 1_000_000 ? "ok (capped at 1,048,576)" : "MISS")],
  ];
  for (const [name, r, ref, check] of rows) lines.push(`| ${name} | ${tok(r.maxContextTokens)} | ${tok(r.maxContextTokensHybrid)} | ${ref} | ${check(r)} |`);
  const naive = fit("llama4-scout-17b-16e", h100, 8, "bf16");
  lines.push("", `Naive vs hybrid KV for Scout on 8xH100: ${tok(naive.kvBytesPerToken)} B/token with every layer full vs ${tok(naive.detail.kvBytesPerTokenGlobalPerGpu * 8)} B/token for the 12 global layers once the 36 chunked layers are capped: ${(naive.maxContextTokensHybrid / naive.maxContextTokens).toFixed(1)}x the context.`, "");
  lines.push("| fits? | expected | predicted | KV room |", "|---|---|---|---|");
  const fits: Array<[string, ReturnType<typeof fit>, boolean]> = [
    ["Scout int4 on 1xH100", fit("llama4-scout-17b-16e", h100, 1, "int4"), true],
    ["Maverick FP8 on 8xH100", fit("llama4-maverick-17b-128e", h100, 8, "fp8"), true],
    ["Maverick BF16 on 1xH100", fit("llama4-maverick-17b-128e", h100, 1, "bf16"), false],
    ["Scout BF16 on 1xH100", fit("llama4-scout-17b-16e", h100, 1, "bf16"), false],
  ];
  for (const [name, r, want] of fits) lines.push(`| ${name} | ${want} | ${r.fits}${r.fits === want ? "" : " (MISS)"} | ${tok(r.maxContextTokens)} tokens |`);
  const micro = JSON.parse(readFileSync(join(GROUNDTRUTH, "micro.json"), "utf8")).micro.llm_bf16 as LlmMicro;
  lines.push("", `Kernel models against micro.json \`llm_bf16\` (H100; ${LLM_MICRO_FLOOR_US} us CUDA-event floor added to predictions, fitted): target within 15%.`, "");
  lines.push("| kernel family | points | GMAE | max error |", "|---|---|---|---|");
  for (const f of llmKernelAccuracy(h100, micro)) lines.push(`| ${f.family} | ${f.points.length} | ${pct(f.gmae)} | ${pct(f.maxError)} |`);
  lines.push("", "Implied MFU from published GPU-hours (training FLOPs = 6 x active matmul parameters + attention at sequence 8,192; H100 dense peaks 989 TFLOP/s bf16, 1979 fp8):", "");
  lines.push("| model | GFLOP/token | tokens | GPU-hours | MFU of bf16 peak | MFU of fp8 peak |", "|---|---|---|---|---|---|");
  for (const id of ["llama4-scout-17b-16e", "llama4-maverick-17b-128e"]) {
    const m = resolveModel(id);
    const pub = m.preset!.published;
    const f = trainFlopsPerToken(m.spec!, 8192).total;
    lines.push(`| ${id} | ${(f / 1e9).toFixed(1)} | ${(pub.trainingTokens! / 1e12).toFixed(0)}T | ${(pub.gpuHours! / 1e6).toFixed(2)}M | ${pct(impliedMfu(f, pub.trainingTokens!, pub.gpuHours!, peakFlops(h100, "bf16")))} | ${pct(impliedMfu(f, pub.trainingTokens!, pub.gpuHours!, peakFlops(h100, "fp8")))} |`);
  }
  const beh = resolveModel("llama4-behemoth").preset!.published;
  lines.push(`| llama4-behemoth (published 390 TFLOP/s per GPU, FP8) | ${(6 * beh.activeParams! / 1e9).toFixed(0)} | ${(beh.trainingTokens! / 1e12).toFixed(0)}T | - | ${pct(beh.achievedFlopsPerGpu! / peakFlops(h100, "bf16"))} | ${pct(beh.achievedFlopsPerGpu! / peakFlops(h100, "fp8"))} |`, "");
  lines.push(...servingSection());
  return lines;
}

const gmaeOf = (ratios: number[]): number => Math.exp(ratios.reduce((s, r) => s + Math.abs(Math.log(r)), 0) / ratios.length) - 1;
const gmean = (xs: number[]): number => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);

/** `strata llm bench` against the engines' published benchmark results (docs/llm.md, "Engines"). */
function servingSection(): string[] {
  const h100 = getGpu("h100-sxm-80gb");
  const lines: string[] = ["### Serving as engines run it (`strata llm bench`)", ""];
  // Kernel implementations: the FP8 GEMM K-efficiency fit (DeepGEMM) and the fused-MoE streaming share (FlagGems' vLLM runs).
  type G = { m: number; n: number; k: number; tflops: number; groups?: number };
  const dg = JSON.parse(readFileSync(dataPath("llm/fp8-gemm-h800.json"), "utf8")) as { dense: G[]; grouped: G[] };
  const points = [...dg.dense, ...dg.grouped];
  const kHalf = listEngines().find((e) => e.id === "sglang")!.kernels.fp8GemmKHalf!;
  const ratio = (p: G, kh?: number) => (groupedGemmUs(h100, Array(p.groups ?? 1).fill(p.m), p.n, p.k, "fp8", undefined, { compute: kh ? p.k / (p.k + kh) : 1 }) * 1e-6) / ((2 * (p.groups ?? 1) * p.m * p.n * p.k) / (p.tflops * 1e12));
  lines.push(`FP8 GEMMs against DeepGEMM's published H800 table (${points.length} shapes, data/llm/fp8-gemm-h800.json): roofline GMAE ${pct(gmaeOf(points.map((p) => ratio(p))))}; with the engines' compute efficiency K / (K + ${kHalf}) (one constant fitted on this table) ${pct(gmaeOf(points.map((p) => ratio(p, kHalf))))}.`);
  type F = { experts: number; topK: number; hidden: number; intermediate: number; tokens: number; ms: number };
  const fm = (JSON.parse(readFileSync(dataPath("llm/fused-moe-h800.json"), "utf8")) as { points: F[] }).points;
  const vllmBw = listEngines().find((e) => e.id === "vllm")!.kernels.moeBandwidthEfficiency!;
  const fmRatio = (p: F, bw: number) => {
    const rows = expertRows(p.experts, p.topK, p.tokens, 1);
    return (groupedGemmUs(h100, rows, 2 * p.intermediate, p.hidden, "fp8", 1, { bandwidth: bw }) + groupedGemmUs(h100, rows, p.hidden, p.intermediate, "fp8", 1, { bandwidth: bw })) / (p.ms * 1000);
  };
  lines.push(`Fused MoE (vLLM's Triton kernel, FP8, default configs, H800; FlagGems' ${fm.length} runs, data/llm/fused-moe-h800.json): the grouped-GEMM roofline predicts ${pct(gmean(fm.map((p) => fmRatio(p, 1))))} of the measured time; at ${vllmBw} of its weight-streaming rate (the vllm profile) ${pct(gmean(fm.map((p) => fmRatio(p, vllmBw))))} (GMAE ${pct(gmaeOf(fm.map((p) => fmRatio(p, vllmBw))))}).`, "");

  const dev = JSON.parse(readFileSync(join(SHARED, "reference", "llm-serving-dev.json"), "utf8")) as { results: Array<{ model: string; metrics: Record<string, unknown> }> };
  const ref = (model: string) => dev.results.find((r) => r.model.startsWith(model))!.metrics;
  const offline = { engine: "trtllm" as const, weights: "fp8" as const, input: 1000, output: 1000, requests: 3000 };
  const run = (o: BenchOpts) => benchJson(runBench(o));
  lines.push("Development results (../shared/reference/llm-serving-dev.json; target: output tok/s and TPOT within 15%). Fitted on these: TensorRT-LLM's fused-MoE efficiency (0.55) and per-peer memory reserve (0.8 GiB), SGLang's fused-MoE streaming efficiency (0.75); everything else comes from the engines' code, docs and microbenchmarks (data/llm/engines.json).", "");
  lines.push("| result | setting | measured | predicted | error |", "|---|---|---|---|---|");
  const mav = run({ ...offline, model: "llama4-maverick-17b-128e", gpu: "h100-sxm-80gb", count: 8 });
  lines.push(`| TensorRT-LLM, Llama 4 Maverick FP8, 8 x H100, 1000/1000 offline, output tok/s | attention DP 8 + EP 8 (perf-overview's MoE options), FP8 KV, ${tok(mav.kvCacheTokens)} KV tokens, mean decode batch ${tok(mav.meanDecodeBatch!)} | ${tok(9677)} | ${tok(mav.outputTokensPerSec)} | ${signed(mav.outputTokensPerSec / 9677 - 1)} |`);
  const mixRef = Number(ref("Mixtral").output_tok_s_reported_as_token_throughput);
  const mix = run({ ...offline, model: "mixtral-8x7b", gpu: "h100-sxm-80gb", count: 2, attentionDp: 1 });
  lines.push(`| TensorRT-LLM 0.17, Mixtral 8x7B FP8, 2 x H100, 1000/1000 offline, output tok/s | TP 2 (engine flow), FP8 KV, ${tok(mix.kvCacheTokens)} KV tokens, mean decode batch ${tok(mix.meanDecodeBatch!)} | ${tok(mixRef)} | ${tok(mix.outputTokensPerSec)} | ${signed(mix.outputTokensPerSec / mixRef - 1)} |`);
  const points3 = (ref("DeepSeek-R1").points as Array<{ concurrency: number; tpot_mean_ms: number; output_tok_s_total_derived: number; ttft_mean_ms: number }>);
  for (const p of points3) {
    const r = run({ model: "deepseek-r1", gpu: "h200-sxm-141gb", count: 8, weights: "fp8", engine: "sglang", input: 1024, output: 1024, concurrency: p.concurrency, rangeRatio: 0.8 });
    lines.push(`| SGLang, DeepSeek-R1 FP8, 8 x H200, 1024/1024, concurrency ${p.concurrency}: mean TPOT ms | TP 8, lengths from 0.8 x (InferenceX), ${10 * p.concurrency} requests | ${p.tpot_mean_ms} | ${r.meanTpotMs.toFixed(1)} | ${signed(r.meanTpotMs / p.tpot_mean_ms - 1)} |`);
    lines.push(`| same, output tok/s (TTFT: measured ${p.ttft_mean_ms} ms, predicted ${r.meanTtftMs.toFixed(0)} ms) | | ${p.output_tok_s_total_derived} | ${r.outputTokensPerSec.toFixed(1)} | ${signed(r.outputTokensPerSec / p.output_tok_s_total_derived - 1)} |`);
  }
  lines.push("", "Generalisation: other published results, nothing fitted to them (TensorRT-LLM docs/source/performance/perf-overview.md, v1.0 @00f3768 and 0.17 @258c754; 1000/1000 offline, FP8, the engine's default setting unless noted):", "");
  lines.push("| result | setting | measured output tok/s | predicted | error |", "|---|---|---|---|---|");
  const held: Array<[string, string, Partial<BenchOpts> & { model: string; gpu: string; count: number }, number]> = [
    ["Llama 4 Maverick, 8 x H200 (v1.0)", "attention DP 8 + EP 8", { model: "llama4-maverick-17b-128e", gpu: "h200-sxm-141gb", count: 8 }, 31782],
    ["Qwen3-235B-A22B, 8 x H100 (v1.0)", "attention DP 8 + EP 8", { model: "qwen3-235b-a22b", gpu: "h100-sxm-80gb", count: 8 }, 14898],
    ["Qwen3-235B-A22B, 8 x H200 (v1.0)", "attention DP 8 + EP 8", { model: "qwen3-235b-a22b", gpu: "h200-sxm-141gb", count: 8 }, 23789],
    ["Llama 4 Scout, 4 x H100 (v1.0)", "attention DP 4 + EP 4", { model: "llama4-scout-17b-16e", gpu: "h100-sxm-80gb", count: 4 }, 12129],
    ["Llama 4 Scout, 4 x H200 (v1.0)", "attention DP 4 + EP 4", { model: "llama4-scout-17b-16e", gpu: "h200-sxm-141gb", count: 4 }, 21636],
    ["Mixtral 8x7B, 2 x H200 (0.17)", "TP 2", { model: "mixtral-8x7b", gpu: "h200-sxm-141gb", count: 2, attentionDp: 1 }, 19151.19],
    ["Mixtral 8x7B, 4 x H100 (0.17)", "TP 4", { model: "mixtral-8x7b", gpu: "h100-sxm-80gb", count: 4, attentionDp: 1 }, 27784.74],
    ["Mixtral 8x22B, 8 x H100 (0.17)", "TP 8", { model: "mixtral-8x22b", gpu: "h100-sxm-80gb", count: 8, attentionDp: 1 }, 16573.24],
    ["Mixtral 8x22B, 8 x H200 (0.17)", "TP 8", { model: "mixtral-8x22b", gpu: "h200-sxm-141gb", count: 8, attentionDp: 1 }, 19712.35],
  ];
  for (const [name, setting, o, measured] of held) {
    const r = run({ ...offline, ...o });
    lines.push(`| TensorRT-LLM, ${name} | ${setting} | ${tok(measured)} | ${tok(r.outputTokensPerSec)} | ${signed(r.outputTokensPerSec / measured - 1)} |`);
  }
  const md = mix.decodeStep!;
  const perf = servePerf(resolveModel("mixtral-8x7b").spec!, h100, { weights: "fp8", kv: "fp8", par: { tp: 2, pp: 1, ep: 1 }, batch: md.batch, prompt: 1000, output: 1000 });
  lines.push("", `llm perf and llm bench describe a full batch's decode step with the same step model: the Mixtral run's mean batch (${md.batch} sequences at context ${md.context}) takes ${md.rooflineMs} ms without the engine's kernel profile and ${(perf.decode.us / 1000).toFixed(3)} ms in \`strata llm perf --model mixtral-8x7b --count 2 --weights fp8 --kv fp8 --batch ${md.batch} --prompt 1000 --output-tokens 1000\`; TensorRT-LLM's kernels (fused MoE at 0.55 of the roofline, FP8 GEMMs at K / (K + 650)) make it ${md.engineMs} ms. The run's mean step, ${mix.meanStepMs} ms, adds the prefill chunks that share steps with decoding.`, "");
  return lines;
}

if (process.argv[1]?.endsWith("llm.ts")) console.log((await llmSection()).join("\n"));
