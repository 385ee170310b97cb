/**
 * strata ui's server (docs/ui-api.md), in process on a free port: each route answers what its
 * command prints with --json for the same input; bad bodies get 400 at the field path (never
 * a 500); limits, unknown routes and methods, callers from elsewhere; jobs' server-sent events.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { request, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveStatic } from "../src/server/static.js";
import { startServer, type UiServer } from "../src/server/server.js";
import { example, ROOT, strataInProcess, tinyConfig } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "strata-server-"));
const kaggle = JSON.parse(readFileSync(example("dlrm-kaggle-b2048"), "utf8")) as Record<string, unknown>;
const benchmark = JSON.parse(readFileSync(example("dlrm-benchmark-b2048"), "utf8")) as Record<string, unknown>;
const traceFixture = join(ROOT, "test/fixtures/dev19-rand-t4-d16-b512.kineto.json.gz");

let server: UiServer;
let web: string;

beforeAll(async () => {
  web = join(dir, "web");
  mkdirSync(join(web, "assets"), { recursive: true });
  writeFileSync(join(web, "index.html"), "<!doctype html><title>dash</title><script type=module src=/assets/app.js></script>");
  writeFileSync(join(web, "assets", "app.js"), "export {};\n");
  server = await startServer({ port: 0, webRoot: web, threads: 2 });
}, 120_000);

afterAll(async () => {
  await server?.close();
});

const url = (path: string): string => `${server.url}${path.replace(/^\//, "")}`;
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url(path), { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : body instanceof Uint8Array ? new Blob([new Uint8Array(body)]) : JSON.stringify(body) });

/** What `strata ARGS` prints, parsed (run in process). */
async function cli(args: string[]): Promise<unknown> {
  const r = await strataInProcess(args);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

async function answer(path: string, body: unknown): Promise<unknown> {
  const res = await post(path, body);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  return JSON.parse(text);
}

/** A 4xx whose body is the one error shape, with no stack trace. */
async function expectError(res: Response, status: number, path?: string): Promise<{ path: string; message: string }> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const body = JSON.parse(text) as { error: { path: string; message: string } };
  expect(Object.keys(body)).toEqual(["error"]);
  expect(typeof body.error.path).toBe("string");
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(text).not.toMatch(/\n\s+at .+:\d+:\d+|\bat [\w.]+ \(/);
  if (path !== undefined) expect(body.error.path).toBe(path);
  return body.error;
}

/** Server-sent events of a stream, in order, until it ends. */
async function events(path: string): Promise<{ event: string; data: unknown }[]> {
  const res = await fetch(url(path), { headers: { accept: "text/event-stream" } });
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const text = await res.text();
  return text.split("\n\n").filter((f) => f.includes("event:")).map((f) => {
    const event = /^event: (.+)$/m.exec(f)![1]!;
    return { event, data: JSON.parse(/^data: (.+)$/m.exec(f)![1]!) as unknown };
  });
}

/** A raw request, for headers fetch will not set (Host) or a body it would have to send. */
function raw(o: { method: string; path: string; headers: Record<string, string | number>; body?: string; chunks?: Buffer[] }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: server.port, method: o.method, path: o.path, headers: o.headers }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject);
    // Chunks: sent chunked, with no length declared.
    for (const c of o.chunks ?? []) req.write(c);
    req.end(o.body);
  });
}

describe("strata ui server", () => {
  it("binds 127.0.0.1 and answers GET /api/health with {ok: true}", async () => {
    expect(server.host).toBe("127.0.0.1");
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    const res = await fetch(url("/api/health"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("serves the dashboard's files with their types and a policy allowing no other origin", async () => {
    const page = await fetch(url("/"));
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(await page.text()).toContain("<title>dash</title>");
    const js = await fetch(url("/assets/app.js"));
    expect(js.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(js.headers.get("cache-control")).toContain("immutable");
    // A page's own route is the page; a missing file, or one outside the folder, is a 404.
    expect(await (await fetch(url("/plan"))).text()).toContain("<title>dash</title>");
    await expectError(await fetch(url("/nope.js")), 404);
    await expectError(await fetch(url("/..%2f..%2fpackage.json")), 404);
    await expectError(await fetch(url("/"), { method: "POST" }), 405);
  });

  it("without a build, GET / says to run npm run build", async () => {
    const missing = join(dir, "no-web");
    const s = createServer((req, res) => void serveStatic(req, res, new URL(req.url!, "http://x").pathname, missing).then((ok) => ok || res.writeHead(404).end()));
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const res = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("npm run build");
    await new Promise((r) => s.close(r));
  });

  it("GET /api/catalog lists the pick lists; GET /api/workloads/NAME a bundled workload", async () => {
    const c = (await (await fetch(url("/api/catalog"))).json()) as Record<string, unknown[]>;
    for (const k of ["gpus", "hosts", "clusters", "nodes", "implementations", "strategies", "llmModels", "workloads", "cachePolicies"]) expect(c[k]!.length, k).toBeGreaterThan(0);
    expect(await (await fetch(url("/api/workloads/dlrm-kaggle-b2048"))).json()).toEqual(kaggle);
    expect(await (await fetch(url("/api/workloads/mlperf-dlrm-dcnv2"))).json()).toEqual(await cli(["preset", "mlperf-dlrm-dcnv2"]));
    await expectError(await fetch(url("/api/workloads/nope")), 404, "");
  });

  it("POST /api/predict answers strata predict --json", async () => {
    expect(await answer("/api/predict", { workloads: [kaggle, benchmark] })).toEqual(await cli(["predict", example("dlrm-kaggle-b2048"), example("dlrm-benchmark-b2048"), "--json"]));
    expect(await answer("/api/predict", { workloads: [kaggle], gpu: "a100-sxm-80gb", host: "h100-dev-cloud", hostSpeed: 1.5 }))
      .toEqual(await cli(["predict", example("dlrm-kaggle-b2048"), "--gpu", "a100-sxm-80gb", "--host", "h100-dev-cloud", "--host-speed", "1.5", "--json"]));
  }, 60_000);

  it("POST /api/plan answers strata plan --json", async () => {
    expect(await answer("/api/plan", { workload: kaggle, cluster: "1x2-h100-sxm-80gb" })).toEqual(await cli(["plan", example("dlrm-kaggle-b2048"), "--cluster", "1x2-h100-sxm-80gb", "--json"]));
  }, 60_000);

  it("POST /api/llm/fit, context and perf answer the llm commands' --json", async () => {
    const fit = await cli(["llm", "fit", "--model", "mixtral-8x7b", "--count", "2", "--weights", "fp8", "--json"]);
    expect(await answer("/api/llm/fit", { model: "mixtral-8x7b", count: 2, weights: "fp8" })).toEqual(fit);
    // The flags' values as the command line spells them.
    expect(await answer("/api/llm/fit", { model: "mixtral-8x7b", count: "2", weights: "fp8" })).toEqual(fit);
    // detail, as --detail adds it (the LLM page's per-GPU memory bar).
    expect(await answer("/api/llm/fit", { model: "mixtral-8x7b", count: 2, weights: "fp8", detail: true })).toEqual(await cli(["llm", "fit", "--model", "mixtral-8x7b", "--count", "2", "--weights", "fp8", "--json", "--detail"]));
    // A model as a document: the Hugging Face config's content, not its file.
    expect(await answer("/api/llm/fit", { model: JSON.parse(readFileSync(tinyConfig, "utf8")) as unknown, batch: 4 })).toEqual(await cli(["llm", "fit", "--model", tinyConfig, "--batch", "4", "--json"]));
    expect(await answer("/api/llm/context", { model: "mixtral-8x7b", count: 2, batch: "1,16" })).toEqual(await cli(["llm", "context", "--model", "mixtral-8x7b", "--count", "2", "--batch", "1,16", "--json"]));
    expect(await answer("/api/llm/perf", { model: "mixtral-8x7b", batch: [1, 8], prompt: 512, outputTokens: 64, price: 2 }))
      .toEqual(await cli(["llm", "perf", "--model", "mixtral-8x7b", "--batch", "1,8", "--prompt", "512", "--output-tokens", "64", "--price", "2", "--json"]));
  }, 60_000);

  it("POST /api/timeline and /api/tier answer strata timeline and strata tier", async () => {
    expect(await answer("/api/timeline", { workload: kaggle })).toEqual(await cli(["timeline", example("dlrm-kaggle-b2048"), "-o", "-"]));
    const small = join(ROOT, "test/fixtures/tier/small.json");
    expect(await answer("/api/tier", { workload: JSON.parse(readFileSync(small, "utf8")) as unknown, node: "sdm-nand", baselineNode: "sdm-dram", mode: "infer", qps: 5000, p99Ms: 20 }))
      .toEqual(await cli(["tier", small, "--node", "sdm-nand", "--baseline-node", "sdm-dram", "--mode", "infer", "--qps", "5000", "--p99-ms", "20", "--json"]));
  }, 60_000);

  it("POST /api/cache/mrc and /api/cache/simulate answer strata cache mrc and simulate on the trace cache gen writes", async () => {
    const trace = join(dir, "zipf.bin");
    expect((await strataInProcess(["cache", "gen", "-o", trace, "--requests", "200000", "--keys", "50000", "--alpha", "0.9", "--seed", "3"])).code).toBe(0);
    const generator = { kind: "zipf", requests: 200000, keys: 50000, alpha: 0.9, seed: 3 };
    expect(await answer("/api/cache/mrc", { generator, sizes: [100, 1000, 10000] })).toEqual(await cli(["cache", "mrc", trace, "--size", "100,1000,10000", "--json"]));
    // The generator's fields at the top of the body, as the two commands' flags on one line.
    expect(await answer("/api/cache/mrc", { ...generator, sizes: [100, 1000, 10000] })).toEqual(await answer("/api/cache/mrc", { generator, sizes: [100, 1000, 10000] }));
    expect(await answer("/api/cache/mrc", { generator, sample: 0.1, seed: 7 })).toEqual(await cli(["cache", "mrc", trace, "--sample", "0.1", "--seed", "7", "--json"]));
    expect(await answer("/api/cache/simulate", { generator, policies: ["lru", "s3fifo"], sizes: [1000, "8MiB"] }))
      .toEqual(await cli(["cache", "simulate", trace, "--policy", "lru,s3fifo", "--size", "1000,8MiB", "--json", "--no-timing"]));
    const mix = join(dir, "mix.bin");
    expect((await strataInProcess(["cache", "gen", "-o", mix, "--kind", "dlrm-mix", "--requests", "50000", "--tables", "10000:1.1:0.7,2000:0.8:0.3", "--drift-every", "10000"])).code).toBe(0);
    expect(await answer("/api/cache/mrc", { generator: { kind: "dlrm-mix", requests: 50000, tables: [{ rows: 10000, alpha: 1.1, weight: 0.7 }, { rows: 2000, alpha: 0.8, weight: 0.3 }], driftEvery: 10000 } }))
      .toEqual(await cli(["cache", "mrc", mix, "--json"]));
  }, 60_000);

  it("POST /api/trace/analyze, replay and predict take the trace file as the body", async () => {
    const gz = readFileSync(traceFixture);
    const name = encodeURIComponent(traceFixture);
    expect(await answer(`/api/trace/analyze?name=${name}`, gz)).toEqual(await cli(["trace", "analyze", traceFixture, "--json"]));
    expect(await answer(`/api/trace/predict?gpu=a100-sxm-80gb&ownOverheads=1&name=${name}`, gz)).toEqual(await cli(["trace", "predict", traceFixture, "--gpu", "a100-sxm-80gb", "--own-overheads", "--json"]));
    expect(await answer("/api/trace/analyze", gz)).toMatchObject({ file: "upload" });
    expect(await answer("/api/trace/replay", gz)).toEqual(await cli(["trace", "replay", traceFixture, "--json"]));
    await expectError(await post("/api/trace/predict?gpu=nope", gz), 400, "gpu");
    const bad = await expectError(await post("/api/trace/analyze", '{"traceEvents": [{"ph": "X", "name": 5, "ts": 1}]}'), 400, "");
    // The temporary file's path is the server's business.
    expect(bad.message).toMatch(/^upload: /);
  }, 60_000);

  it("POST /api/cache/mrc/upload: strata cache mrc --json on an uploaded access trace (oracleGeneral or CSV)", async () => {
    const bin = join(ROOT, "test/fixtures/cloudPhysicsIO.head5000.reindexed.oracleGeneral.bin.zst");
    expect(await answer("/api/cache/mrc/upload?name=trace.oracleGeneral.bin.zst&sizes=10,100,1000", readFileSync(bin))).toEqual(await cli(["cache", "mrc", bin, "--size", "10,100,1000", "--json"]));
    const csv = join(dir, "access.csv");
    writeFileSync(csv, "id,size\n" + Array.from({ length: 400 }, (_, i) => `${(i * 7) % 50},4096`).join("\n") + "\n");
    expect(await answer("/api/cache/mrc/upload?name=access.csv&sample=1", readFileSync(csv))).toEqual(await cli(["cache", "mrc", csv, "--sample", "1", "--json"]));
    await expectError(await post("/api/cache/mrc/upload", readFileSync(csv)), 400, "name");
    await expectError(await post("/api/cache/mrc/upload?name=a.csv&format=parquet", readFileSync(csv)), 400, "format");
    await expectError(await post("/api/cache/mrc/upload?name=a.csv&sample=2", readFileSync(csv)), 400, "sample");
  }, 60_000);

  it("POST /api/sweep answers strata sweep --json", async () => {
    const spec = { command: "llm fit", base: "mixtral-8x7b", grid: { "--count": [1, 2, 4], "--weights": ["bf16", "fp8"] }, pareto: ["maxContextTokens", "--count"], objectives: { "--count": "min" } };
    const file = join(dir, "sweep.json");
    writeFileSync(file, JSON.stringify(spec));
    expect(await answer("/api/sweep", spec)).toEqual(await cli(["sweep", file, "--workers", "1", "--json"]));
    // A workload base in the body.
    const predict = { command: "predict", base: kaggle, grid: { "training.batchSize": [512, 1024] } };
    const doc = (await answer("/api/sweep", predict)) as { runs: number; results: { result: { trainStepMs: number } }[] };
    expect(doc.runs).toBe(2);
    await expectError(await post("/api/sweep", { ...predict, base: "data/examples/dlrm-kaggle-b2048.json" }), 400, "base");
  }, 60_000);
});

describe("strata ui server: bad requests", () => {
  it("a malformed body gets 400 and the field path", async () => {
    const tables = structuredClone((kaggle.model as { tables: { rows: number }[] }).tables);
    tables[2]!.rows = -5;
    const e = await expectError(await post("/api/predict", { workloads: [{ ...kaggle, model: { ...(kaggle.model as object), tables } }] }), 400, "workloads[0].model.tables[2].rows");
    expect(e.message).toContain("found -5");
    await expectError(await post("/api/predict", { workloads: [benchmark, { ...kaggle, hardware: { gpu: "h100" } }] }), 400, "workloads[1].hardware.gpu");
    await expectError(await post("/api/predict", { workloads: [kaggle], gpu: "nope" }), 400, "gpu");
    const typo = await expectError(await post("/api/predict", { workload: [kaggle] }), 400, "workload");
    expect(typo.message).toContain('did you mean "workloads"');
    await expectError(await post("/api/predict", "{not json"), 400, "");
    await expectError(await post("/api/plan", { workload: kaggle }), 400, "cluster");
    await expectError(await post("/api/plan", { workload: kaggle, cluster: "/etc/passwd" }), 400, "cluster");
    await expectError(await post("/api/llm/fit", { model: "mixtral-8x7b", count: 0 }), 400, "count");
    await expectError(await post("/api/llm/fit", { model: { kind: "moe-transformer", hidden: -1 } }), 400);
    // Refused by the command rather than the schema: the flag's field.
    await expectError(await post("/api/llm/fit", { model: "mixtral-8x7b", count: 3 }), 400, "count");
    await expectError(await post("/api/cache/mrc", { generator: { kind: "zipf" }, sizes: ["64 parsecs"] }), 400, "sizes");
    await expectError(await post("/api/cache/mrc", { generator: { kind: "dlrm-mix", tables: "1:2" } }), 400, "generator.tables");
  }, 60_000);

  it("mutated bodies always get 200 or 400 with a path, never a 500", async () => {
    const bodies: Record<string, unknown> = {
      "/api/predict": { workloads: [kaggle] },
      "/api/llm/fit": { model: "mixtral-8x7b", count: 2, weights: "fp8", kv: "bf16", batch: 4 },
      "/api/plan": { workload: kaggle, cluster: "1x2-h100-sxm-80gb", strategy: "greedy" },
    };
    /** Replace or delete the value at a random path of the body. */
    const mutate = (body: unknown, picks: number[], value: unknown, remove: boolean): unknown => {
      const copy = structuredClone(body) as Record<string, unknown>;
      let node: Record<string, unknown> = copy;
      for (const [i, pick] of picks.entries()) {
        const keys = Object.keys(node);
        if (!keys.length) break;
        const key = keys[pick % keys.length]!;
        const child = node[key];
        if (i === picks.length - 1 || child === null || typeof child !== "object") {
          if (remove) delete node[key];
          else node[key] = value;
          break;
        }
        node = child as Record<string, unknown>;
      }
      return copy;
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(bodies)), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), fc.boolean(), async (route, picks, value, remove) => {
        const res = await post(route, mutate(bodies[route], picks, value, remove));
        if (res.status === 200) return void (await res.text());
        await expectError(res, 400);
      }),
      { numRuns: 60, seed: 15 },
    );
  }, 120_000);

  it("a body over the limit gets 413; a JSON route given another type 415", async () => {
    await expectError(await post("/api/predict", JSON.stringify({ workloads: [kaggle], pad: "x".repeat(8 * 2 ** 20) })), 413, "");
    const declared = await raw({ method: "POST", path: "/api/trace/analyze", headers: { "content-length": 300 * 2 ** 20, "content-type": "application/gzip" } });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ error: { path: "" } });
    await expectError(await post("/api/predict", JSON.stringify({ workloads: [kaggle] }), { "content-type": "text/plain" }), 415, "");
    // No length declared: counted as it comes.
    const chunked = await raw({ method: "POST", path: "/api/predict", headers: { "content-type": "application/json" }, chunks: Array.from({ length: 9 }, () => Buffer.alloc(2 ** 20, 32)) });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toMatchObject({ error: { path: "" } });
  }, 60_000);

  it("unknown routes get 404, wrong methods 405 with Allow", async () => {
    await expectError(await fetch(url("/api/nope")), 404, "");
    await expectError(await post("/api/jobs/nope", {}), 404, "");
    await expectError(await fetch(url("/api/jobs/00000000-0000-4000-8000-000000000000")), 404, "");
    const get = await fetch(url("/api/predict"));
    expect(get.headers.get("allow")).toBe("POST");
    await expectError(get, 405, "");
    await expectError(await post("/api/health", {}), 405, "");
  });

  it("callers from elsewhere get 403: another site's Origin, a Host that is not this machine", async () => {
    await expectError(await post("/api/predict", { workloads: [kaggle] }, { origin: "https://evil.example" }), 403, "");
    expect((await fetch(url("/api/health"), { headers: { origin: "http://localhost:5173" } })).status).toBe(200);
    const rebound = await raw({ method: "GET", path: "/api/health", headers: { host: `evil.example:${server.port}` } });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toMatchObject({ error: { path: "" } });
  });
});

describe("strata ui server: jobs", () => {
  it("a job streams progress in order, then its result: the route's answer", async () => {
    const body = { generator: { kind: "zipf", requests: 3_000_000, keys: 100_000, seed: 2 }, sizes: [100, 10_000] };
    const started = await post("/api/jobs/cache/mrc", body);
    expect(started.status).toBe(202);
    const { id, events: path, status } = (await started.json()) as { id: string; events: string; status: string };
    const evs = await events(path);
    const last = evs.at(-1)!;
    expect(last.event).toBe("result");
    const progress = evs.slice(0, -1);
    expect(progress.every((e) => e.event === "progress")).toBe(true);
    expect(progress.length).toBeGreaterThan(0);
    const done = progress.map((e) => (e.data as { done: number; total: number }).done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(progress.every((e) => (e.data as { total: number }).total === 3_000_000)).toBe(true);
    expect(last.data).toEqual(await answer("/api/cache/mrc", body));
    expect(await (await fetch(url(status))).json()).toMatchObject({ id, route: "cache/mrc", state: "done", result: last.data });
    // A late client gets the latest progress, then the result.
    expect((await events(path)).map((e) => e.event)).toEqual(["progress", "result"]);
  }, 120_000);

  it("a job's failure is an error event; a bad body is refused before any job; a cancelled job ends with an error", async () => {
    const failed = (await (await post("/api/jobs/llm/fit", { model: "mixtral-8x7b", count: 3 })).json()) as { events: string };
    const evs = await events(failed.events);
    expect(evs.at(-1)).toMatchObject({ event: "error", data: { error: { path: "count" } } });
    await expectError(await post("/api/jobs/predict", { workloads: [] }), 400, "workloads");
    const long = (await (await post("/api/jobs/cache/mrc", { generator: { kind: "zipf", requests: 2_000_000_000 } })).json()) as { id: string; events: string };
    // The server answers while the job computes on its thread.
    expect(await (await fetch(url("/api/health"))).json()).toEqual({ ok: true });
    expect(await (await fetch(url(`/api/jobs/${long.id}`))).json()).toMatchObject({ state: "running" });
    const cancel = await fetch(url(`/api/jobs/${long.id}`), { method: "DELETE" });
    expect(await cancel.json()).toEqual({ id: long.id, state: "cancelled" });
    expect((await events(long.events)).at(-1)).toEqual({ event: "error", data: { error: { path: "", message: "cancelled" } } });
  }, 120_000);

  it("a trace upload runs as a job with events read as progress", async () => {
    const res = await post(`/api/jobs/trace/analyze?name=${encodeURIComponent(traceFixture)}`, readFileSync(traceFixture));
    const evs = await events(((await res.json()) as { events: string }).events);
    expect(evs.at(-1)!.event).toBe("result");
    expect(evs.at(-1)!.data).toEqual(await cli(["trace", "analyze", traceFixture, "--json"]));
  }, 60_000);
});

describe("strata ui", () => {
  it("a port in use is refused, and leaves nothing running", async () => {
    await expect(startServer({ port: server.port, threads: 1 })).rejects.toMatchObject({ code: "EADDRINUSE" });
  }, 60_000);

  /** Start `strata ui ARGS`, wait for its address, call `check`, then SIGTERM: it exits 0. */
  async function session(args: string[], check: (url: string) => Promise<void>): Promise<string> {
    const child = spawn(process.execPath, ["--import", "tsx", `${ROOT}src/cli/main.ts`, "ui", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (c: Buffer) => {
        stdout += c.toString();
        const m = /^Strata dashboard: (\S+)\n/m.exec(stdout);
        if (m) resolve(m[1]!);
      });
      void exited.then(() => reject(new Error(`exited before its address: ${stderr}`)));
    });
    try {
      await check(line);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited, stderr).toBe(0);
    return stderr;
  }

  it("strata ui --port 0 prints its 127.0.0.1 address, serves / and /api/health, and exits 0 on SIGTERM; --host warns", async () => {
    const [plain, other] = await Promise.all([
      session(["--port", "0"], async (address) => {
        expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
        expect(await (await fetch(`${address}api/health`)).json()).toEqual({ ok: true });
        expect((await fetch(address)).status).toBe(200);
      }),
      session(["--port", "0", "--host", "127.0.0.2"], async (address) => {
        expect(address).toMatch(/^http:\/\/127\.0\.0\.2:\d+\/$/);
        expect(await (await fetch(`${address}api/health`)).json()).toEqual({ ok: true });
      }),
    ]);
    expect(plain).toBe("");
    expect(other).toMatch(/^strata: warning: --host 127\.0\.0\.2: /);
  }, 120_000);
});
