/** strata llm fit|context|perf|train|info|import: the MoE LLM planner (docs/llm.md). */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { getGpu } from "../catalog/gpus.js";
import { UserError } from "../spec/errors.js";
import { KvPrecision, WeightPrecision } from "../spec/moe-transformer.js";
import { parseDocument, readText } from "../spec/load.js";
import { fitModel, type FitOptions, type FitResult } from "../llm/fit.js";
import { SERVING } from "../llm/memory.js";
import { countParams } from "../llm/params.js";
import { requireSpec, resolveModel } from "../llm/presets.js";
import { importHfConfig } from "../llm/hf-import.js";
import { table } from "../report/format.js";
import { parsePositiveNumber, printJson } from "./run.js";

const positiveInt = (flag: string) => (v: string): number => {
  const n = parsePositiveNumber(flag)(v);
  if (!Number.isInteger(n)) throw new UserError(`${flag}: expected a positive integer, found ${JSON.stringify(v)}`);
  return n;
};
const choice = <T extends string>(flag: string, values: readonly T[]) => (v: string): T => {
  if (!(values as readonly string[]).includes(v)) throw new UserError(`${flag}: expected one of ${values.join(", ")}, found ${JSON.stringify(v)}`);
  return v as T;
};

const GB = (b: number): string => (b / 1e9).toFixed(2);
const B = (n: number): string => `${(n / 1e9).toFixed(2)}B`;
const tokens = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "unbounded");

interface DeployOpts {
  model: string;
  gpu: string;
  count: number;
  weights: "bf16" | "fp8" | "int4";
  kv: "bf16" | "fp8";
  tp?: number;
  pp?: number;
  ep?: number;
  batch?: number;
  utilization?: number;
  json?: boolean;
}

function deploymentOptions(cmd: Command, defaults: { count?: number } = {}): Command {
  return cmd
    .requiredOption("--model <id-or-file>", "preset id (strata llm info), workload/model spec file, or Hugging Face config.json")
    .option("--gpu <id>", "GPU from the catalog", "h100-sxm-80gb")
    .option("--count <n>", "GPUs (tensor parallel over all unless --tp/--pp)", positiveInt("--count"), defaults.count ?? 1)
    .option("--weights <p>", "weight storage precision: bf16 | fp8 | int4", choice("--weights", WeightPrecision.options), "bf16")
    .option("--kv <p>", "KV cache precision: bf16 | fp8", choice("--kv", KvPrecision.options), "bf16")
    .option("--tp <n>", "tensor-parallel degree (default: count / pp)", positiveInt("--tp"))
    .option("--pp <n>", "pipeline-parallel degree", positiveInt("--pp"))
    .option("--ep <n>", "expert-parallel degree within the tp group", positiveInt("--ep"))
    .option("--utilization <f>", `share of GPU memory the engine may use (vLLM default ${SERVING.memoryUtilization})`, parsePositiveNumber("--utilization"))
    .option("--json", "print JSON");
}

function runFit(o: DeployOpts): { result: FitResult; name: string } {
  const m = resolveModel(o.model);
  const spec = requireSpec(m);
  if (o.utilization !== undefined && o.utilization > 1) throw new UserError(`--utilization: expected a fraction in (0, 1], found ${o.utilization}`);
  const opts: FitOptions = { weights: o.weights, kv: o.kv, count: o.count, tp: o.tp, pp: o.pp, ep: o.ep, batch: o.batch, utilization: o.utilization };
  return { result: fitModel(spec, getGpu(o.gpu), opts), name: m.name };
}

function assumptions(r: FitResult): string[] {
  const d = r.detail;
  return [
    `Assumptions (docs/llm.md): ${(SERVING.memoryUtilization * 100).toFixed(0)}% of the ${GB(d.usableBytesPerGpu / (SERVING.memoryUtilization))} GB the driver exposes (vLLM gpu_memory_utilization), unless --utilization;`,
    `  reserve per GPU ${GB(d.reserve.total)} GB = profiling-run activations over ${SERVING.maxNumBatchedTokens} tokens ${GB(d.reserve.activations)} + sampler dummy run (${SERVING.maxNumSeqs} rows of fp32 logits) ${GB(d.reserve.sampler)} + engine reserve ${GB(d.reserve.engine)} (CUDA/NCCL/cuBLAS, compile, allocator; one global constant).`,
    `  Chunked layers hold at most window + ${SERVING.maxNumBatchedTokens} prefill tokens in the hybrid figure; both figures are capped at the model's ${tokens(d.maxPosition)} positions; "fits" needs at least ${tokens(d.minContext)} tokens of context.`,
  ];
}

export function registerLlm(program: Command): void {
  const llm = program.command("llm").description("MoE LLMs (Llama 4, Mixtral, DeepSeek-V3, Qwen3-MoE): fit, context, perf, train, info, import");

  deploymentOptions(llm.command("fit").description("does a model fit N GPUs at given precisions; largest context with full and with hybrid KV")).action((o: DeployOpts) => {
    const { result: r, name } = runFit(o);
    if (o.json) {
      return printJson({ fits: r.fits, params: r.params, weightsBytes: r.weightsBytes, kvBytesPerToken: r.kvBytesPerToken, maxContextTokens: r.maxContextTokens, maxContextTokensHybrid: r.maxContextTokensHybrid });
    }
    const d = r.detail;
    const naive = r.maxContextTokens;
    process.stdout.write([
      `${name} on ${d.parallelism.tp * d.parallelism.pp} x ${o.gpu} (tp ${d.parallelism.tp}, pp ${d.parallelism.pp}, ep ${d.parallelism.ep}), weights ${o.weights}, KV ${o.kv}: ${r.fits ? "FITS" : "DOES NOT FIT"}`,
      `  parameters ${B(r.params.total)} total, ${B(r.params.active)} active; weights ${GB(r.weightsBytes)} GB (${GB(d.weightsBytesPerGpu)} GB per GPU)`,
      `  per GPU: usable ${GB(d.usableBytesPerGpu)} GB - weights ${GB(d.weightsBytesPerGpu)} - reserve ${GB(d.reserve.total)} = ${GB(d.freeForKvBytesPerGpu)} GB for KV`,
      `  KV per token: ${tokens(r.kvBytesPerToken)} B all layers (${tokens(d.kvBytesPerTokenPerGpu)} B per GPU); global layers only ${tokens(d.kvBytesPerTokenGlobalPerGpu)} B per GPU`,
      `  max context, every layer full KV (vLLM 0.8, naive calculators): ${tokens(naive)} tokens${d.uncappedContextTokens > d.maxPosition ? ` (KV allows ${tokens(d.uncappedContextTokens)}, capped)` : ""}`,
      `  max context, hybrid KV (chunked layers bounded by their window): ${tokens(r.maxContextTokensHybrid)} tokens${d.uncappedContextTokensHybrid > d.maxPosition ? ` (KV allows ${tokens(d.uncappedContextTokensHybrid)}, capped)` : ""}`,
      ...assumptions(r),
      "",
    ].join("\n"));
  });

  deploymentOptions(llm.command("context").description("largest context per sequence for batches of sequences, full vs hybrid KV"))
    .option("--batch <list>", "comma-separated batch sizes", "1,8,32,128")
    .action((o: Omit<DeployOpts, "batch"> & { batch: string }) => {
      const batches = o.batch.split(",").map((s) => positiveInt("--batch")(s.trim()));
      const rows = batches.map((b) => ({ batch: b, ...runFit({ ...o, batch: b }).result }));
      if (o.json) return printJson({ model: o.model, gpu: o.gpu, count: o.count, rows: rows.map((r) => ({ batch: r.batch, maxContextTokens: r.maxContextTokens, maxContextTokensHybrid: r.maxContextTokensHybrid, totalTokens: r.batch * r.maxContextTokens, totalTokensHybrid: r.batch * r.maxContextTokensHybrid })) });
      process.stdout.write(table(["batch", "context/seq (all layers)", "context/seq (hybrid)", "tokens in cache (all)", "tokens (hybrid)"],
        rows.map((r) => [String(r.batch), tokens(r.maxContextTokens), tokens(r.maxContextTokensHybrid), tokens(r.batch * r.maxContextTokens), tokens(r.batch * r.maxContextTokensHybrid)]), [true, true, true, true, true]) + "\n" + assumptions(rows[0]!).join("\n") + "\n");
    });

  llm.command("import")
    .description("convert a Hugging Face config.json (Llama 4, Mixtral, Qwen MoE, DeepSeek-V3) to a moe-transformer workload")
    .argument("<config>", "config.json")
    .option("-o, --output <file>", "write the workload here instead of stdout")
    .option("--name <name>", "workload name")
    .action((file: string, opts: { output?: string; name?: string }) => {
      const spec = importHfConfig(parseDocument(readText(file), file), file);
      const p = countParams(spec);
      // training/hardware make it a complete workload for loadWorkload (the llm commands take these from flags).
      const w = { name: opts.name ?? file.replace(/^.*[\\/]/, "").replace(/\.json$/i, ""), model: spec, training: { batchSize: 1, precision: "bf16" }, hardware: { gpu: "h100-sxm-80gb", count: 8 } };
      const text = JSON.stringify(w, null, 2) + "\n";
      if (opts.output) {
        writeFileSync(opts.output, text);
        process.stderr.write(`wrote ${opts.output}: ${B(p.total)} parameters, ${B(p.active)} active\n`);
      } else process.stdout.write(text);
    });
}
