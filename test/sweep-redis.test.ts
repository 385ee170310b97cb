/**
 * strata sweep --redis and strata worker (BullMQ). Needs a Redis server on 127.0.0.1:6379
 * (.ci/run starts one); without one these tests are skipped, saying so.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { redisConnection } from "../src/sweep/redis.js";
import { ROOT, example, strata } from "./helpers.js";

const URL = "redis://127.0.0.1:6379/0";

/** Whether a Redis server answers PING on 127.0.0.1:6379 within a second. */
function redisAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port: 6379 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (d) => done(d.toString().startsWith("+PONG")));
  });
}
const available = await redisAnswers();
if (!available) console.warn("test/sweep-redis.test.ts: skipped: no Redis server answers on 127.0.0.1:6379 (apt-get install redis-server; .ci/run starts one)");

describe("redis URLs", () => {
  it("become BullMQ connection options", () => {
    expect(redisConnection("redis://127.0.0.1:6380/2")).toEqual({ host: "127.0.0.1", port: 6380, db: 2, maxRetriesPerRequest: null });
    expect(redisConnection("rediss://u:p%40ss@cache.example:6379")).toMatchObject({ username: "u", password: "p@ss", tls: {} });
    expect(() => redisConnection("http://x")).toThrow(/--redis: expected a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => redisConnection("not a url")).toThrow(/--redis: expected a URL/);
  });
});

describe.skipIf(!available)("strata sweep --redis with strata worker", () => {
  it("gives the results of a local sweep, again from the same jobs on a retry, and the worker exits 0 on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-sweep-redis-"));
    const spec = join(dir, "plan.json");
    // A name unique to this run: its jobs are new, not those of an earlier run kept in Redis.
    const name = `redis-test-${process.pid}-${Date.now()}`;
    writeFileSync(spec, JSON.stringify({
      command: "plan", base: example("dlrm-kaggle-b2048"), flags: { "--strategy": "greedy" }, chunk: 2,
      grid: { name: [name], "--cluster": ["1x2-h100-sxm-80gb", "1x4-h100-sxm-80gb"], "training.batchSize": [1024, 2048, 4096] },
      pareto: ["stepMs", "gpus"],
    }));
    const worker = spawn(process.execPath, ["--import", "tsx", `${ROOT}src/cli/main.ts`, "worker", "--redis", URL, "--concurrency", "2"], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    worker.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => worker.on("exit", (code) => resolve(code)));
    try {
      const local = strata(["sweep", spec, "--workers", "1", "--json"]);
      const remote = strata(["sweep", spec, "--redis", URL, "--json"]);
      expect(remote.stderr).toBe("");
      expect(remote.code).toBe(0);
      expect(remote.stdout).toBe(local.stdout);
      // Enqueued again: the same job ids, answered from the finished chunks.
      const again = strata(["sweep", spec, "--redis", URL, "--json"]);
      expect(again.stdout).toBe(local.stdout);
    } finally {
      worker.kill("SIGTERM");
    }
    expect(await exited, stderr).toBe(0);
  }, 60000);

  it("finishes a chunk whose worker was killed on another worker", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-sweep-redis-"));
    const spec = join(dir, "plan.json");
    const name = `redis-loss-${process.pid}-${Date.now()}`;
    // One chunk, long enough to be killed in the middle of.
    writeFileSync(spec, JSON.stringify({
      command: "plan", base: "preset:mlperf-dlrm-dcnv2", flags: { "--strategy": "search" }, chunk: 1000,
      grid: { name: [name], "--cluster": ["2x8-h100-sxm-80gb", "4x8-h100-sxm-80gb", "8x8-h100-sxm-80gb"], "training.batchSize": [16384, 32768, 65536, 131072, 262144, 524288], "model.tables[20].pooling": [50, 100, 150, 200] },
    }));
    const startWorker = () => {
      const w = spawn(process.execPath, ["--import", "tsx", `${ROOT}src/cli/main.ts`, "worker", "--redis", URL, "--concurrency", "1", "--lock-ms", "1000"], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      w.stderr.on("data", (d) => (err += d));
      const ready = new Promise<void>((resolve) => w.stderr.on("data", () => err.includes("at once") && resolve()));
      const started = new Promise<void>((resolve) => w.stderr.on("data", () => err.includes("started") && resolve()));
      const exited = new Promise<number | null>((resolve) => w.on("exit", (code) => resolve(code)));
      return { w, ready, started, exited, err: () => err };
    };
    const a = startWorker();
    await a.ready;
    const sweep = spawn(process.execPath, ["--import", "tsx", `${ROOT}src/cli/main.ts`, "sweep", spec, "--redis", URL, "--json"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    sweep.stdout.on("data", (d) => (stdout += d));
    const sweepDone = new Promise<number | null>((resolve) => sweep.on("exit", (code) => resolve(code)));
    // Worker a takes the chunk as soon as it is enqueued; kill it as it starts.
    await a.started;
    a.w.kill("SIGKILL");
    await a.exited;
    expect(a.err()).not.toMatch(/configurations in /);
    const b = startWorker();
    try {
      expect(await sweepDone).toBe(0);
      const doc = JSON.parse(stdout) as { runs: number; results: Array<{ index: number; result?: unknown }> };
      expect(doc.runs).toBe(72);
      expect(doc.results.every((r, i) => r.index === i && r.result)).toBe(true);
      expect(b.err()).toMatch(/configurations in /);
    } finally {
      b.w.kill("SIGTERM");
    }
    expect(await b.exited).toBe(0);
  }, 90000);
});
