/** strata sweep SPEC: run a command over a grid and a sample of configurations; Pareto front and top k (docs/sweeps.md). */
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { SingleBar, Presets } from "cli-progress";
import { assertWritable } from "../io/output.js";
import { table } from "../report/format.js";
import { UserError } from "../spec/errors.js";
import { objectiveValue } from "../sweep/pareto.js";
import { directions, ranking } from "../commands/sweep.js";
import { documentText, unpack, type PackedRow } from "../sweep/packed.js";
import { runSweep } from "../sweep/pool.js";
import type { SweepRow } from "../sweep/run.js";
import { loadSweep, type SweepPlan } from "../sweep/spec.js";
import { addOutOption, outOf, parsePositiveInteger, writeOutput } from "./run.js";

const FORMATS = ["json", "jsonl", "csv"] as const;
type Format = (typeof FORMATS)[number];

/** Scalar leaves of a result as dot paths (arrays are left out of CSV: use jsonl for them). */
function leaves(value: unknown, prefix = "", out: Map<string, unknown> = new Map()): Map<string, unknown> {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (!Array.isArray(value) && prefix) out.set(prefix, value);
  return out;
}

const csvCell = (v: unknown): string => {
  if (v === undefined || v === null) return "";
  const s = typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function toCsv(rows: SweepRow[]): string {
  const params: string[] = [];
  const fields: string[] = [];
  const flat = rows.map((r) => ({ r, l: "result" in r ? leaves(r.result) : new Map<string, unknown>() }));
  for (const { r, l } of flat) {
    for (const k of Object.keys(r.params)) if (!params.includes(k)) params.push(k);
    for (const k of l.keys()) if (!fields.includes(k)) fields.push(k);
  }
  const head = ["index", ...params, "error", ...fields];
  const lines = flat.map(({ r, l }) => [r.index, ...params.map((k) => r.params[k]), "error" in r ? r.error.replace(/\n\s*/g, "; ") : "", ...fields.map((k) => l.get(k))].map(csvCell).join(","));
  return [head.map(csvCell).join(","), ...lines].join("\n") + "\n";
}

type Ranking = ReturnType<typeof ranking>;

export function formatRows(rows: readonly PackedRow[], rank: Ranking, format: Format): string {
  if (format === "jsonl") return rows.map((r) => r.json).join("\n") + (rows.length ? "\n" : "");
  if (format === "csv") return toCsv(rows.map(unpack));
  return documentText({ runs: rows.length, ...rank }, rows);
}

/** What a terminal shows: counts, the Pareto front and the top k with their objectives, the first errors (only those rows are parsed). */
function summary(plan: SweepPlan, rows: readonly PackedRow[], rank: Ranking): string {
  const failed = rows.filter((r) => r.failed).map(unpack);
  const out = [`${plan.file}: ${plan.command} over ${rows.length} configuration${rows.length === 1 ? "" : "s"}${failed.length ? `, ${failed.length} failed` : ""}`];
  const names = plan.spec.pareto;
  if (names) {
    const dirs = directions(plan);
    const keys = Object.keys(rows[0] ? unpack(rows[0]).params : {});
    const rowsOf = (indices: number[]) => indices.map((i) => unpack(rows[i]!)).map((r) => [String(r.index), ...keys.map((k) => (typeof r.params[k] === "string" ? (r.params[k] as string) : JSON.stringify(r.params[k]) ?? "")), ...names.map((n) => String(objectiveValue(plan.command, r, n, plan.flags) ?? ""))]);
    const head = ["index", ...keys, ...names.map((n, i) => `${n} (${dirs[i]})`)];
    const right = head.map((_, i) => i === 0 || i > keys.length);
    out.push("", `Pareto front of ${names[0]} (${dirs[0]}) and ${names[1]} (${dirs[1]}): ${rank.pareto.length} configuration${rank.pareto.length === 1 ? "" : "s"}`, table(head, rowsOf(rank.pareto), right));
    if (rank.top) out.push("", `Top ${rank.top.length} by ${names[0]} (${dirs[0]}):`, table(head, rowsOf(rank.top), right));
  }
  if (failed.length) {
    out.push("", "Failed configurations:", ...failed.slice(0, 5).map((r) => `  ${r.index}: ${"error" in r ? r.error.split("\n").join(" ") : ""}`));
    if (failed.length > 5) out.push(`  (${failed.length - 5} more; --json for all)`);
  }
  return out.join("\n") + "\n";
}

function progressBar(total: number): { tick: (n: number) => void; stop: () => void } {
  if (!process.stderr.isTTY || total === 0) return { tick: () => {}, stop: () => {} };
  const bar = new SingleBar({ format: "sweep |{bar}| {value}/{total} configurations | {duration}s, ETA {eta_formatted}", hideCursor: true, stream: process.stderr, etaBuffer: 50 }, Presets.shades_classic);
  bar.start(total, 0);
  return { tick: (n) => bar.increment(n), stop: () => bar.stop() };
}

export function registerSweep(program: Command): void {
  const command = program
    .command("sweep")
    .description("run predict, plan, tier, llm fit or llm perf over a grid and a seeded sample of configurations; Pareto front and top k (docs/sweeps.md)")
    .argument("<spec>", "sweep spec (JSON or YAML): command, base, grid, sample, pareto, objectives, top")
    .option("--workers <n>", "worker threads (default: the available cores; with --redis the workers are `strata worker`s)", parsePositiveInteger("--workers"))
    .option("--redis <url>", "enqueue the chunks on this Redis server (BullMQ) for `strata worker`s on any host, and collect their results")
    .option("--json", "print the results, the Pareto front and the top k as JSON")
    .option("--format <format>", `format of -o (or of stdout): ${FORMATS.join(", ")} (default: from the file's extension, else json)`);
  addOutOption(command, "write the results here")
    .action(async (file: string, opts: { workers?: number; redis?: string; json?: boolean; format?: string; out?: string; output?: string }) => {
      if (opts.format !== undefined && !(FORMATS as readonly string[]).includes(opts.format)) throw new UserError(`--format: expected one of ${FORMATS.join(", ")}, found ${JSON.stringify(opts.format)}`);
      const out = outOf(opts);
      const format = (opts.format ?? (/\.csv$/i.test(out) ? "csv" : /\.(jsonl|ndjson)$/i.test(out) ? "jsonl" : "json")) as Format;
      const plan = loadSweep(file);
      // A bad output path is found before the sweep runs, not after.
      if (out !== "-") assertWritable(out, "-o");
      const workers = opts.workers ?? availableParallelism();
      const progress = progressBar(plan.configs.length);
      const rows = await (opts.redis ? import("../sweep/redis.js").then((r) => r.runSweepOnRedis(plan, opts.redis!, progress.tick)) : runSweep(plan, workers, progress.tick)).finally(progress.stop);
      const rank = ranking(plan, rows);
      if (out !== "-") writeOutput(out, formatRows(rows, rank, format), [file]);
      if (opts.json) return void process.stdout.write(formatRows(rows, rank, "json"));
      if (out === "-" && opts.format !== undefined) return writeOutput("-", formatRows(rows, rank, format));
      process.stdout.write(summary(plan, rows, rank));
    });
}
