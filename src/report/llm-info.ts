/** `strata llm info MODEL`: architecture, parameters, memory, where it fits, and the facts registry with sources. */
import { getGpu } from "../catalog/gpus.js";
import { factsFor } from "../llm/facts.js";
import { fitModel, validTensorParallel } from "../llm/fit.js";
import { layerCounts } from "../llm/layers.js";
import { kvPerToken, weightBytes } from "../llm/memory.js";
import { countParams } from "../llm/params.js";
import type { ResolvedModel } from "../llm/presets.js";
import { shortCount, table } from "./format.js";

const GB = (b: number): string => (b / 1e9).toFixed(2);
const B = (n: number): string => `${(n / 1e9).toFixed(2)}B`;

export function describeLlm(m: ResolvedModel): string[] {
  const facts = factsFor(m.id);
  const out = [`${m.name} (${m.id})${m.preset?.partial ? " — PARTIAL: only some figures are published" : ""}`];
  const pub = m.preset?.published;
  const s = m.spec;
  if (s) {
    const p = countParams(s);
    const l = layerCounts(s);
    const a = s.attention;
    out.push(
      "",
      "Architecture",
      `  ${s.layers} layers (${l.moe} MoE, ${l.dense} dense), hidden ${s.hidden}, vocab ${s.vocab.toLocaleString("en-US")}, max position ${s.maxPosition.toLocaleString("en-US")}`,
      `  attention: ${a.heads} query heads, ${a.kvHeads} KV heads of ${a.headDim}${a.mla ? `; MLA latent ${a.mla.kvLoraRank} + rope ${a.mla.ropeDim} (latent KV, replicated over tp)` : ""}${a.chunkSize ? `; ${l.chunked} layers chunked in ${a.chunkSize.toLocaleString("en-US")}-token windows (RoPE), ${l.global} global (no RoPE)` : a.slidingWindow ? `; ${l.chunked} layers attend a ${a.slidingWindow.toLocaleString("en-US")}-token sliding window, ${l.global} global` : "; all layers global"}`,
      `  experts: ${s.moe.experts} routed (top-${s.moe.topK}) of width ${s.moe.expertIntermediate}${s.moe.sharedExperts ? ` + ${s.moe.sharedExperts} shared` : ""}${l.dense ? `; dense FFN width ${s.denseIntermediate ?? s.moe.expertIntermediate}` : ""}${s.vision ? `; vision encoder ${s.vision.layers} layers of ${s.vision.hidden}` : ""}`,
      "",
      "Parameters",
      table(["component", "total", "active per token"], (Object.keys(p.byGroup) as Array<keyof typeof p.byGroup>).map((g) => [g, B(p.byGroup[g]), B(p.activeByGroup[g])]).concat([["all", B(p.total), B(p.active)]]), [false, true, true]),
      pub?.totalParams ? `  published: ${B(pub.totalParams)} total (${signed(p.total / pub.totalParams - 1)}), ${B(pub.activeParams ?? 0)} active (${signed(p.active / (pub.activeParams ?? 1) - 1)}; published figures are rounded)` : "",
      "",
      "Weights and KV cache",
      table(["weights", "GB", "kept in bf16"], (["bf16", "fp8", "int4"] as const).map((w) => {
        const keep = w === "bf16" ? "-" : ((w === "fp8" ? s.keepBf16.fp8 : s.keepBf16.int4) ?? ["embeddings", "router", "norms", "vision"]).join(", ");
        return [w, GB(weightBytes(s, w).total), keep];
      }), [false, true, false]),
      `  KV cache per token (bf16): ${kvPerToken(s, "bf16").allLayers.toLocaleString("en-US")} B with every layer full${a.chunkSize ? `; ${kvPerToken(s, "bf16").globalPerGpu.toLocaleString("en-US")} B for the global layers, the ${l.chunked} chunked layers capped at their window` : ""}`,
      "",
      "Where it fits (strata llm fit: tensor parallel, 90% of memory, KV bf16; max single-sequence context, all layers / hybrid)",
      table(["GPUs", "bf16", "fp8", "int4"], ([["h100-sxm-80gb", 1], ["h100-sxm-80gb", 8], ["h200-sxm-141gb", 8], ["b200", 8]] as const).map(([g, n]) => [
        `${n} x ${g}`,
        ...(["bf16", "fp8", "int4"] as const).map((w) => {
          // Tensor parallelism must divide the heads as the engines require (llm/fit.ts).
          if (!validTensorParallel(s, n)) return "- (tp)";
          const r = fitModel(s, getGpu(g), { weights: w, kv: "bf16", count: n });
          return r.fits ? `${shortCount(r.maxContextTokens)} / ${shortCount(r.maxContextTokensHybrid)}` : "no";
        }),
      ]), [false, true, true, true]),
    );
  } else if (pub) {
    out.push("", `Published: ~${B(pub.totalParams ?? 0)} total, ${B(pub.activeParams ?? 0)} active${pub.experts ? `, ${pub.experts} experts` : ""}; architecture not published`);
  }
  if (pub) {
    const bits = [pub.contextTokens ? `context ${pub.contextTokens.toLocaleString("en-US")} tokens` : "", pub.trainingTokens ? `${(pub.trainingTokens / 1e12).toFixed(0)}T training tokens` : "", pub.gpuHours ? `${(pub.gpuHours / 1e6).toFixed(2)}M ${pub.gpuHoursGpu ?? "GPU"} hours` : "", pub.released ? `released ${pub.released}` : ""].filter(Boolean);
    out.push("", `Model card: ${bits.join(", ")}`);
  }
  const section = (title: string, kind: string, fmt: (f: (typeof facts)[number]) => string): void => {
    const fs = facts.filter((f) => f.kind === kind);
    if (fs.length) out.push("", title, ...fs.map(fmt));
  };
  const val = (f: (typeof facts)[number]): string => (typeof f.value === "number" ? f.value.toLocaleString("en-US") : f.value);
  section("Context limits by provider (hosted) and engine (self-hosted)", "context", (f) => `  ${f.topic}: ${val(f)} ${f.unit ?? ""}  [${f.source}; ${f.date}]`);
  section("Published deployments", "deployment", (f) => `  ${val(f)}  [${f.source}; ${f.date}]`);
  section("Licence", "license", (f) => `  ${f.topic}: ${val(f)}  [${f.source}; ${f.date}]`);
  section("Benchmarks (as published by the developer)", "benchmark", (f) => `  ${f.topic}: ${val(f)}  [${f.source}; ${f.date}]`);
  section("Training", "training", (f) => `  ${val(f)}  [${f.source}; ${f.date}]`);
  if (m.preset?.sources) out.push("", "Sources", ...Object.entries(m.preset.sources).map(([k, v]) => `  ${k}: ${v}`));
  return out.filter((l, i, a) => l !== "" || a[i - 1] !== "");
}

const signed = (x: number): string => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;
