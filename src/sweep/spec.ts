/**
 * Sweep specs (docs/sweeps.md): one command run over a grid of field paths and flags and a
 * seeded Latin-hypercube sample, then the Pareto front of two objectives and the top k.
 */
import { dirname, isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { dlrmPreset, PRESETS } from "../catalog/dlrm-presets.js";
import { checkCatalogNames, readWorkload } from "../cli/inputs.js";
import { UserError, describeValue } from "../spec/errors.js";
import { parseDocument, readText, validate } from "../spec/load.js";
import { Workload } from "../spec/workload.js";
import { configurations, parsePath, setPath, type Configuration } from "./expand.js";

export const COMMANDS = ["predict", "plan", "tier", "llm fit", "llm perf", "llm bench"] as const;
export type SweepCommand = (typeof COMMANDS)[number];

const DEPLOY_FLAGS = ["--model", "--gpu", "--count", "--weights", "--kv", "--tp", "--pp", "--ep", "--batch", "--utilization"];
/** The flags each command's configurations may set (as the command spells them). */
export const FLAGS: Record<SweepCommand, readonly string[]> = {
  predict: ["--gpu", "--implementation", "--host", "--host-speed"],
  plan: ["--cluster", "--strategy", "--implementation", "--comm-precision", "--milp-seconds", "--host", "--host-speed"],
  tier: ["--node", "--baseline-node", "--mode", "--target-step-ms", "--qps", "--p99-ms", "--policy"],
  "llm fit": DEPLOY_FLAGS,
  "llm perf": [...DEPLOY_FLAGS, "--prompt", "--output-tokens", "--price"],
  "llm bench": ["--model", "--gpu", "--count", "--weights", "--kv", "--tp", "--ep", "--attention-dp", "--engine", "--input", "--output", "--concurrency", "--requests", "--rate", "--range-ratio", "--seed"],
};
/** Commands whose base is a workload (field paths apply to it). */
export const takesWorkload = (c: SweepCommand): boolean => c === "predict" || c === "plan" || c === "tier";

/** Most configurations one sweep may have: past it a spec is a typo (a grid of grids). */
export const MAX_CONFIGURATIONS = 1_000_000;

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
const Range = z.union([
  z.tuple([z.number(), z.number()]).transform(([min, max]) => ({ min, max })),
  z.object({ min: z.number(), max: z.number(), integer: z.boolean().optional(), log: z.boolean().optional() }).strict(),
]).refine((r) => r.min <= r.max, { message: "expected min <= max" }).refine((r) => !("log" in r && r.log) || r.min > 0, { message: "a log range needs min > 0" });

export const SweepSpec = z.object({
  command: z.enum(COMMANDS),
  /** predict, plan, tier: a workload file (relative to the spec) or "preset:NAME"; llm: the default --model. */
  base: z.string().min(1).optional(),
  /** Flags every configuration gets (a grid key of the same name wins). */
  flags: z.record(z.string(), Scalar).default({}),
  grid: z.record(z.string(), z.array(z.unknown()).min(1)).default({}),
  sample: z.object({
    count: z.number().int().positive().max(MAX_CONFIGURATIONS),
    seed: z.number().int().nonnegative().default(1),
    ranges: z.record(z.string(), Range),
  }).strict().optional(),
  /** Two objectives: result fields (dot paths), derived figures (docs/sweeps.md) or params. */
  pareto: z.tuple([z.string().min(1), z.string().min(1)]).optional(),
  /** min or max per objective (default: max for throughputs and context, min for the rest). */
  objectives: z.record(z.string(), z.enum(["min", "max"])).default({}),
  /** The k best configurations by the first Pareto objective. */
  top: z.number().int().positive().optional(),
  /** Configurations per task handed to a worker (default: about 8 tasks per worker, at most 16 each). */
  chunk: z.number().int().positive().max(10000).optional(),
}).strict();
export type SweepSpec = z.infer<typeof SweepSpec>;

/** A loaded sweep: everything a worker needs is plain data (no file paths). */
export interface SweepPlan {
  file: string;
  spec: SweepSpec;
  command: SweepCommand;
  /** The base workload (predict, plan), defaults applied. */
  base?: Workload;
  flags: Record<string, string | number | boolean>;
  configs: Configuration[];
}

function fail(file: string, path: string, expected: string, found: unknown): never {
  const message = `expected ${expected}; found ${describeValue(found)}`;
  throw new UserError(`${file}: invalid sweep spec\n  at ${path}: ${message}`, { path, message });
}

function loadBase(file: string, base: string): Workload {
  return presetBase(file, base) ?? readWorkload(isAbsolute(base) ? base : resolve(dirname(file), base));
}

/** A "preset:NAME" base, validated as a workload file (undefined when `base` is not one). */
export function presetBase(file: string, base: string): Workload | undefined {
  if (base.startsWith("preset:")) {
    const name = base.slice("preset:".length);
    if (!(PRESETS as readonly string[]).includes(name)) fail(file, "base", `"preset:" and one of ${PRESETS.join(", ")}`, base);
    return checkCatalogNames(validate(Workload, dlrmPreset(name), `${file}: base ${base}`), `${file}: base ${base}`);
  }
  return undefined;
}

/** Read, validate and expand a sweep spec (JSON or YAML); every error names the file and the field. */
export function loadSweep(file: string): SweepPlan {
  const spec = validate(SweepSpec, parseDocument(readText(file), file), file, "sweep spec");
  return planSweep(spec, file);
}

/** Expand a validated spec; `baseOf` reads a workload base (a file relative to the spec, or "preset:NAME"). */
export function planSweep(spec: SweepSpec, file: string, baseOf: (base: string) => Workload = (b) => loadBase(file, b)): SweepPlan {
  const command = spec.command;
  const known = FLAGS[command];
  const keys = [...Object.keys(spec.grid).map((k) => ({ k, at: `grid.${k}` })), ...Object.keys(spec.sample?.ranges ?? {}).map((k) => ({ k, at: `sample.ranges.${k}` }))];
  for (const k of Object.keys(spec.flags)) if (!known.includes(k)) fail(file, `flags.${k}`, `a flag of ${command}: ${known.join(", ")}`, k);
  if (takesWorkload(command) && spec.base === undefined) fail(file, "base", `a workload file or "preset:NAME" (${command} runs on a workload)`, undefined);
  const base = takesWorkload(command) ? baseOf(spec.base!) : undefined;
  if (!takesWorkload(command) && spec.base === undefined && !("--model" in spec.flags) && !("--model" in spec.grid)) fail(file, "base", "the model (a preset id or file), or --model in flags or grid", undefined);
  for (const { k, at } of keys) {
    if (k.startsWith("--")) {
      if (!known.includes(k)) fail(file, at, `a flag of ${command}: ${known.join(", ")}`, k);
      continue;
    }
    if (!takesWorkload(command)) fail(file, at, `a flag of ${command} (${known.join(", ")}): ${command} has no workload for field paths`, k);
    const path = parsePath(k);
    if (!path) fail(file, at, `a field path such as "training.batchSize" or "model.tables[0].pooling", or a flag such as "--gpu"`, k);
    // Where the path leads nowhere in the base, every configuration would fail the same way.
    const missing = setPath(structuredClone(base), path, null);
    if (missing) fail(file, at, `a path into the base workload; it has no ${missing}`, k);
  }
  const sample = spec.sample ? { count: spec.sample.count, seed: spec.sample.seed, ranges: spec.sample.ranges } : undefined;
  const total = Object.values(spec.grid).reduce((n, v) => n * v.length, 1) * (sample?.count ?? 1);
  if (total > MAX_CONFIGURATIONS) fail(file, "grid", `at most ${MAX_CONFIGURATIONS.toLocaleString("en-US")} configurations`, `${total} configurations`);
  if (spec.top !== undefined && !spec.pareto) fail(file, "top", "pareto objectives to rank by (top k ranks by the first)", undefined);
  const flags = { ...spec.flags, ...(!takesWorkload(command) && spec.base !== undefined && !("--model" in spec.flags) ? { "--model": spec.base } : {}) };
  if (flags["--model"] !== undefined && typeof flags["--model"] === "string" && !isAbsolute(flags["--model"]) && /[\\/]|\.(json|ya?ml)$/i.test(flags["--model"])) {
    flags["--model"] = resolve(dirname(file), flags["--model"]);
  }
  return { file, spec, command, base, flags, configs: configurations(spec.grid, sample) };
}
