/**
 * Bad input never crashes: a property test drives the command line in process with generated
 * workloads, clusters, MoE configs and cache options, valid and invalid, and checks that each
 * run exits 0 or 2 (never 1), prints no stack trace and no NaN, Infinity or null number, and
 * leaves its input files as they were.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { example, strataInProcess as run } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "strata-fuzz-"));
const hash = (file: string): string => createHash("sha256").update(readFileSync(file)).digest("hex");

function expectClean(r: { code: number; stdout: string; stderr: string }, args: string[]): void {
  const where = `strata ${args.join(" ")}\n${r.stderr.slice(0, 400)}`;
  expect([0, 2], where).toContain(r.code);
  expect(r.stderr, where).not.toMatch(/\n\s+at .+:\d+:\d+/);
  if (r.code === 2) expect(r.stderr, where).toMatch(/^strata: /);
  expect(r.stdout, where).not.toMatch(/\bNaN\b|-?Infinity\b|:\s*null\b/);
}

const base = JSON.parse(readFileSync(example("dlrm-kaggle-b2048"), "utf8")) as Record<string, unknown>;

/** A value a user might put anywhere: sane, typo'd, huge, negative, wrong type. */
const anyValue = fc.oneof(
  fc.integer({ min: -5, max: 100 }),
  fc.constantFrom(0, 1, 2.5, -1, 1e9, 1e15, 1.7e308, 5e-324, 4294967296),
  fc.constantFrom("sgd", "fp16", "h100-sxm-80gb", "h900", "", "dot", "dcnv2", "zipf"),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.boolean(),
);

/** Paths into the workload to replace or add. */
const paths = fc.constantFrom(
  ["training", "batchSize"], ["training", "optimizer"], ["training", "optimiser"], ["training", "precision"], ["training", "embeddingPrecision"],
  ["training", "implementation"], ["model", "embeddingDim"], ["model", "bottomMlp"], ["model", "topMlp"], ["model", "interaction"],
  ["model", "tables", 0, "rows"], ["model", "tables", 0, "pooling"], ["model", "tables", 1, "dim"], ["model", "tables"], ["model", "indexDistribution"],
  ["model", "indexDistribution", "alpha"], ["hardware", "gpu"], ["hardware", "count"], ["hardware", "cluster"], ["hardware", "node"], ["name"], ["model", "kind"],
  ["inference", "batchSize"], ["model", "tables", 2, "placement", "home"],
);

function mutate(doc: Record<string, unknown>, edits: Array<[ReadonlyArray<string | number>, unknown]>): Record<string, unknown> {
  const copy = structuredClone(doc);
  for (const [path, value] of edits) {
    let at: Record<string | number, unknown> = copy;
    for (const key of path.slice(0, -1)) {
      if (typeof at[key] !== "object" || at[key] === null) at[key] = {};
      at = at[key] as Record<string | number, unknown>;
    }
    at[path[path.length - 1]!] = value;
  }
  return copy;
}

let n = 0;
const workloadFile = (doc: unknown): string => {
  const file = join(dir, `w${n++}.json`);
  writeFileSync(file, JSON.stringify(doc));
  return file;
};

describe("the command line under generated input", () => {
  it("predict, plan, timeline and tier on mutated workloads", async () => {
    const commands = fc.constantFrom(
      (f: string) => ["predict", f, "--json"],
      (f: string) => ["predict", f, "--host", "unknown", "--json"],
      (f: string) => ["plan", f, "--cluster", "1x2-h100-sxm-80gb", "--strategy", "greedy", "--json"],
      (f: string) => ["timeline", f, "-o", join(dir, "t.json")],
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(paths, anyValue), { minLength: 0, maxLength: 3 }), commands, async (edits, command) => {
        const file = workloadFile(mutate(base, edits));
        const before = hash(file);
        const args = command(file);
        expectClean(await run(args), args);
        expect(hash(file)).toBe(before);
      }),
      { numRuns: 150, seed: 13 },
    );
  }, 120_000);

  it("clusters, hosts and GPUs given as ids", async () => {
    const f = example("dlrm-kaggle-b2048");
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.tuple(fc.integer({ min: -1, max: 3 }), fc.integer({ min: -1, max: 9 })).map(([h, g]) => `${h}x${g}-h100-sxm-80gb`), fc.constantFrom("dgx-h100-8", "nope", "2x8-h900", "1x1-a100-sxm-80gb", "100000x8-h100-sxm-80gb", "1x73-b200", "1e3x8-h100-sxm-80gb")),
        fc.constantFrom("unknown", "skylake-8168", "no-such", "grace"),
        fc.constantFrom("1", "0", "-2", "1e309", "abc", "0.5"),
        async (cluster, host, speed) => {
          const small = /^(\d+)x(\d+)-/.exec(cluster);
          if (small && Number(small[1]) * Number(small[2]) > 16) return; // the property is about parsing, not about planning thousands of ranks
          for (const args of [["plan", f, "--cluster", cluster, "--strategy", "greedy", "--host-speed", speed, "--json"], ["predict", f, "--host", host, "--host-speed", speed, "--json"]]) expectClean(await run(args), args);
        },
      ),
      { numRuns: 80, seed: 7 },
    );
  }, 120_000);

  it("llm fit and perf with generated MoE options", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("llama4-scout-17b-16e", "llama4-maverick-17b-128e", "no-such-model"),
        fc.constantFrom("1", "2", "3", "8", "100000", "0", "-1", "1.5"),
        fc.constantFrom("bf16", "fp8", "int4", "fp3"),
        fc.constantFrom("h100-sxm-80gb", "b200", "h900"),
        fc.constantFrom("1", "64", "1e12", "0"),
        async (model, count, weights, gpu, prompt) => {
          const fit = ["llm", "fit", "--model", model, "--count", count, "--weights", weights, "--gpu", gpu, "--json"];
          expectClean(await run(fit), fit);
          const perf = ["llm", "perf", "--model", model, "--count", count, "--weights", weights, "--gpu", gpu, "--batch", "1,8", "--prompt", prompt, "--output-tokens", "16", "--json"];
          expectClean(await run(perf), perf);
        },
      ),
      { numRuns: 80, seed: 3 },
    );
  }, 120_000);

  it("cache gen and simulate with generated options", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("100", "1000", "0", "-5", "1e300", "1e10", "2.5", "abc"),
        fc.constantFrom("10", "500", "0", "1e12"),
        fc.constantFrom("lru", "fifo", "s3fifo", "nope"),
        fc.constantFrom("10", "100", "0", "1e20", "64MiB", "x"),
        async (requests, keys, policy, size) => {
          const out = join(dir, `c${n++}.bin`);
          const gen = ["cache", "gen", "--kind", "zipf", "--requests", requests, "--keys", keys, "--out", out];
          const g = await run(gen);
          expectClean(g, gen);
          if (g.code !== 0) return;
          const before = hash(out);
          const sim = ["cache", "simulate", out, "--format", "oracleGeneral", "--policy", policy, "--size", size, "--json"];
          expectClean(await run(sim), sim);
          expect(hash(out)).toBe(before);
        },
      ),
      { numRuns: 60, seed: 5 },
    );
  }, 120_000);
});
