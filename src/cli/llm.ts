/** strata llm fit|context|perf|train|info|import: the MoE LLM planner (docs/llm.md). */
import { Option, type Command } from "commander";
import { getGpu } from "../catalog/gpus.js";
import { UserError } from "../spec/errors.js";
import { KvPrecision, WeightPrecision } from "../spec/moe-transformer.js";
import { parseDocument, readText } from "../spec/load.js";
import type { FitResult } from "../llm/fit.js";
import { BOUNDS, listOf, numberIn } from "../llm/bounds.js";
import { SERVING } from "../llm/memory.js";
import { countParams } from "../llm/params.js";
import { requireSpec, resolveModel } from "../llm/presets.js";
import { importHfConfig } from "../llm/hf-import.js";
import type { PerfComponent } from "../llm/perf.js";
import { fitJson, runFit, type DeployOpts as DeployOptsBase } from "../llm/deploy.js";
import { llmContextJson, llmPerf, llmPerfJson } from "../commands/llm.js";
import { impliedMfu, peakFlops, trainFlopsPerToken, trainPlan, type TrainPrecision } from "../llm/train.js";
import { factsFor } from "../llm/facts.js";
import { listLlmPresets } from "../llm/presets.js";
import { table } from "../report/format.js";
import { describeLlm } from "../report/llm-info.js";
import { writeOutput } from "./run.js";

import { choice, gpuCount, positiveInt, printFinite, writeFinite } from "./llm-flags.js";
import { registerLlmBench, registerLlmSweep } from "./llm-bench.js";

const batchList = listOf("--batch", positiveInt("--batch", BOUNDS.maxBatch));

/** A hidden, deprecated spelling of a flag: it still works, and says what to use instead. */
function deprecatedAlias(cmd: Command, old: string, current: string, parse: (v: string) => unknown = String): Command {
  return cmd.addOption(new Option(`${old} <value>`, `deprecated: use ${current}`).hideHelp().argParser((v: string) => parse(v)));
}
function pickAlias<T>(current: T | undefined, old: T | undefined, names: [string, string]): T | undefined {
  if (old === undefined) return current;
  if (current !== undefined) throw new UserError(`${names[1]} is the deprecated spelling of ${names[0]}: give only ${names[0]}`);
  process.stderr.write(`strata: ${names[1]} is deprecated, use ${names[0]}\n`);
  return old;
}

const GB = (b: number): string => (b / 1e9).toFixed(2);
const B = (n: number): string => `${(n / 1e9).toFixed(2)}B`;
const tokens = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "unbounded");
/** Free memory for KV per GPU: never printed negative. */
const freeGB = (b: number): string => (b >= 0 ? `${GB(b)} GB for KV` : `0 GB for KV (short by ${GB(-b)} GB)`);

interface DeployOpts extends DeployOptsBase {
  json?: boolean;
}

function deploymentOptions(cmd: Command, defaults: { count?: number } = {}): Command {
  return cmd
    .requiredOption("--model <id-or-file>", "preset id (strata llm info), workload/model spec file, or Hugging Face config.json")
    .option("--gpu <id>", "GPU from the catalog (strata catalog)", "h100-sxm-80gb")
    .option("--count <n>", `GPUs (tensor parallel over all unless --tp/--pp; at most ${BOUNDS.maxGpus.toExponential().replace("e+", "e")})`, gpuCount("--count"), defaults.count ?? 1)
    .option("--weights <p>", "weight storage precision: bf16 | fp8 | int4 | fp4 (fp4 needs FP4 tensor cores)", choice("--weights", WeightPrecision.options), "bf16")
    .option("--kv <p>", "KV cache precision: bf16 | fp8", choice("--kv", KvPrecision.options), "bf16")
    .option("--tp <n>", "tensor-parallel degree (default: count / pp); must divide the attention heads, and divide or be a multiple of the KV heads (vLLM)", gpuCount("--tp"))
    .option("--pp <n>", "pipeline-parallel degree (at most the layers)", gpuCount("--pp"))
    .option("--ep <n>", "expert-parallel degree within the tp group", gpuCount("--ep"))
    .option("--utilization <f>", `share of GPU memory the engine may use, ${BOUNDS.utilization.min} to ${BOUNDS.utilization.max} (vLLM default ${SERVING.memoryUtilization})`, numberIn("--utilization", BOUNDS.utilization.min, BOUNDS.utilization.max, { what: "a fraction" }))
    .option("--json", "print JSON");
}

function assumptions(r: FitResult): string[] {
  const d = r.detail;
  return [
    `Assumptions (docs/llm.md): usable = ${GB(d.usableBytesPerGpu)} GB per GPU = utilisation (vLLM gpu_memory_utilization, default ${SERVING.memoryUtilization}) x the memory the driver exposes;`,
    `  reserve per GPU ${GB(d.reserve.total)} GB = profiling-run activations over ${SERVING.maxNumBatchedTokens} tokens ${GB(d.reserve.activations)} + sampler dummy run (${SERVING.maxNumSeqs} rows of fp32 logits) ${GB(d.reserve.sampler)} + RoPE cache ${GB(d.reserve.ropeCache)} + engine reserve ${GB(d.reserve.engine)} (CUDA context, NCCL/all-reduce buffers, graphs; ${SERVING.engineBaseGiB} GiB + ${SERVING.enginePerPeerGiB} GiB per peer rank, fitted).`,
    `  Chunked layers hold at most window + ${SERVING.maxNumBatchedTokens} prefill tokens in the hybrid figure; both figures are capped at the model's ${tokens(d.maxPosition)} positions; "fits" needs at least ${tokens(d.minContext)} tokens of context.`,
  ];
}

export function registerLlm(program: Command): void {
  const llm = program.command("llm").description("MoE LLMs (Llama 4, Mixtral, DeepSeek-V3/R1, Qwen3-MoE, gpt-oss): fit, context, perf, bench, sweep, train, info, import");

  deploymentOptions(llm.command("fit").description("does a model fit N GPUs at given precisions; largest context with full and with hybrid KV"))
    .option("--batch <n>", `sequences held at once: the context per sequence (default 1, at most ${BOUNDS.maxBatch.toExponential().replace("e+", "e")}; strata llm context sweeps a list)`, positiveInt("--batch", BOUNDS.maxBatch))
    .option("--detail", "with --json: add detail, the per-GPU memory (usable, weights, runtime reserve by part, free for KV) and the parallelism")
    .action((o: DeployOpts & { detail?: boolean }) => {
      const { result: r, name } = runFit(o);
      if (o.json) {
        return printFinite(fitJson(r, o));
      }
      const d = r.detail;
      const naive = r.maxContextTokens;
      writeFinite([
        `${name} on ${d.parallelism.tp * d.parallelism.pp} x ${o.gpu} (tp ${d.parallelism.tp}, pp ${d.parallelism.pp}, ep ${d.parallelism.ep}), weights ${o.weights}, KV ${o.kv}${d.batch > 1 ? `, ${d.batch} sequences (context per sequence)` : ""}: ${r.fits ? "FITS" : "DOES NOT FIT"}`,
        `  parameters ${B(r.params.total)} total, ${B(r.params.active)} active; weights ${GB(r.weightsBytes)} GB (${GB(d.weightsBytesPerGpu)} GB per GPU)`,
        `  per GPU: usable ${GB(d.usableBytesPerGpu)} GB - weights ${GB(d.weightsBytesPerGpu)} - reserve ${GB(d.reserve.total)} = ${freeGB(d.freeForKvBytesPerGpu)}`,
        `  KV per token: ${tokens(r.kvBytesPerToken)} B all layers (${tokens(d.kvBytesPerTokenPerGpu)} B per GPU); global layers only ${tokens(d.kvBytesPerTokenGlobalPerGpu)} B per GPU`,
        `  max context, every layer full KV (vLLM 0.8, naive calculators): ${tokens(naive)} tokens${d.uncappedContextTokens > d.maxPosition ? ` (KV allows ${tokens(d.uncappedContextTokens)}, capped)` : ""}`,
        `  max context, hybrid KV (chunked layers bounded by their window): ${tokens(r.maxContextTokensHybrid)} tokens${d.uncappedContextTokensHybrid > d.maxPosition ? ` (KV allows ${tokens(d.uncappedContextTokensHybrid)}, capped)` : ""}`,
        ...assumptions(r),
        "",
      ].join("\n"));
    });

  deploymentOptions(llm.command("context").description("largest context per sequence for batches of sequences, full vs hybrid KV"))
    .addOption(new Option("--batch <list>", `comma-separated batch sizes (each at most ${BOUNDS.maxBatch.toExponential().replace("e+", "e")})`).argParser(batchList).default([1, 8, 32, 128], "1,8,32,128"))
    .action((o: Omit<DeployOpts, "batch"> & { batch: number[] }) => {
      const { rows, json } = llmContextJson(o, resolveModel(o.model), o.model);
      if (o.json) return printFinite(json);
      writeFinite(table(["batch", "context/seq (all layers)", "context/seq (hybrid)", "tokens in cache (all)", "tokens (hybrid)"],
        rows.map((r) => [String(r.batch), tokens(r.maxContextTokens), tokens(r.maxContextTokensHybrid), tokens(r.batch * r.maxContextTokens), tokens(r.batch * r.maxContextTokensHybrid)]), [true, true, true, true, true]) + "\n" + assumptions(rows[0]!).join("\n") + "\n");
    });

  const perf = deploymentOptions(llm.command("perf").description("prefill and decode latency, throughput and cost per batch (roofline over GEMMs, flash attention, all-reduce, all-to-all)"), { count: 8 })
    .addOption(new Option("--batch <list>", `sequences served together (comma-separated for a sweep; each at most ${BOUNDS.maxBatch.toExponential().replace("e+", "e")})`).argParser(batchList).default([1], "1"))
    .option("--prompt <n>", "prompt tokens per sequence (default 2048; prompt + output at most the model's maximum position)", positiveInt("--prompt", Number.MAX_SAFE_INTEGER))
    .option("--output-tokens <n>", "generated tokens per sequence (default 256)", positiveInt("--output-tokens", Number.MAX_SAFE_INTEGER))
    .option("--price <usd>", `price of one GPU-hour, for the cost per million tokens (at most ${BOUNDS.price.max})`, numberIn("--price", 0, BOUNDS.price.max, { minExclusive: true, what: "a price in $" }));
  deprecatedAlias(perf, "--output", "--output-tokens", positiveInt("--output (deprecated: generated tokens; use --output-tokens)", Number.MAX_SAFE_INTEGER))
    .action((o: Omit<DeployOpts, "batch"> & { batch: number[]; prompt?: number; outputTokens?: number; output?: number; price?: number }) => {
      const m = resolveModel(o.model);
      requireSpec(m);
      const prompt = o.prompt ?? 2048;
      const output = pickAlias(o.outputTokens, o.output, ["--output-tokens", "--output"]) ?? 256;
      const ms = (us: number): number => Number((us / 1000).toFixed(3));
      const runs = llmPerf(o, m, o.batch, prompt, output);
      if (o.json) return printFinite(llmPerfJson(runs));
      const first = runs[0]!;
      const par = first.fit.detail.parallelism;
      const head = `${m.name} on ${first.r.gpus} x ${o.gpu} (tp ${par.tp}, ep ${par.ep}), weights ${o.weights}, KV ${o.kv}, prompt ${prompt}, output ${output}`;
      const tps = (x: number): string => Math.round(x).toLocaleString("en-US");
      const foot = "Kernels back to back on the busiest GPU (CUDA graphs; no host gaps); constants fitted on micro.json llm_bf16 (docs/llm.md).";
      if (runs.length > 1) {
        writeFinite([head, "", table(["batch", "fits", "TTFT ms", "prefill tok/s/GPU", "decode step ms", "decode tok/s", "tok/s/GPU", "tok/s per seq", ...(o.price ? ["$/M in", "$/M out"] : [])],
          runs.map((x) => [String(x.batch), x.fits ? "yes" : "NO", ms(x.r.prefill.us).toFixed(1), tps(x.r.prefill.tokensPerSecPerGpu), ms(x.r.decode.us).toFixed(2), tps(x.r.decode.tokensPerSec), tps(x.r.decode.tokensPerSecPerGpu), (1e6 / x.r.decode.us).toFixed(1), ...(o.price ? [String(x.inputCost), String(x.outputCost)] : [])]),
          [true, false, true, true, true, true, true, true, true, true]), foot, ""].join("\n"));
        return;
      }
      const { r } = first;
      const comps = Object.keys(r.prefill.byComponent) as PerfComponent[];
      writeFinite([
        `${head}, batch ${first.batch}${first.fits ? "" : "  [WARNING: does not fit in memory, see strata llm fit]"}`,
        `  prefill (time to first token): ${ms(r.prefill.us).toFixed(1)} ms, ${tps(r.prefill.tokensPerSec)} tokens/s (${tps(r.prefill.tokensPerSecPerGpu)} per GPU)`,
        `  decode step at context ${r.decode.context}: ${ms(r.decode.us).toFixed(2)} ms, ${tps(r.decode.tokensPerSec)} tokens/s (${tps(r.decode.tokensPerSecPerGpu)} per GPU), ${(1e6 / r.decode.us).toFixed(1)} tokens/s per sequence`,
        `  request (prefill + ${output} steps): ${(r.requestUs / 1e6).toFixed(2)} s`,
        ...(first.inputCost !== undefined ? [`  cost at $${o.price}/GPU-hour: $${first.inputCost} per million input tokens, $${first.outputCost} per million output tokens`] : []),
        "",
        table(["component", "prefill ms", "share", "decode ms", "share"], comps.map((c) => [c, ms(r.prefill.byComponent[c]).toFixed(3), `${((r.prefill.byComponent[c] / r.prefill.us) * 100).toFixed(0)}%`, ms(r.decode.byComponent[c]).toFixed(3), `${((r.decode.byComponent[c] / r.decode.us) * 100).toFixed(0)}%`]), [false, true, true, true, true]),
        foot,
        "",
      ].join("\n"));
    });

  registerLlmBench(llm);
  registerLlmSweep(llm);

  const train = llm.command("train")
    .description("training FLOPs per token, time and GPU-hours for a token budget at an MFU, and the MFU implied by published GPU-hours")
    .requiredOption("--model <id-or-file>", "preset id or model file")
    .option("--gpu <id>", "GPU from the catalog (strata catalog)", "h100-sxm-80gb")
    .option("--tokens <n>", `training tokens, ${BOUNDS.tokens.min} to ${BOUNDS.tokens.max.toExponential().replace("e+", "e")} (default: the published budget)`, numberIn("--tokens", BOUNDS.tokens.min, BOUNDS.tokens.max, { what: "a token count" }))
    .option("--count <n>", `GPUs (default 8192, at most ${BOUNDS.maxGpus.toExponential().replace("e+", "e")})`, gpuCount("--count"))
    .option("--days <n>", `target wall-clock days, ${BOUNDS.days.min} to ${BOUNDS.days.max}: print the GPUs needed instead of using --count`, numberIn("--days", BOUNDS.days.min, BOUNDS.days.max, { what: "a number of days" }))
    .option("--mfu <f>", `model FLOPs utilisation, ${BOUNDS.mfu.min} to ${BOUNDS.mfu.max}`, numberIn("--mfu", BOUNDS.mfu.min, BOUNDS.mfu.max, { what: "a fraction" }), 0.4)
    .option("--precision <p>", "bf16 | fp8 (which peak the MFU refers to)", choice("--precision", ["bf16", "fp8"] as const), "bf16")
    .option("--seq-len <n>", "training sequence length (attention FLOPs; at most the model's maximum position)", positiveInt("--seq-len", BOUNDS.maxSeqLen), 8192)
    .option("--gpu-hours <n>", `GPU-hours to derive the implied MFU from, ${BOUNDS.gpuHours.min} to ${BOUNDS.gpuHours.max.toExponential().replace("e+", "e")} (default: the published figure)`, numberIn("--gpu-hours", BOUNDS.gpuHours.min, BOUNDS.gpuHours.max, { what: "a number of GPU-hours" }))
    .option("--json", "print JSON");
  deprecatedAlias(train, "--gpus", "--count", gpuCount("--gpus"))
    .action((o: { model: string; gpu: string; tokens?: number; count?: number; gpus?: number; days?: number; mfu: number; precision: TrainPrecision; seqLen: number; gpuHours?: number; json?: boolean }) => {
      const m = resolveModel(o.model);
      const gpu = getGpu(o.gpu);
      const pub = m.preset?.published ?? {};
      const given = pickAlias(o.count, o.gpus, ["--count", "--gpus"]);
      if (given !== undefined && o.days !== undefined) throw new UserError("--days: prints the GPUs needed, so give --days or --count, not both");
      if (m.spec && o.seqLen > m.spec.maxPosition) throw new UserError(`--seq-len: expected at most the model's ${m.spec.maxPosition.toLocaleString("en-US")} positions (maxPosition), found ${o.seqLen}`);
      const tokens = o.tokens ?? pub.trainingTokens;
      if (!tokens) throw new UserError(`${m.id}: no published token budget; give --tokens`);
      let flopsPerToken: number;
      let note = "";
      if (m.spec) flopsPerToken = trainFlopsPerToken(m.spec, o.seqLen).total;
      else if (pub.activeParams) {
        flopsPerToken = 6 * pub.activeParams;
        note = "architecture unpublished: 6 x published active parameters, attention not counted";
      } else throw new UserError(`${m.id}: neither a spec nor published active parameters`);
      const totalFlops = flopsPerToken * tokens;
      const gpuSeconds = totalFlops / (peakFlops(gpu, o.precision) * o.mfu);
      // --days: the GPUs that finish the budget in that time at this MFU.
      let gpus = given ?? 8192;
      if (o.days !== undefined) {
        const needed = Math.ceil(gpuSeconds / (o.days * 86400));
        if (!(needed <= BOUNDS.maxGpus)) {
          throw new UserError(`--days ${o.days}: finishing ${tokens.toExponential(2).replace("e+", "e")} tokens in that time at MFU ${o.mfu} needs ${Number.isFinite(needed) ? needed.toExponential(2).replace("e+", "e") : "unboundedly many"} GPUs; expected at most ${BOUNDS.maxGpus.toLocaleString("en-US")} GPUs: give more --days, fewer --tokens or a higher --mfu`);
        }
        gpus = needed;
      }
      const plan = m.spec ? trainPlan(m.spec, gpu, { tokens, seqLen: o.seqLen, mfu: o.mfu, gpus, precision: o.precision }) : undefined;
      const gpuHours = o.gpuHours ?? (pub.gpuHoursGpu === undefined || pub.gpuHoursGpu === gpu.id ? pub.gpuHours : undefined);
      const implied = gpuHours ? { bf16: impliedMfu(flopsPerToken, tokens, gpuHours, peakFlops(gpu, "bf16")), fp8: gpu.peakFlopsPerSec.fp8 ? impliedMfu(flopsPerToken, tokens, gpuHours, peakFlops(gpu, "fp8")) : undefined } : undefined;
      const achieved = pub.achievedFlopsPerGpu ? { bf16: pub.achievedFlopsPerGpu / peakFlops(gpu, "bf16"), fp8: gpu.peakFlopsPerSec.fp8 ? pub.achievedFlopsPerGpu / peakFlops(gpu, "fp8") : undefined } : undefined;
      const out = {
        model: m.id, gpu: gpu.id, tokens, flopsPerToken, totalFlops, precision: o.precision, mfu: o.mfu, gpus,
        gpuHours: gpuSeconds / 3600, days: gpuSeconds / gpus / 86400,
        ...(plan ? { flopsPerTokenDense: plan.flopsPerToken.dense, flopsPerTokenAttention: plan.flopsPerToken.attention } : {}),
        ...(gpuHours ? { publishedGpuHours: gpuHours, impliedMfu: implied } : {}),
        ...(achieved ? { publishedFlopsPerGpu: pub.achievedFlopsPerGpu, mfuOfPublishedFlops: achieved } : {}),
        ...(note ? { note } : {}),
      };
      if (o.json) return printFinite(out);
      const pct = (x?: number): string => (x === undefined ? "-" : `${(x * 100).toFixed(1)}%`);
      // Large figures in scientific notation past what fixed point prints readably.
      const fixed = (x: number, d: number): string => (Math.abs(x) < 1e9 ? x.toFixed(d) : x.toExponential(2));
      writeFinite([
        `${m.name}: ${(flopsPerToken / 1e9).toFixed(1)} GFLOP per training token${plan ? ` (6 x ${B(plan.flopsPerToken.activeMatmulParams)} active matmul parameters = ${(plan.flopsPerToken.dense / 1e9).toFixed(1)}, attention at sequence ${o.seqLen} = ${(plan.flopsPerToken.attention / 1e9).toFixed(1)})` : ` (${note})`}`,
        `  ${fixed(tokens / 1e12, 1)}T tokens = ${fixed(totalFlops / 1e24, 2)}e24 FLOPs`,
        `  at ${pct(o.mfu)} MFU of ${gpu.id} ${o.precision} peak (${(peakFlops(gpu, o.precision) / 1e12).toFixed(0)} TFLOP/s): ${fixed(gpuSeconds / 3600 / 1e6, 2)}M GPU-hours = ${fixed(gpuSeconds / gpus / 86400, 1)} days on ${gpus.toLocaleString("en-US")} GPUs`,
        ...(gpuHours && implied ? [`  ${o.gpuHours ? "given" : "published"} ${gpuHours >= 1e4 ? `${fixed(gpuHours / 1e6, 2)}M` : gpuHours.toLocaleString("en-US")} GPU-hours imply MFU ${pct(implied.bf16)} of bf16 peak, ${pct(implied.fp8)} of fp8 peak${implied.bf16 > 1 ? " (above 100%: those GPU-hours cannot train this many tokens)" : ""}`] : []),
        ...(achieved ? [`  published ${(pub.achievedFlopsPerGpu! / 1e12).toFixed(0)} TFLOP/s per GPU = ${pct(achieved.bf16)} of bf16 peak, ${pct(achieved.fp8)} of fp8 peak`] : []),
        "",
      ].join("\n"));
    });

  llm.command("info")
    .description("a model's architecture, parameters, memory per precision, KV cache, and its facts (context limits per provider, licence, benchmarks) with sources")
    .argument("[model]", "preset id or model file (omit to list the presets)")
    .option("--json", "print JSON")
    .action((id: string | undefined, o: { json?: boolean }) => {
      if (!id) {
        const rows = listLlmPresets().map((p) => {
          const c = p.spec ? countParams(p.spec) : undefined;
          return [p.id, p.name, c ? B(c.total) : `~${B(p.published.totalParams ?? 0)}`, c ? B(c.active) : `~${B(p.published.activeParams ?? 0)}`, p.partial ? "partial" : ""];
        });
        if (o.json) return printFinite({ models: listLlmPresets().map((p) => ({ id: p.id, name: p.name, partial: p.partial })) });
        writeFinite(table(["id", "name", "total", "active", ""], rows) + "\n");
        return;
      }
      const m = resolveModel(id);
      if (o.json) return printFinite({ id: m.id, name: m.name, spec: m.spec, published: m.preset?.published, params: m.spec ? countParams(m.spec) : undefined, facts: factsFor(m.id), sources: m.preset?.sources });
      writeFinite(describeLlm(m).join("\n") + "\n");
    });

  const imp = llm.command("import")
    .description("convert a Hugging Face config.json (Llama 4, Mixtral, Qwen MoE, DeepSeek-V3) to a moe-transformer workload")
    .argument("<config>", "config.json")
    .option("-o, --out <file>", "write the workload here (atomically; - or no -o: stdout)")
    .option("--name <name>", "workload name");
  deprecatedAlias(imp, "--output", "-o/--out")
    .action((file: string, opts: { out?: string; output?: string; name?: string }) => {
      const spec = importHfConfig(parseDocument(readText(file), file), file);
      const p = countParams(spec);
      // training/hardware make it a complete workload for loadWorkload (the llm commands take these from flags).
      const w = { name: opts.name ?? file.replace(/^.*[\\/]/, "").replace(/\.json$/i, ""), model: spec, training: { batchSize: 1, precision: "bf16" }, hardware: { gpu: "h100-sxm-80gb", count: 8 } };
      const text = JSON.stringify(w, null, 2) + "\n";
      const out = pickAlias(opts.out, opts.output, ["-o/--out", "--output"]);
      writeOutput(out ?? "-", text, [file]);
      if (out !== undefined && out !== "-") process.stderr.write(`wrote ${out}: ${B(p.total)} parameters, ${B(p.active)} active\n`);
    });
}
