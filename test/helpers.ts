/** Test helpers: bundled example workloads and a tiny 3-table model. */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { fileURLToPath } from "node:url";
import type { DlrmWorkload } from "../src/spec/workload.js";
import { Workload } from "../src/spec/workload.js";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));
/** A 4-layer Llama 4 shaped config small enough to count by hand (test/llm-params.test.ts). */
export const tinyConfig = `${ROOT}test/fixtures/llm/tiny-llama4-config.json`;
export const example = (name: string): string => `${ROOT}data/examples/${name}.json`;

export function tinyWorkload(overrides: Partial<{ batchSize: number; tables: number }> = {}): DlrmWorkload {
  const tables = overrides.tables ?? 3;
  return Workload.parse({
    name: "tiny",
    model: {
      kind: "dlrm",
      bottomMlp: [13, 64, 16],
      topMlp: [32, 1],
      embeddingDim: 16,
      tables: Array.from({ length: tables }, (_, i) => ({ rows: 1000 * (i + 1), pooling: i + 1 })),
    },
    training: { batchSize: overrides.batchSize ?? 256 },
    hardware: { gpu: "h100-sxm-80gb", count: 1 },
  }) as DlrmWorkload;
}

/** Run the CLI from source (no build needed). */
export function strata(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ["--import", "tsx", `${ROOT}src/cli/main.ts`, ...args], { encoding: "utf8", cwd: ROOT, input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Run one command line in process (src/cli/program.ts), capturing what it prints. */
export async function strataInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { runCli } = await import("../src/cli/program.js");
  let stdout = "";
  let stderr = "";
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => ((stdout += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true)) as typeof process.stderr.write;
  try {
    const code = await runCli(["node", "strata", ...args]);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/**
 * Compare with test/golden/NAME; UPDATE_GOLDEN=1 rewrites it. A missing golden is written
 * locally but fails under CI (CI set), so a run can never pass by writing its own expectation.
 */
export function golden(name: string, actual: string): void {
  const file = join(ROOT, "test/golden", name);
  if (process.env.UPDATE_GOLDEN || (!existsSync(file) && !process.env.CI)) writeFileSync(file, actual);
  expect(existsSync(file), `test/golden/${name} is missing (run the tests once locally)`).toBe(true);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

/** No NaN, Infinity, or null where a number belongs (JSON.stringify prints null for both). */
export function expectNoBadNumbers(s: string): void {
  expect(s).not.toMatch(/\bNaN\b|Infinity|\bnull\b/);
}

/** A CLI run that failed as the user's error: exit 2, the message parts, no stack trace, clean stdout. */
export function expectUserError(r: { code: number | null; stderr: string; stdout: string }, ...parts: string[]): void {
  expect(r.code, r.stderr).toBe(2);
  for (const p of parts) expect(r.stderr).toContain(p);
  expect(r.stderr).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m); // no stack trace
  expectNoBadNumbers(r.stdout);
}
