/**
 * The sweeps section of BENCHMARKS.md: throughput of `strata sweep --workers N` as whole
 * command lines, and a 1,000-configuration sweep over BullMQ with two `strata worker`s, one
 * SIGKILLed halfway (a Redis server of its own: redis-server on a free port, a temp dir, no
 * persistence). Run alone: `npm run build && node --import tsx bench/sweeps.ts`.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { checkoutLabel, timed, waitForIdle } from "./machine.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CLI = join(ROOT, "dist/cli/main.js");
const ROUNDS = Number(process.env.SWEEP_ROUNDS ?? 5);
/** How long each run waits for idle CPUs before it runs anyway, seconds. */
const IDLE_WAIT_S = Number(process.env.SWEEP_IDLE_WAIT_S ?? 60);
const THREAD_CPU = pathToFileURL(join(ROOT, "bench/thread-cpu.mjs")).href;
/** The throughput sweeps: 1,000 and 3,000 plans (start-up and warm-up a smaller part), and three of 200. */
const SPECS = [
  { file: "bench/sweeps/plan-terabyte-1000.yaml", what: "Terabyte DLRM, search, 4-64 GPUs" },
  { file: "bench/sweeps/plan-terabyte-3000.yaml", what: "the same over 120 poolings" },
  { file: "bench/sweeps/plan-terabyte-200.yaml", what: "Terabyte DLRM, search, 4-32 GPUs" },
  { file: "bench/sweeps/plan-dcnv2-200.yaml", what: "MLPerf DCNv2, search, 16-128 GPUs" },
  { file: "data/sweeps/plan-kaggle.yaml", what: "Kaggle DLRM, greedy, 2-16 GPUs" },
];
/** The BullMQ run: this spec's 1,000 plans, the lock of a dead worker's chunk lapsing after LOCK_MS. */
const REDIS_SPEC = "bench/sweeps/plan-terabyte-1000.yaml";
const LOCK_MS = 5000;

const configurations = (text: string): number => (JSON.parse(text) as { runs: number }).runs;

interface ThreadCpu {
  main: number;
  v8: number;
  workers: number;
}

/** CPU seconds by thread of one run (bench/thread-cpu.mjs), and its wall clock. */
async function accounted(spec: string, workers: number, dir: string): Promise<ThreadCpu & { seconds: number }> {
  await waitForIdle(IDLE_WAIT_S * 1000);
  const file = join(dir, "cpu.json");
  const t = await timed(process.execPath, ["--import", THREAD_CPU, CLI, "sweep", spec, "--workers", String(workers), "--json"], join(dir, "acct.json"), ROOT, { ...process.env, STRATA_THREAD_CPU: file });
  if (t.code !== 0) throw new Error(`strata sweep ${spec} --workers ${workers} failed: ${t.stderr}`);
  return { ...(JSON.parse(readFileSync(file, "utf8")) as ThreadCpu), seconds: t.seconds };
}

/** Best-of-ROUNDS wall clock of --workers 1 and 2, interleaved (the order alternating by round). */
/** Checkouts to time: this one, and SWEEP_BEFORE (another checkout, built; BEFORE_LABEL names it) on the first spec, side by side. */
const BEFORE = process.env.SWEEP_BEFORE;

export async function throughput(dir: string) {
  const rows: string[] = [];
  /** This checkout's best times per spec and worker count, for the marginal rate. */
  const times: Array<{ count: number; w1: number; w2: number }> = [];
  let idle = 0;
  let runs = 0;
  for (const [n, s] of SPECS.entries()) {
    const roots = n === 0 && BEFORE ? [ROOT, BEFORE] : [ROOT];
    const best = new Map<string, number>();
    // Each checkout's outputs are compared with its own first (their formats may differ).
    const reference = new Map<string, Buffer>();
    const identical = new Map<string, boolean>();
    let count = 0;
    for (let r = 0; r < ROUNDS; r++) {
      for (const w of r % 2 ? [2, 1] : [1, 2]) {
        for (const root of roots) {
          if (await waitForIdle(IDLE_WAIT_S * 1000)) idle++;
          runs++;
          const out = join(dir, `w${w}.json`);
          const t = await timed(process.execPath, [join(root, "dist/cli/main.js"), "sweep", join(ROOT, s.file), "--workers", String(w), "--json"], out, root);
          if (t.code !== 0) throw new Error(`strata sweep ${s.file} --workers ${w} failed in ${root}: ${t.stderr}`);
          best.set(`${root}:${w}`, Math.min(best.get(`${root}:${w}`) ?? Infinity, t.seconds));
          const bytes = readFileSync(out);
          if (!reference.has(root)) reference.set(root, bytes);
          identical.set(root, (identical.get(root) ?? true) && bytes.equals(reference.get(root)!));
          count = configurations(bytes.toString("utf8"));
        }
      }
    }
    for (const root of roots) {
      const at = (w: number): number => best.get(`${root}:${w}`)!;
      const rate = (w: number): string => `${at(w).toFixed(2)} s (${(count / at(w)).toFixed(0)}/s)`;
      const label = root === ROOT ? `${s.file} (${s.what})` : `the same, before: ${checkoutLabel(root)}`;
      rows.push(`| ${label} | ${count} | ${rate(1)} | ${rate(2)} | ${(at(1) / at(2)).toFixed(2)}x | ${identical.get(root) ? "yes" : "NO"} |`);
      if (root === ROOT) times.push({ count, w1: at(1), w2: at(2) });
    }
  }
  return { rows, idle, runs, marginal: marginal(times[0]!, times[1]!) };
}

/**
 * The steady state: the 2,000 configurations the 3,000-plan sweep runs beyond the 1,000-plan one
 * (same model and clusters, more poolings) cost the difference of the two sweeps' times, which
 * leaves out start-up, the workers' start-up and warm-up, and the output's fixed part. A
 * difference of two best-of-N times: noisier than either.
 */
function marginal(small: { count: number; w1: number; w2: number }, large: { count: number; w1: number; w2: number }): string {
  const extra = large.count - small.count;
  const d1 = large.w1 - small.w1;
  const d2 = large.w2 - small.w2;
  return `| the ${extra} configurations of the ${large.count}-plan sweep beyond the ${small.count}-plan one (the difference of the two rows above) | ${extra} | ${d1.toFixed(2)} s (${(extra / d1).toFixed(0)}/s) | ${d2.toFixed(2)} s (${(extra / d2).toFixed(0)}/s) | ${(d1 / d2).toFixed(2)}x | |`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** A Redis server of our own on 127.0.0.1 (no persistence, in `dir`); undefined without redis-server. */
async function startRedis(dir: string): Promise<{ url: string; stop: () => void } | undefined> {
  if (spawnSync("redis-server", ["--version"]).status !== 0) return undefined;
  const port = await freePort();
  const server = spawn("redis-server", ["--bind", "127.0.0.1", "--port", String(port), "--dir", dir, "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  for (let i = 0; i < 50; i++) {
    if (spawnSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" }).stdout?.trim() === "PONG") return { url: `redis://127.0.0.1:${port}/0`, stop: () => server.kill("SIGTERM") };
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill("SIGKILL");
  throw new Error(`redis-server did not answer on 127.0.0.1:${port}`);
}

interface WorkerProc {
  proc: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
  /** Chunk ids this worker finished, in order. */
  finished: () => string[];
  /** Configurations in the chunks it finished. */
  done: () => number;
}

function startWorker(url: string, onLine: () => void): Promise<WorkerProc> {
  const proc = spawn(process.execPath, [CLI, "worker", "--redis", url, "--concurrency", "1", "--lock-ms", String(LOCK_MS)], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  const finishedLines = () => [...log.matchAll(/chunk (\S+): (\d+) configurations in /g)];
  const w: WorkerProc = {
    proc, log: () => log,
    exited: new Promise((resolve) => proc.on("exit", (code) => resolve(code))),
    finished: () => finishedLines().map((m) => m[1]!),
    done: () => finishedLines().reduce((n, m) => n + Number(m[2]), 0),
  };
  return new Promise((resolve) => {
    proc.stderr!.on("data", (d) => {
      log += d;
      if (log.includes(" at once")) resolve(w);
      onLine();
    });
  });
}

/** The BullMQ run: two workers, one SIGKILLed when half the configurations are done; checked against --workers 1. */
export async function onRedis(dir: string): Promise<string[]> {
  const redis = await startRedis(dir);
  if (!redis) return ["BullMQ run skipped: no `redis-server` on this machine (Debian: `apt-get install redis-server`)."];
  try {
    const local = await timed(process.execPath, [CLI, "sweep", REDIS_SPEC, "--workers", "1", "--json"], join(dir, "local.json"), ROOT);
    if (local.code !== 0) throw new Error(`local sweep failed: ${local.stderr}`);
    const total = configurations(readFileSync(join(dir, "local.json"), "utf8"));
    let killedAt: number | undefined;
    let lost: string | undefined;
    const t0 = performance.now();
    // The two workers, once both are up: [A, B].
    const pair: WorkerProc[] = [];
    // Halfway: A is SIGKILLed as soon as it holds a chunk (it logs "started" before running one).
    const watch = () => {
      const [a, b] = pair;
      if (killedAt !== undefined || !a || !b || a.done() + b.done() < total / 2) return;
      const started = [...a.log().matchAll(/chunk (\S+): \d+ configurations started/g)].map((m) => m[1]!);
      lost = started.find((id) => !a.finished().includes(id));
      if (lost === undefined) return;
      a.proc.kill("SIGKILL");
      killedAt = (performance.now() - t0) / 1000;
    };
    pair.push(...(await Promise.all([startWorker(redis.url, watch), startWorker(redis.url, watch)])));
    const [a, b] = pair as [WorkerProc, WorkerProc];
    const sweep = await timed(process.execPath, [CLI, "sweep", REDIS_SPEC, "--redis", redis.url, "--json"], join(dir, "redis.json"), ROOT);
    const seconds = (performance.now() - t0) / 1000;
    b.proc.kill("SIGTERM");
    const bExit = await b.exited;
    await a.exited;
    const text = readFileSync(join(dir, "redis.json"), "utf8");
    const doc = sweep.code === 0 ? (JSON.parse(text) as { runs: number; results: Array<{ index: number }> }) : undefined;
    const indices = doc?.results.map((r) => r.index) ?? [];
    const unique = new Set(indices).size === indices.length && indices.every((x, i) => x === i);
    const identical = readFileSync(join(dir, "local.json")).equals(readFileSync(join(dir, "redis.json")));
    const completions = [...a.finished(), ...b.finished()];
    const repeated = completions.length - new Set(completions).size;
    const lostRedone = lost !== undefined && b.finished().includes(lost);
    const chunks = completions.length;
    return [
      `BullMQ over a local Redis: \`${REDIS_SPEC}\` (${total} plans, ${chunks} chunks of about ${Math.round(total / Math.max(1, chunks))}) with two \`strata worker --concurrency 1 --lock-ms ${LOCK_MS}\`; worker A SIGKILLed in the middle of the first chunk it started once ${total / 2} configurations were done.`,
      "",
      "| check | outcome |",
      "|---|---|",
      `| sweep exit code | ${sweep.code} |`,
      `| runs, result indices 0..${total - 1} each once | ${doc?.runs ?? "-"}, ${unique ? "yes" : "NO"} |`,
      `| stdout byte-identical to \`--workers 1\` | ${identical ? "yes" : "NO"} |`,
      `| chunk completions (from the workers' logs) / chunks finished twice | ${chunks} / ${repeated} |`,
      `| A's chunk in hand when killed, finished by B after its lock lapsed | ${lost ? `chunk ${lost.split("-").pop()}, ${lostRedone ? "yes" : "NO"}` : "- (A was not killed)"} |`,
      `| worker B exit code on SIGTERM | ${bExit} |`,
      `| time: --workers 1 / BullMQ sweep (kill at) | ${local.seconds.toFixed(1)} s / ${seconds.toFixed(1)} s (${killedAt?.toFixed(1) ?? "-"} s) |`,
      "",
      `The BullMQ time includes both workers' start-up, the lost chunk's wait for its lock (${LOCK_MS / 1000} s here; BullMQ's default, which \`strata worker\` keeps, is 30 s) and one worker alone after the kill; results are polled every 200 ms.`,
    ];
  } finally {
    redis.stop();
  }
}

const total = (c: ThreadCpu): number => c.main + c.v8 + c.workers;

/** What the accounting says about the speed-up two workers can reach on this machine. */
function why(one: ThreadCpu & { seconds: number }, two: ThreadCpu & { seconds: number }): string[] {
  const cores = cpus().length;
  const floor = total(two) / Math.min(2, cores);
  return [
    `With one worker the command keeps ${(total(one) / one.seconds).toFixed(2)} cores busy: beside the ${one.main.toFixed(2)} s of its own thread, V8's background threads (mostly the concurrent TurboFan compiler, and GC helpers) take ${one.v8.toFixed(2)} s on the other core. ` +
      `Two workers run the same configurations in ${total(two).toFixed(2)} s of CPU, against ${total(one).toFixed(2)} s for one: each worker's V8 isolate compiles and warms the planner again (V8 background ${two.v8.toFixed(2)} s), and the worker thread's results cross to the command's thread as JSON text (src/sweep/packed.ts), which joins them after the last chunk. ` +
      `Two cores need at least ${floor.toFixed(2)} s for that CPU, so on this machine two workers can be at most ${(one.seconds / floor).toFixed(2)}x as fast as one on this sweep (this run's one-worker wall clock over that floor); the share of warm-up falls, and the bound rises, with the sweep's size and the cost per configuration.`,
  ];
}

export async function sweepsSection(): Promise<string[]> {
  const build = spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`build failed: ${build.stdout}${build.stderr}`);
  const dir = mkdtempSync(join(tmpdir(), "strata-bench-sweeps-"));
  try {
    const t = await throughput(dir);
    const cpu: Array<ThreadCpu & { seconds: number; w: number }> = [];
    for (const w of [1, 2]) cpu.push({ w, ...(await accounted(SPECS[0]!.file, w, dir)) });
    const redis = await onRedis(dir);
    return [
      "## Sweeps (`strata sweep --workers`, `--redis`)",
      "",
      "Throughput: configurations per second of the whole command line, `node dist/cli/main.js sweep SPEC --workers N --json > file` (start-up, the workers' start-up and warm-up, output included), " +
        `best of ${ROUNDS}, the two worker counts interleaved; each run waits for idle CPUs (${t.idle} of ${t.runs} runs found them within ${IDLE_WAIT_S} s; the others ran on a busy machine, which only adds time). The 1,000-plan sweep is the figure the target is about: big enough that start-up is a small part of it.`,
      "",
      "| spec | configurations | --workers 1 | --workers 2 | speed-up | identical output |",
      "|---|---|---|---|---|---|",
      ...t.rows,
      t.marginal,
      "",
      "The last row is the steady state: what each further configuration costs once both isolates are warm. The whole-command figure is lower because the second worker's V8 isolate starts cold: it loads the planner's modules and compiles its hot functions again (the concurrent compiler's 2-2.5 s per isolate, below), on the same two cores.",
      "",
      `Where the CPU goes: one more run of each on \`${SPECS[0]!.file}\`, CPU seconds by thread (bench/thread-cpu.mjs: the command's thread; V8's platform threads, its concurrent compiler and GC helpers; the worker threads).`,
      "",
      "| --workers | wall | command's thread | V8 background | worker threads | total CPU | cores busy |",
      "|---|---|---|---|---|---|---|",
      ...cpu.map((c) => `| ${c.w} | ${c.seconds.toFixed(2)} s | ${c.main.toFixed(2)} s | ${c.v8.toFixed(2)} s | ${c.workers.toFixed(2)} s | ${total(c).toFixed(2)} s | ${(total(c) / c.seconds).toFixed(2)} |`),
      "",
      ...why(cpu[0]!, cpu[1]!),
      "",
      ...redis,
      "",
      `Machine: ${cpus()[0]?.model ?? "unknown CPU"} x ${cpus().length}, Node ${process.version}. Reproduce: \`npm run build && node --import tsx bench/sweeps.ts\` (needs \`redis-server\` for the BullMQ run).`,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) console.log((await sweepsSection()).join("\n"));
