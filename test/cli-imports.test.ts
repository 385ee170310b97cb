/**
 * Start-up: a command line loads only its own command's modules (src/cli/program.ts), so short
 * commands never load the planner, HiGHS, piscina or BullMQ (BENCHMARKS.md, start-up). Asserted
 * on the module graph a run loads (a loader hook records every file), never on a time.
 */
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers.js";

const hook = pathToFileURL(`${ROOT}test/fixtures/record-imports.mjs`).href;

/** The files of this repository and the packages one command line loads. */
function loaded(args: string[]): { code: number | null; ours: string[]; packages: string[] } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "--import", hook, `${ROOT}src/cli/main.ts`, ...args], { cwd: ROOT, encoding: "utf8" });
  const urls = [...r.stderr.matchAll(/^loaded (file:\S+)$/gm)].map((m) => m[1]!);
  const root = pathToFileURL(ROOT).href;
  const packages = [...new Set(urls.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []))];
  const ours = urls.filter((u) => u.startsWith(root) && !u.includes("/node_modules/")).map((u) => u.slice(root.length));
  return { code: r.status, ours, packages };
}

const HEAVY = ["bullmq", "ioredis", "piscina", "highs", "cli-progress", "fzstd"];

describe("start-up import graph", () => {
  it("--version loads the command tree's shell and commander only", () => {
    const r = loaded(["--version"]);
    expect(r.code).toBe(0);
    expect(r.packages.filter((p) => p !== "tsx" && p !== "get-tsconfig")).toEqual(["commander"]);
    expect(r.ours.sort()).toEqual(["src/cli/main.ts", "src/cli/program.ts", "src/cli/run.ts", "src/io/output.ts", "src/spec/errors.ts"]);
  });

  it("catalog loads no planner, solver, worker pool or queue", () => {
    const r = loaded(["catalog"]);
    expect(r.code).toBe(0);
    expect(r.packages.filter((p) => HEAVY.includes(p))).toEqual([]);
    expect(r.ours.filter((f) => /^src\/(shard|sweep|llm|tier|cache|sim|graph)\//.test(f) || /^src\/cli\/(?!main|program|run|catalog)/.test(f))).toEqual([]);
  });

  it("sweep and worker load piscina, BullMQ and the planners only when they run", () => {
    for (const command of ["sweep", "worker"]) {
      const r = loaded([command, "--help"]);
      expect(r.code, command).toBe(0);
      expect(r.packages.filter((p) => HEAVY.includes(p) && p !== "cli-progress"), command).toEqual([]);
      expect(r.ours.filter((f) => /^src\/(shard|llm|tier)\/|^src\/sweep\/run\.ts$/.test(f)), command).toEqual([]);
    }
  });

  it("a plan without the MILP does not load HiGHS", () => {
    const r = loaded(["plan", `${ROOT}data/examples/dlrm-kaggle-b2048.json`, "--cluster", "1x2-h100-sxm-80gb", "--strategy", "greedy", "--json"]);
    expect(r.code).toBe(0);
    expect(r.packages).not.toContain("highs");
  });
});
