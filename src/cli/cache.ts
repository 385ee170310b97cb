/** strata cache gen|simulate|mrc|stats|convert: access traces, cache simulation and miss-ratio curves. */
import type { Command } from "commander";
import { blockSource, readAmplification, type BlockCounter } from "../cache/blocks.js";
import { denseSource } from "../cache/dense.js";
import { MAX_REQUESTS } from "../cache/generate.js";
import { formatFromName, openTrace, resolveFormat } from "../cache/open.js";
import { POLICIES } from "../cache/policies/index.js";
import type { SimResult } from "../cache/simulate.js";
import { traceStats } from "../cache/stats.js";
import type { TraceSource } from "../cache/trace.js";
import { writeCsv, writeOracle } from "../cache/write.js";
import { assertNotInput } from "../io/output.js";
import { table } from "../report/format.js";
import { UserError } from "../spec/errors.js";
import type { DlrmWorkload } from "../spec/workload.js";
import { parsePositiveNumber, printJson } from "./run.js";
import { generatedTrace, mrcCurve, parseMixTables, simulateRuns, U32 } from "../commands/cache.js";

/** An integer flag in [min, max]; `why` says where the bound comes from. */
export function parseBoundedInteger(flag: string, min: number, max: number, why: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
      throw new UserError(`${flag}: expected an integer from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")} (${why}), found ${JSON.stringify(value)}`);
    }
    return n;
  };
}

const parseSeed = (flag: string) => parseBoundedInteger(flag, 0, U32, "a 32-bit seed");

/**
 * A progress bar with rate and ETA on a terminal (stderr a TTY), else nothing. cli-progress
 * (like the workload loader below) is imported only when needed: these commands are timed
 * whole, start-up included.
 */
async function progressBar(label: string, unit = "MB"): Promise<{ update?: (done: number, total: number) => void; stop: () => void }> {
  if (!process.stderr.isTTY) return { stop: () => {} };
  const { Presets, SingleBar } = await import("cli-progress");
  const bar = new SingleBar({ format: `${label} |{bar}| {percentage}% | {rate} ${unit}/s | ETA {eta_formatted}`, hideCursor: true, stream: process.stderr, etaBuffer: 20 }, Presets.shades_classic);
  let t0 = performance.now();
  let started = false;
  let last = 0;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0, { rate: "0" });
        started = true;
      }
      // A writer's second pass (oracleGeneral: next-access indices, then the records) starts over.
      if (done < last) t0 = performance.now();
      last = done;
      bar.setTotal(total);
      bar.update(done, { rate: (done / 1e6 / Math.max(1e-3, (performance.now() - t0) / 1000)).toFixed(0) });
    },
    stop: () => started && bar.stop(),
  };
}

interface TraceOpts {
  format?: string;
  idCol?: string;
  timeCol?: string;
  sizeCol?: string;
  header?: boolean;
  delimiter?: string;
  blockBytes?: number | true;
  rowBytes?: number;
}

function addTraceOptions(c: Command): Command {
  return c
    .argument("<trace>", "trace file (zstd- or gzip-compressed files are decompressed as they stream)")
    .option("--format <format>", "oracleGeneral, csv, txt or embedding-csv (default: from the name: .bin/.oracleGeneral, .csv, .txt, before any .zst/.gz; a bare .zst/.gz is oracleGeneral)")
    .option("--id-col <col>", "csv: id column (1-based number or header name; default: a column named id/obj_id/key/lbn, else 1)")
    .option("--time-col <col>", "csv: time column")
    .option("--size-col <col>", "csv: size column (bytes)")
    .option("--header", "csv: the first line is a header (default: detected)")
    .option("--no-header", "csv: no header line")
    .option("--delimiter <c>", "csv: field separator", ",")
    .option("--block-bytes [n]", "block view: group rows into blocks of n bytes (default 4096) and use the block trace", parsePositiveNumber("--block-bytes"))
    .option("--row-bytes <n>", "block view: bytes per row (default: each request's size)", parsePositiveNumber("--row-bytes"));
}

function openWith(file: string, o: TraceOpts, counter?: BlockCounter): TraceSource {
  const src = openTrace(file, resolveFormat(file, o.format), { id: o.idCol, time: o.timeCol, size: o.sizeCol, header: o.header, delimiter: o.delimiter });
  return o.blockBytes ? blockSource(src, { blockBytes: o.blockBytes === true ? 4096 : o.blockBytes, rowBytes: o.rowBytes }, counter) : src;
}

/**
 * The output format: --out-format, else the output's name (.csv csv, otherwise oracleGeneral).
 * Checked, with the output path, before any input is read or anything is written: an output
 * that is one of the inputs (under any spelling or through a link) is refused, and so is a
 * compressed name (the writers do not compress, and the readers would take it as compressed).
 */
function outputFormat(out: string, format: string | undefined, inputs: string[]): "oracleGeneral" | "csv" {
  assertNotInput(out, inputs, "--out");
  if (/\.(gz|zst)$/i.test(out)) throw new UserError(`--out ${out}: expected an uncompressed output (.bin or .csv): the writers do not compress; write ${out.replace(/\.(gz|zst)$/i, "")} and compress it`);
  const f = format ?? (formatFromName(out) === "csv" ? "csv" : "oracleGeneral");
  if (f !== "oracleGeneral" && f !== "csv") throw new UserError(`--out-format: expected oracleGeneral or csv, found "${f}"`);
  return f;
}

/** Write a trace as oracleGeneral or CSV, with a progress bar; returns the number of requests. */
async function writeTrace(src: TraceSource, out: string, format: "oracleGeneral" | "csv", label: string, unit?: string): Promise<number> {
  const bar = await progressBar(label, unit);
  try {
    return format === "csv" ? writeCsv(src, out, bar.update) : writeOracle(src, out, bar.update);
  } finally {
    bar.stop();
  }
}

function parseThreads(v: string): 1 | 2 {
  if (v !== "1" && v !== "2") throw new UserError(`--threads: expected 1 or 2, found "${v}"`);
  return Number(v) as 1 | 2;
}

const pct = (x: number): string => (x * 100).toFixed(2) + "%";

export function registerCache(program: Command): void {
  const cache = program.command("cache").description("access traces, cache simulation (LRU, FIFO, CLOCK, LFU, ARC, 2Q, S3-FIFO, SIEVE, Belady) and miss-ratio curves");

  addTraceOptions(cache.command("simulate").description("miss ratios of eviction policies at given cache sizes"))
    .requiredOption("--policy <list>", `comma-separated: ${POLICIES.join(", ")}`)
    .requiredOption("--size <list>", "comma-separated capacities: objects, or bytes with a unit (64MiB, 1GB)")
    .option("--bytes", "count capacities in bytes (request sizes) even without units")
    .option("--json", "print JSON")
    .option("--no-timing", "leave out the wall-clock seconds (two runs then print the same bytes)")
    .option("--threads <n>", "1: read, map ids and simulate in one thread; 2: read and map on a second thread (default for traces of 64 MiB or more where there are 2 cores)", parseThreads)
    .action(async (file: string, o: TraceOpts & { policy: string; size: string; bytes?: boolean; json?: boolean; timing: boolean; threads?: 1 | 2 }) => {
      const bar = await progressBar("simulating");
      const counter: BlockCounter = { rowRequests: 0, rowBytes: 0, blockRequests: 0, blockBytes: 0 };
      let shown;
      try {
        shown = simulateRuns(() => openWith(file, o, counter), o, bar.update);
      } finally {
        bar.stop();
      }
      if (o.json) return printJson({ results: shown, ...(o.blockBytes ? { readAmplification: readAmplification(counter) } : {}) });
      const results = shown as SimResult[];
      const head = ["policy", "size", "misses", "miss ratio", ...(o.timing ? ["seconds"] : [])];
      const rows = results.map((r) => [r.policy, String(r.size), String(r.misses), r.missRatio.toFixed(4), ...(o.timing ? [r.seconds.toFixed(3)] : [])]);
      const lines = [
        `${file}: ${results[0]?.requests.toLocaleString("en-US") ?? 0} requests${o.blockBytes ? ` (block view: read amplification ${readAmplification(counter).toFixed(2)}x)` : ""}`,
        "",
        table(head, rows, head.map((_, i) => i > 0)),
      ];
      process.stdout.write(lines.join("\n") + "\n");
    });

  addTraceOptions(cache.command("mrc").description("LRU miss-ratio curve: exact (one pass, all sizes) or SHARDS-sampled"))
    .option("--sample <rate>", "SHARDS at a fixed sampling rate in (0, 1], e.g. 0.01 (not with --max-objects)", parsePositiveNumber("--sample"))
    .option("--max-objects <n>", "SHARDS at a fixed size: track at most this many objects (not with --sample)", parseBoundedInteger("--max-objects", 1, MAX_REQUESTS, "objects tracked in memory"))
    .option("--seed <n>", "SHARDS: hash seed (which objects are sampled), 0 to 2^32-1", parseSeed("--seed"))
    .option("--size <list>", "report these sizes (default: 100 sizes spread geometrically up to the largest distance, from 1/R when sampled)")
    .option("--bytes", "sizes in bytes (stack distances weighted by request sizes)")
    .option("--json", "print JSON")
    .action(async (file: string, o: TraceOpts & { sample?: number; maxObjects?: number; seed?: number; size?: string; bytes?: boolean; json?: boolean }) => {
      const bar = await progressBar(o.sample || o.maxObjects ? "sampling" : "stack distances");
      let curve;
      try {
        curve = mrcCurve(() => openWith(file, o), o, bar.update);
      } finally {
        bar.stop();
      }
      const { mrc: m, points, bytes } = curve;
      if (o.json) return printJson({ points });
      const head = `${file}: ${m.requests.toLocaleString("en-US")} requests, ${m.objects.toLocaleString("en-US")} ${m.rate < 1 ? "sampled " : ""}objects${m.rate < 1 ? `, SHARDS rate ${m.rate.toPrecision(3)}` : ""}`;
      const step = Math.max(1, Math.floor(points.length / 25));
      const shown = points.filter((_, i) => i % step === 0 || i === points.length - 1);
      process.stdout.write(`${head}\n\n${table([bytes ? "size (bytes)" : "size (objects)", "LRU miss ratio"], shown.map((p) => [String(p.size), p.missRatio.toFixed(4)]), [true, true])}\n`);
    });

  addTraceOptions(cache.command("stats").description("requests, unique objects, one-hit wonders, reuse distances, working set over time"))
    .option("--window <n>", "working-set window in requests", parsePositiveNumber("--window"), 1_000_000)
    .option("--json", "print JSON")
    .action(async (file: string, o: TraceOpts & { window: number; json?: boolean }) => {
      const bar = await progressBar("reading");
      const counter: BlockCounter = { rowRequests: 0, rowBytes: 0, blockRequests: 0, blockBytes: 0 };
      let s;
      try {
        s = traceStats(openWith(file, o, counter), Math.floor(o.window), bar.update);
      } finally {
        bar.stop();
      }
      const amp = o.blockBytes ? { readAmplification: readAmplification(counter) } : {};
      if (o.json) return printJson({ ...s, ...amp });
      const lines = [
        `${file}: ${s.requests.toLocaleString("en-US")} requests, ${s.uniqueObjects.toLocaleString("en-US")} objects (${(s.uniqueBytes / 2 ** 20).toFixed(1)} MiB), ${pct(s.oneHitWonders / Math.max(1, s.uniqueObjects))} of them requested once`,
        `cold (first) requests: ${pct(s.coldRequests / Math.max(1, s.requests))}${o.blockBytes ? `; block view read amplification ${readAmplification(counter).toFixed(2)}x` : ""}`,
        "",
        table(["reuse distance", "requests", "share"], s.reuseDistance.map((r) => [`${r.from}-${r.to - 1}`, String(r.requests), pct(r.requests / s.requests)]), [false, true, true]),
        "",
        table(["window start", "objects in window", "objects so far"], s.workingSet.slice(0, 20).map((w) => [String(w.start), String(w.objects), String(w.cumulativeObjects)]), [true, true, true]),
      ];
      process.stdout.write(lines.join("\n") + "\n");
    });

  addTraceOptions(cache.command("convert").description("rewrite a trace as oracleGeneral (computing next-access indices) or CSV"))
    .requiredOption("-o, --out <file>", "output file (not the input; written atomically)")
    .option("--out-format <format>", "oracleGeneral or csv (default: csv for a .csv output, else oracleGeneral)")
    .option("--dense", "renumber the ids 0, 1, 2, ... in order of first appearance (the same results, simulated without an id table)")
    .action(async (file: string, o: TraceOpts & { out: string; outFormat?: string; dense?: boolean }) => {
      const format = outputFormat(o.out, o.outFormat, [file]);
      const dense = o.dense ? denseSource(openWith(file, o)) : undefined;
      const n = await writeTrace(dense?.source ?? openWith(file, o), o.out, format, "converting");
      process.stdout.write(`${o.out}: ${n.toLocaleString("en-US")} requests, ${format}${dense ? `, ${dense.objects().toLocaleString("en-US")} distinct ids renumbered from 0` : ""}\n`);
    });

  cache
    .command("gen")
    .description("generate a seeded access trace: zipf, a DLRM table mix with drift, or a workload file's embedding lookups")
    .requiredOption("-o, --out <file>", "output file (written atomically)")
    .option("--kind <kind>", "zipf, dlrm-mix or workload", "zipf")
    .option("--out-format <format>", "oracleGeneral or csv (default: csv for a .csv output, else oracleGeneral)")
    .option("--requests <n>", "requests (zipf, dlrm-mix), at most 2^31-1", parseBoundedInteger("--requests", 1, MAX_REQUESTS, "next-access indices are 32-bit signed"), 1_000_000)
    .option("--keys <n>", "zipf: number of keys, at most 2^32-1", parseBoundedInteger("--keys", 1, U32, "ids are drawn as 32-bit numbers"), 1_000_000)
    .option("--alpha <a>", "zipf: exponent", parsePositiveNumber("--alpha"), 1)
    .option("--obj-size <bytes>", "zipf: object size, at most 2^32-1", parseBoundedInteger("--obj-size", 1, U32, "oracleGeneral's size field is 32-bit"), 4096)
    .option("--tables <spec>", "dlrm-mix: rows:alpha:weight per table, comma-separated", "1000000:1.1:0.5,100000:0.9:0.3,10000:1.2:0.2")
    .option("--row-bytes <n>", "dlrm-mix: bytes per row, at most 2^32-1", parseBoundedInteger("--row-bytes", 1, U32, "oracleGeneral's size field is 32-bit"), 128)
    .option("--drift-every <n>", "dlrm-mix: move the hot rows every n requests", parsePositiveNumber("--drift-every"))
    .option("--table-shift <bits>", "dlrm-mix: id = table * 2^bits + row (32 to 63)", parseBoundedInteger("--table-shift", 32, 63, "rows are 32-bit, ids 64-bit"), 32)
    .option("--workload <file>", "workload: a DLRM workload file")
    .option("--steps <n>", "workload: training steps", parseBoundedInteger("--steps", 1, MAX_REQUESTS, "requests are at most 2^31-1"), 1)
    .option("--seed <n>", "random seed, 0 to 2^32-1", parseSeed("--seed"), 1)
    .action(async (o: { out: string; kind: string; outFormat?: string; requests: number; keys: number; alpha: number; objSize: number; tables: string; rowBytes: number; driftEvery?: number; tableShift: number; workload?: string; steps: number; seed: number }) => {
      const format = outputFormat(o.out, o.outFormat, o.kind === "workload" && o.workload ? [o.workload] : []);
      const workload = o.kind === "workload" && o.workload ? (await import("../spec/load.js")).loadWorkload(o.workload) : undefined;
      if (workload && workload.model.kind !== "dlrm") throw new UserError(`${o.workload}: --kind workload needs a DLRM workload; model.kind is "${workload.model.kind}"`);
      const src = generatedTrace({ ...o, tables: o.kind === "dlrm-mix" ? parseMixTables(o.tables) : [], workload: workload as DlrmWorkload | undefined });
      const n = await writeTrace(src, o.out, format, "generating", "M requests");
      process.stdout.write(`${o.out}: ${n.toLocaleString("en-US")} requests (${src.file}), ${format}\n`);
    });
}
