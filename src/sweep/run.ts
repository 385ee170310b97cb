/**
 * One configuration of a sweep, run as its command would run it: the library calls the command
 * makes and the JSON it prints. Plain data in, plain JSON out (no wall-clock fields), so a
 * configuration's result is the same in any process, thread or host that runs it.
 */
import { llmFitJson, llmPerf, llmPerfJson } from "../commands/llm.js";
import { planInputs, runPlan } from "../commands/plan.js";
import { predict, predictJson } from "../commands/predict.js";
import { checkCatalogNames } from "../commands/workload.js";
import { tierJson, tierRun } from "../commands/tier.js";
import { BOUNDS, assertFinite, numberIn } from "../llm/bounds.js";
import { benchJson, runBench, type BenchOpts } from "../llm/bench.js";
import { ENGINE_IDS } from "../llm/engines.js";
import type { DeployOpts } from "../llm/deploy.js";
import { resolveModel } from "../llm/presets.js";
import { planJson } from "../report/plan-json.js";
import { UserError } from "../spec/errors.js";
import { validate } from "../spec/load.js";
import { KvPrecision, WeightPrecision } from "../spec/moe-transformer.js";
import { isDlrm, Workload } from "../spec/workload.js";
import { parsePath, setPath, type Configuration, type Params } from "./expand.js";
import { pack, type PackedRow } from "./packed.js";
import type { SweepCommand } from "./spec.js";

/** What a worker gets: the command, the base workload and fixed flags, and a chunk of configurations. */
export interface SweepTask {
  command: SweepCommand;
  /** the spec's two Pareto objectives, valued where each row runs (packed.ts) */
  objectives?: [string, string];
  base?: unknown;
  flags: Record<string, unknown>;
  configs: Configuration[];
}

export type SweepRow = { index: number; params: Params; result: unknown } | { index: number; params: Params; error: string };

const text = (flag: string, v: unknown): string => {
  if (typeof v !== "string" && typeof v !== "number") throw new UserError(`${flag}: expected a string, found ${v === undefined ? "nothing (give it in flags or grid)" : JSON.stringify(v)}`);
  return String(v);
};
const choice = <T extends string>(flag: string, v: unknown, values: readonly T[]): T => {
  if (!(values as readonly string[]).includes(v as string)) throw new UserError(`${flag}: expected one of ${values.join(", ")}, found ${JSON.stringify(v)}`);
  return v as T;
};
const num = (flag: string, v: unknown, min: number, max: number, o: { integer?: boolean; minExclusive?: boolean } = {}): number => numberIn(flag, min, max, o)(text(flag, v));
const opt = <T>(v: unknown, f: (v: unknown) => T): T | undefined => (v === undefined ? undefined : f(v));

/** The base workload with a configuration's field paths set, validated as a workload file would be. */
function workloadOf(base: unknown, params: Params, index: number): Workload {
  const w = structuredClone(base);
  for (const [key, value] of Object.entries(params)) {
    if (key.startsWith("--")) continue;
    const missing = setPath(w, parsePath(key)!, value);
    if (missing) throw new UserError(`${key}: the workload has no ${missing}`);
  }
  const where = `configuration ${index}`;
  return checkCatalogNames(validate(Workload, w, where), where);
}

function deployOpts(f: Record<string, unknown>, defaultCount: number): DeployOpts {
  const gpus = (flag: string) => opt(f[flag], (v) => num(flag, v, 1, BOUNDS.maxGpus, { integer: true }));
  return {
    model: text("--model", f["--model"]),
    gpu: opt(f["--gpu"], (v) => text("--gpu", v)) ?? "h100-sxm-80gb",
    count: gpus("--count") ?? defaultCount,
    weights: opt(f["--weights"], (v) => choice("--weights", v, WeightPrecision.options)) ?? "bf16",
    kv: opt(f["--kv"], (v) => choice("--kv", v, KvPrecision.options)) ?? "bf16",
    tp: gpus("--tp"),
    pp: gpus("--pp"),
    ep: gpus("--ep"),
    batch: opt(f["--batch"], (v) => num("--batch", v, 1, BOUNDS.maxBatch, { integer: true })),
    utilization: opt(f["--utilization"], (v) => num("--utilization", v, BOUNDS.utilization.min, BOUNDS.utilization.max)),
  };
}

/** `llm bench` flags of a configuration, checked as the command checks them (src/cli/llm-bench.ts). */
function benchOptsOf(f: Record<string, unknown>): BenchOpts {
  const int = (flag: string, max: number) => opt(f[flag], (v) => num(flag, v, 1, max, { integer: true }));
  return {
    model: text("--model", f["--model"]),
    gpu: opt(f["--gpu"], (v) => text("--gpu", v)) ?? "h100-sxm-80gb",
    count: int("--count", BOUNDS.maxGpus) ?? 8,
    weights: opt(f["--weights"], (v) => choice("--weights", v, WeightPrecision.options)) ?? "bf16",
    kv: opt(f["--kv"], (v) => choice("--kv", v, KvPrecision.options)),
    tp: int("--tp", BOUNDS.maxGpus),
    ep: int("--ep", BOUNDS.maxGpus),
    attentionDp: int("--attention-dp", BOUNDS.maxGpus),
    engine: choice("--engine", f["--engine"], ENGINE_IDS),
    input: num("--input", f["--input"], 1, Number.MAX_SAFE_INTEGER, { integer: true }),
    output: num("--output", f["--output"], 1, Number.MAX_SAFE_INTEGER, { integer: true }),
    concurrency: int("--concurrency", BOUNDS.maxConcurrency),
    requests: int("--requests", BOUNDS.maxRequests),
    rate: opt(f["--rate"], (v) => num("--rate", v, 0, BOUNDS.rate.max, { minExclusive: true })),
    rangeRatio: opt(f["--range-ratio"], (v) => num("--range-ratio", v, 0, 1)),
    seed: opt(f["--seed"], (v) => num("--seed", v, 0, Number.MAX_SAFE_INTEGER, { integer: true })),
  };
}

/** The result JSON of one configuration (as `strata COMMAND --json` prints it); throws on a bad one. */
export async function runConfiguration(task: Omit<SweepTask, "configs">, c: Configuration): Promise<unknown> {
  const f: Record<string, unknown> = { ...task.flags };
  for (const [k, v] of Object.entries(c.params)) if (k.startsWith("--")) f[k] = v;
  const str = (flag: string) => opt(f[flag], (v) => text(flag, v));
  const positive = (flag: string) => opt(f[flag], (v) => num(flag, v, 0, Infinity, { minExclusive: true }));
  switch (task.command) {
    case "predict": {
      const w = workloadOf(task.base, c.params, c.index);
      return predictJson(predict({ workloads: [w], gpu: str("--gpu"), implementation: str("--implementation"), host: str("--host"), hostSpeed: positive("--host-speed") })).results[0];
    }
    case "plan": {
      const w = workloadOf(task.base, c.params, c.index);
      const inputs = planInputs({
        workload: w, cluster: str("--cluster"), strategy: str("--strategy"), implementation: str("--implementation"), commPrecision: str("--comm-precision"),
        milpSeconds: positive("--milp-seconds"), host: str("--host"), hostSpeed: positive("--host-speed"),
      }, `configuration ${c.index}`);
      return planJson(await runPlan(inputs));
    }
    case "tier": {
      const w = workloadOf(task.base, c.params, c.index);
      if (!isDlrm(w)) throw new UserError(`tier places DLRM embedding tables; model.kind is "${w.model.kind}"`);
      const r = await tierRun(w, {
        node: text("--node", f["--node"]), baselineNode: str("--baseline-node"), mode: text("--mode", f["--mode"]),
        targetStepMs: positive("--target-step-ms"), qps: positive("--qps"), p99Ms: positive("--p99-ms"), policy: str("--policy"),
      });
      return tierJson(r);
    }
    case "llm fit": {
      const o = deployOpts(f, 1);
      return llmFitJson(o, resolveModel(o.model));
    }
    case "llm bench": {
      const result = benchJson(runBench(benchOptsOf(f)));
      assertFinite(result);
      return result;
    }
    case "llm perf": {
      const o = { ...deployOpts(f, 8), price: opt(f["--price"], (v) => num("--price", v, 0, BOUNDS.price.max, { minExclusive: true })) };
      const prompt = opt(f["--prompt"], (v) => num("--prompt", v, 1, Number.MAX_SAFE_INTEGER, { integer: true }));
      const output = opt(f["--output-tokens"], (v) => num("--output-tokens", v, 1, Number.MAX_SAFE_INTEGER, { integer: true }));
      return llmPerfJson(llmPerf(o, resolveModel(o.model), [o.batch ?? 1], prompt, output));
    }
  }
}

/** Run a chunk of configurations in order; a configuration that fails is a row with its error. */
export async function runChunk(task: SweepTask): Promise<PackedRow[]> {
  const rows: PackedRow[] = [];
  for (const c of task.configs) {
    let row: SweepRow;
    try {
      row = { index: c.index, params: c.params, result: await runConfiguration(task, c) };
    } catch (err) {
      const message = err instanceof UserError ? err.message : `internal error: ${(err as Error)?.message ?? String(err)}`;
      row = { index: c.index, params: c.params, error: message };
    }
    rows.push(pack(row, task));
  }
  return rows;
}
