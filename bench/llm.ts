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
import { GROUNDTRUTH } from "./shared.js";

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
    lines.push(`| ${p.id} | ${b(c.total)} | ${b(pub.totalParams!)} | ${signed(c.total / pub.totalParams! - 1)} | ${b(c.active)} | ${b(pub.activeParams!)} | ${signed(c.active / pub.activeParams! - 1)} |`);
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
  return lines;
}

if (process.argv[1]?.endsWith("llm.ts")) console.log((await llmSection()).join("\n"));
