/**
 * `strata ui`'s API speed: a warm server's request latency next to the same library call in
 * process and to a `strata` process doing it, side by side in one run (the HTTP hop, the body
 * check and the compute thread's round trip are the difference). Run alone:
 * `npm run build && node --import tsx bench/ui.ts`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { ROUTES } from "../src/server/routes.js";
import { startServer } from "../src/server/server.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const KAGGLE = `${ROOT}data/examples/dlrm-kaggle-b2048.json`;
const RUNS = 200;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;

async function times(n: number, f: () => unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f();
    out.push(performance.now() - t0);
  }
  return out;
}

/** Wall clock of one `strata ARGS` process (compiled), start-up included. */
function processMs(args: string[]): number | undefined {
  const main = `${ROOT}dist/cli/main.js`;
  if (!existsSync(main)) return undefined;
  const t = [0, 1, 2].map(() => {
    const t0 = performance.now();
    execFileSync(process.execPath, [main, ...args], { stdio: "ignore" });
    return performance.now() - t0;
  });
  return median(t);
}

export async function uiSection(): Promise<string[]> {
  const server = await startServer({ port: 0, threads: 2 });
  const kaggle = JSON.parse(readFileSync(KAGGLE, "utf8")) as unknown;
  /** The route's own work in this thread: the body checked, the call, its JSON (no HTTP, no thread hop). */
  const local = (route: string, body: unknown) => () => JSON.stringify(ROUTES[route]!.run(ROUTES[route]!.parse(structuredClone(body)) as never, () => {}));
  const call = (path: string, body?: unknown) => fetch(`${server.url}${path}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.text());
  const cases: { name: string; api: () => Promise<unknown>; library?: () => unknown; cli?: string[] }[] = [
    { name: "GET /api/health", api: () => call("api/health") },
    { name: "POST /api/llm/fit (Mixtral on 2 x H100)", api: () => call("api/llm/fit", { model: "mixtral-8x7b", count: 2 }), library: local("llm/fit", { model: "mixtral-8x7b", count: 2 }), cli: ["llm", "fit", "--model", "mixtral-8x7b", "--count", "2", "--json"] },
    { name: "POST /api/predict (Criteo Kaggle DLRM)", api: () => call("api/predict", { workloads: [kaggle] }), library: local("predict", { workloads: [kaggle] }), cli: ["predict", KAGGLE, "--json"] },
  ];
  const rows: string[] = [];
  try {
    for (const c of cases) {
      // Warm: both compute threads and this thread's JIT.
      await times(50, c.api);
      if (c.library) await times(50, c.library);
      const api = await times(RUNS, c.api);
      const lib = c.library ? await times(RUNS, c.library) : undefined;
      const cli = c.cli ? processMs(c.cli) : undefined;
      const m = median(api);
      rows.push(`| ${c.name} | ${m.toFixed(2)} ms | ${p90(api).toFixed(2)} ms | ${lib ? `${median(lib).toFixed(2)} ms (${(m / median(lib)).toFixed(1)}x)` : "-"} | ${cli ? `${cli.toFixed(0)} ms (${(cli / m).toFixed(0)}x the API)` : "-"} |`);
    }
  } finally {
    await server.close();
  }
  return [
    "## Dashboard API (`strata ui`)",
    "",
    `Warm server in process (2 compute threads), ${RUNS} sequential requests per row after 50 to warm up; the same route's work in this thread (body checked, library call, JSON; a fresh body each time, as a request's); a compiled \`strata\` process doing it (start-up included, median of 3). Machine: ${cpus()[0]?.model ?? "unknown CPU"} x ${cpus().length}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}. Reproduce: \`npm run build && node --import tsx bench/ui.ts\`.`,
    "",
    "| request | median | p90 | in this thread (API / it) | strata process |",
    "|---|---|---|---|---|",
    ...rows,
    "",
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write((await uiSection()).join("\n") + "\n");
