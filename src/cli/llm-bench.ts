/**
 * strata llm bench: what an engine's benchmark (trtllm-bench, vllm bench serve, SGLang
 * bench_serving) prints for a deployment and a load; strata llm sweep: the front of output
 * tokens/s per GPU against tokens/s per user over TP, EP, precision and concurrency, as NVIDIA's
 * aiconfigurator shows it, run through the sweep machinery (src/sweep). docs/llm.md.
 */
import { availableParallelism } from "node:os";
import { Option, type Command } from "commander";
import { KvPrecision, WeightPrecision } from "../spec/moe-transformer.js";
import { BOUNDS, listOf, numberIn } from "../llm/bounds.js";
import { benchJson, kvLines, runBench, type BenchOpts } from "../llm/bench.js";
import { ENGINE_IDS, type EngineId } from "../llm/engines.js";
import { GIB } from "../llm/memory.js";
import { resolveModel } from "../llm/presets.js";
import { table } from "../report/format.js";
import type { SweepRow } from "../sweep/run.js";
import { choice, gpuCount, positiveInt, printFinite, writeFinite } from "./llm-flags.js";
import { parsePositiveInteger, writeOutput } from "./run.js";

const fmt = (x: number, digits = 0): string => x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** The load flags both commands take. */
function loadOptions(cmd: Command): Command {
  return cmd
    .requiredOption("--model <id-or-file>", "preset id (strata llm info), workload/model spec file, or Hugging Face config.json")
    .option("--gpu <id>", "GPU from the catalog (strata catalog)", "h100-sxm-80gb")
    .requiredOption("--engine <id>", `serving engine: ${ENGINE_IDS.join(" | ")} (profiles with sources: data/llm/engines.json)`, choice("--engine", ENGINE_IDS))
    .requiredOption("--input <n>", "input (prompt) tokens per request", positiveInt("--input", Number.MAX_SAFE_INTEGER))
    .requiredOption("--output <n>", "output (generated) tokens per request", positiveInt("--output", Number.MAX_SAFE_INTEGER))
    .option("--range-ratio <r>", "request lengths uniform in [r x L, L], as vllm bench serve / SGLang bench_serving --random-range-ratio (default 1: fixed)", numberIn("--range-ratio", 0, 1, { what: "a fraction" }))
    .option("--rate <req/s>", `Poisson arrivals at this rate (default: all at once; at most ${BOUNDS.rate.max.toExponential().replace("e+", "e")})`, numberIn("--rate", 0, BOUNDS.rate.max, { minExclusive: true, what: "a rate" }))
    .option("--seed <n>", "seed of the request lengths and arrivals (default 1)", numberIn("--seed", 0, Number.MAX_SAFE_INTEGER, { integer: true, what: "an integer" }));
}

interface BenchCliOpts extends Omit<BenchOpts, "engine"> {
  engine: EngineId;
  json?: boolean;
}

export function registerLlmBench(llm: Command): void {
  loadOptions(llm.command("bench").description("an engine's benchmark run simulated step by step (trtllm-bench, vllm bench serve, SGLang bench_serving): output/total tokens/s, requests/s, TTFT, TPOT; KV capacity and max concurrency as vLLM prints them"))
    .option("--count <n>", `GPUs (tensor parallel over all; at most ${BOUNDS.maxGpus.toExponential().replace("e+", "e")})`, gpuCount("--count"), 8)
    .option("--weights <p>", "weight precision: bf16 | fp8 | int4 | fp4 (fp4: NVFP4/MXFP4 on FP4 tensor cores)", choice("--weights", WeightPrecision.options), "bf16")
    .option("--kv <p>", "KV cache precision: bf16 | fp8 (default: the engine's for these weights)", choice("--kv", KvPrecision.options))
    .option("--tp <n>", "tensor-parallel degree (= --count)", gpuCount("--tp"))
    .option("--ep <n>", "expert-parallel degree over the tp group (default 1, or tp with attention DP)", gpuCount("--ep"))
    .option("--attention-dp <n>", "attention data-parallel ranks (1 = off; default: the engine's benchmark setup, TensorRT-LLM on for MoE)", gpuCount("--attention-dp"))
    .option("--concurrency <n>", `at most this many requests in flight (closed loop; 10 x concurrency requests unless --requests; at most ${BOUNDS.maxConcurrency.toExponential().replace("e+", "e")})`, positiveInt("--concurrency", BOUNDS.maxConcurrency))
    .option("--requests <n>", `requests in the run; without --concurrency an offline run, all queued at once (at most ${BOUNDS.maxRequests.toExponential().replace("e+", "e")})`, positiveInt("--requests", BOUNDS.maxRequests))
    .option("--json", "print JSON")
    .action((o: BenchCliOpts) => {
      const model = resolveModel(o.model);
      const b = runBench(o, model);
      if (o.json) return printFinite(benchJson(b));
      const d = b.deployment;
      const w = b.workload;
      const load = w.concurrency !== undefined ? `concurrency ${w.concurrency}, ${w.requests} requests` : w.rate !== undefined ? `${w.rate} req/s, ${w.requests} requests` : `offline, ${w.requests} requests queued at once`;
      const head = [
        `${d.name} on ${d.par.tp} x ${d.gpu.id} with ${d.engine.name} (tp ${d.par.tp}, ep ${d.par.ep}${(d.par.dp ?? 1) > 1 ? `, attention DP ${d.par.dp}` : ""}), weights ${o.weights}, KV ${d.kv}; ${w.input} in / ${w.output} out${(w.rangeRatio ?? 1) < 1 ? ` (lengths from ${w.rangeRatio} x)` : ""}, ${load}`,
        ...kvLines(b).map((l) => `  ${l}`),
        `  memory per GPU: ${(d.memory.usableBytesPerGpu / GIB).toFixed(2)} GiB usable - weights ${(d.memory.weightsBytesPerGpu / GIB).toFixed(2)} - reserve ${(d.memory.reserveBytesPerGpu / GIB).toFixed(2)} = ${(Math.max(0, d.memory.kvBytesPerGpu) / GIB).toFixed(2)} GiB of KV (${d.memory.rule})`,
        `  scheduler: ${d.limits.rule}; ${d.engine.scheduler.policy}, ${d.engine.scheduler.mixPrefillDecode ? "prefill and decode in one step" : "prefill batches before decode"}${d.engine.host.overlap ? ", overlap scheduler" : ""}`,
      ];
      if (!b.fits || !b.run) {
        writeFinite([...head, `  DOES NOT FIT: ${b.reason}`, ""].join("\n"));
        return;
      }
      const r = b.run;
      const ds = b.decodeStep!;
      writeFinite([
        ...head,
        "",
        table(["metric", "value"], [
          ["Benchmark duration (s)", r.durationS.toFixed(2)],
          ["Request throughput (req/s)", r.requestsPerSec.toFixed(2)],
          ["Output token throughput (tok/s)", fmt(r.outputTokensPerSec, 1)],
          ["Total token throughput (tok/s)", fmt(r.totalTokensPerSec, 1)],
          ["Output tok/s per GPU", fmt(r.outputTokensPerSec / d.par.tp, 1)],
          ["Mean TTFT (ms)", r.ttft.meanMs.toFixed(1)],
          ["P99 TTFT (ms)", r.ttft.p99Ms.toFixed(1)],
          ["Mean TPOT (ms)", r.tpot.meanMs.toFixed(2)],
          ["P99 TPOT (ms)", r.tpot.p99Ms.toFixed(2)],
          ["Mean E2E latency (ms)", r.e2e.meanMs.toFixed(1)],
          ["Mean decode batch", r.meanDecodeBatch.toFixed(1)],
          ["Steps (mean ms)", `${fmt(r.steps)} (${r.meanStepMs.toFixed(2)})`],
        ], [false, true]),
        "",
        `A decode step of ${ds.batch} sequences at context ${ds.context}: ${ds.engineMs.toFixed(2)} ms with ${d.engine.id}'s kernels, ${ds.rooflineMs.toFixed(2)} ms as strata llm perf's roofline times it.`,
        `Fitted on the development results: ${d.engine.fitted.length ? d.engine.fitted.join(", ") : "none"} (docs/llm.md, "Engines").`,
        "",
      ].join("\n"));
    });
}

const intList = (flag: string, max: number) => listOf(flag, positiveInt(flag, max));

interface SweepCliOpts {
  model: string;
  gpu: string;
  engine: EngineId;
  input: number;
  output: number;
  rangeRatio?: number;
  rate?: number;
  seed?: number;
  tp: number[];
  ep?: number[];
  attentionDp?: number[];
  weights: WeightPrecision[];
  kv?: KvPrecision[];
  concurrency: number[];
  requests?: number;
  workers?: number;
  json?: boolean;
  out?: string;
}

const OBJECTIVES: [string, string] = ["outputTokensPerSecPerGpu", "outputTokensPerSecPerUser"];

export function registerLlmSweep(llm: Command): void {
  const cmd = loadOptions(llm.command("sweep").description("the front of output tokens/s per GPU against tokens/s per user over TP, EP, attention DP, precision and concurrency (llm bench runs on the sweep workers), with the KV capacity and max concurrency of each deployment on it"))
    .addOption(new Option("--tp <list>", "tensor-parallel degrees, one deployment of tp GPUs each (comma-separated)").argParser(intList("--tp", BOUNDS.maxGpus)).default([8], "8"))
    .addOption(new Option("--ep <list>", "expert-parallel degrees (default: the engine's)").argParser(intList("--ep", BOUNDS.maxGpus)))
    .addOption(new Option("--attention-dp <list>", "attention data-parallel ranks (default: the engine's)").argParser(intList("--attention-dp", BOUNDS.maxGpus)))
    .addOption(new Option("--weights <list>", "weight precisions: bf16, fp8, int4, fp4").argParser(listOf("--weights", choice("--weights", WeightPrecision.options))).default(["fp8"], "fp8"))
    .addOption(new Option("--kv <list>", "KV cache precisions (default: the engine's)").argParser(listOf("--kv", choice("--kv", KvPrecision.options))))
    .addOption(new Option("--concurrency <list>", "requests in flight (closed loop)").argParser(intList("--concurrency", BOUNDS.maxConcurrency)).default([1, 4, 16, 64, 256], "1,4,16,64,256"))
    .option("--requests <n>", "requests per run (default 10 x concurrency)", positiveInt("--requests", BOUNDS.maxRequests))
    .option("--workers <n>", "worker threads (default: the available cores)", parsePositiveInteger("--workers"))
    .option("--json", "print every run, the front and the KV lines as JSON")
    .option("-o, --out <file>", "also write the JSON here (atomically)");
  cmd.action(async (o: SweepCliOpts) => {
    // The sweep machinery (and the commands it can run) loads only for this command.
    const [{ defaultDirection, paretoFront, score }, { runSweep }, { planSweep, SweepSpec }, { unpack }] = await Promise.all([import("../sweep/pareto.js"), import("../sweep/pool.js"), import("../sweep/spec.js"), import("../sweep/packed.js")]);
    const grid: Record<string, unknown[]> = {
      "--count": o.tp,
      ...(o.ep ? { "--ep": o.ep } : {}),
      ...(o.attentionDp ? { "--attention-dp": o.attentionDp } : {}),
      "--weights": o.weights,
      ...(o.kv ? { "--kv": o.kv } : {}),
      "--concurrency": o.concurrency,
    };
    const flags: Record<string, string | number> = { "--model": o.model, "--gpu": o.gpu, "--engine": o.engine, "--input": o.input, "--output": o.output };
    if (o.rangeRatio !== undefined) flags["--range-ratio"] = o.rangeRatio;
    if (o.rate !== undefined) flags["--rate"] = o.rate;
    if (o.seed !== undefined) flags["--seed"] = o.seed;
    if (o.requests !== undefined) flags["--requests"] = o.requests;
    const plan = planSweep(SweepSpec.parse({ command: "llm bench", flags, grid, pareto: OBJECTIVES }), "llm sweep");
    const rows = (await runSweep(plan, o.workers ?? availableParallelism())).map(unpack);
    const front = paretoFront(score(plan.command, rows, OBJECTIVES, plan.flags), [defaultDirection(OBJECTIVES[0]), defaultDirection(OBJECTIVES[1])]);
    const doc = sweepJson(rows, front, o);
    if (o.out !== undefined && o.out !== "-") writeOutput(o.out, JSON.stringify(doc, null, 2) + "\n");
    if (o.json) return printFinite(doc);
    writeFinite(sweepText(rows, front, o));
  });
}

type Result = ReturnType<typeof benchJson>;
const resultOf = (r: SweepRow): Result | undefined => ("result" in r ? (r.result as Result) : undefined);

function sweepJson(rows: SweepRow[], front: number[], o: SweepCliOpts) {
  return {
    model: o.model, gpu: o.gpu, engine: o.engine, input: o.input, output: o.output,
    objectives: OBJECTIVES,
    runs: rows.length,
    results: rows,
    pareto: front,
    front: front.map((i) => {
      const r = resultOf(rows[i]!)!;
      return { index: i, params: rows[i]!.params, outputTokensPerSecPerGpu: r.outputTokensPerSecPerGpu, outputTokensPerSecPerUser: r.outputTokensPerSecPerUser, meanTtftMs: r.meanTtftMs, meanTpotMs: r.meanTpotMs, kvCacheTokens: r.kvCacheTokens, maxConcurrency: r.maxConcurrency };
    }),
  };
}

function sweepText(rows: SweepRow[], front: number[], o: SweepCliOpts): string {
  const failed = rows.filter((r) => "error" in r);
  const unfit = rows.filter((r) => resultOf(r)?.fits === false);
  const len = o.input + o.output;
  const head = ["tp (GPUs)", "ep", "attn DP", "weights", "KV", "concurrency", "tok/s/GPU", "tok/s/user", "TTFT ms", "TPOT ms"];
  const line = (i: number): string[] => {
    const r = resultOf(rows[i]!)!;
    const p = rows[i]!.params;
    return [String(p["--count"]), String(r.parallelism.ep), String(r.parallelism.attentionDp), String(p["--weights"]), r.kv, String(p["--concurrency"]), fmt(r.outputTokensPerSecPerGpu, 1), fmt(r.outputTokensPerSecPerUser, 1), r.meanTtftMs.toFixed(0), r.meanTpotMs.toFixed(2)];
  };
  // One KV line per deployment on the front, as vLLM prints them at start-up.
  const deployments = new Map<string, Result>();
  for (const i of front) {
    const r = resultOf(rows[i]!)!;
    deployments.set(`tp ${r.parallelism.tp}, ep ${r.parallelism.ep}, attention DP ${r.parallelism.attentionDp}, weights ${rows[i]!.params["--weights"]}, KV ${r.kv}`, r);
  }
  return [
    `${o.model} on ${o.gpu} with ${o.engine}, ${o.input} in / ${o.output} out: ${rows.length} runs${failed.length ? `, ${failed.length} failed` : ""}${unfit.length ? `, ${unfit.length} do not fit` : ""}`,
    "",
    `Pareto front of output tokens/s per GPU against tokens/s per user (1000 / mean TPOT), prefill and decode: ${front.length} configuration${front.length === 1 ? "" : "s"}`,
    // Fastest per user first: the front from latency-bound to throughput-bound configurations.
    table(head, [...front].sort((a, b) => resultOf(rows[b]!)!.outputTokensPerSecPerUser - resultOf(rows[a]!)!.outputTokensPerSecPerUser).map(line), head.map((_, i) => i >= 5)),
    "",
    "KV cache of the deployments on the front (vLLM's start-up lines):",
    ...[...deployments].flatMap(([k, r]) => [`  ${k}: GPU KV cache size: ${fmt(r.kvCacheTokens)} tokens; Maximum concurrency for ${fmt(len)} tokens per request: ${r.maxConcurrency.toFixed(2)}x`]),
    ...(failed.length ? ["", "Failed configurations:", ...failed.slice(0, 5).map((r) => `  ${JSON.stringify(r.params)}: ${"error" in r ? r.error.split("\n").join(" ") : ""}`)] : []),
    "",
  ].join("\n");
}
