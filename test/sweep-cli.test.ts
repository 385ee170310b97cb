/** strata sweep through the CLI: the JSON contract, byte-identical results for any --workers, -o formats, spec errors. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { example, strata } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "strata-sweep-cli-"));
const spec = join(dir, "plan.json");
writeFileSync(spec, JSON.stringify({
  command: "plan",
  base: example("dlrm-kaggle-b2048"),
  flags: { "--strategy": "greedy" },
  grid: { "--cluster": ["1x2-h100-sxm-80gb", "1x4-h100-sxm-80gb"], "training.batchSize": [1024, 2048, 4096], "model.tables[0].pooling": [1, 1e9] },
  pareto: ["stepMs", "gpus"],
  top: 2,
}));

interface Doc {
  runs: number;
  results: Array<{ index: number; params: Record<string, unknown>; result?: { stepMs: number; perRank: unknown[] }; error?: string }>;
  pareto: number[];
  top?: number[];
}

describe("strata sweep", () => {
  const one = strata(["sweep", spec, "--workers", "1", "--json"]);
  const two = strata(["sweep", spec, "--workers", "2", "--json"]);
  // This thread and two piscina threads, the chunks taken by whichever is free.
  const three = strata(["sweep", spec, "--workers", "3", "--json"]);

  it("prints runs, results in index order and the Pareto front", () => {
    expect(one.stderr).toBe("");
    expect(one.code).toBe(0);
    const doc = JSON.parse(one.stdout) as Doc;
    expect(Object.keys(doc)).toEqual(["runs", "results", "pareto", "top"]);
    expect(doc.runs).toBe(12);
    expect(doc.results.map((r) => r.index)).toEqual([...Array(12).keys()]);
    expect(doc.results[0]!.params).toEqual({ "--cluster": "1x2-h100-sxm-80gb", "training.batchSize": 1024, "model.tables[0].pooling": 1 });
    // Pooling 1e9 is past the schema's bound: those configurations fail alone, naming the field.
    for (const r of doc.results) {
      if (r.params["model.tables[0].pooling"] === 1) expect(r.result?.stepMs).toBeGreaterThan(0);
      else expect(r.error).toMatch(/at model\.tables\[0\]\.pooling:/);
    }
    expect(doc.pareto.length).toBeGreaterThan(0);
    for (const i of doc.pareto) expect(doc.results[i]!.result).toBeDefined();
    // The front: no configuration is at least as fast on as few GPUs and better in one.
    const ok = doc.results.filter((r) => r.result);
    for (const i of doc.pareto) {
      const p = doc.results[i]!.result!;
      expect(ok.some((q) => q.result!.stepMs <= p.stepMs && q.result!.perRank.length <= p.perRank.length && (q.result!.stepMs < p.stepMs || q.result!.perRank.length < p.perRank.length))).toBe(false);
    }
    expect(doc.top).toHaveLength(2);
    // Each result is what `strata plan --json` prints for that configuration.
    const r0 = strata(["plan", example("dlrm-kaggle-b2048"), "--cluster", "1x2-h100-sxm-80gb", "--strategy", "greedy", "--json"]);
    expect(doc.results[2]!.result).toEqual(JSON.parse(r0.stdout));
  });

  it("gives byte-identical results with --workers 1, 2 and 3", () => {
    for (const r of [two, three]) {
      expect(r.code).toBe(0);
      expect(r.stderr).toBe("");
      expect(JSON.stringify((JSON.parse(r.stdout) as Doc).results)).toBe(JSON.stringify((JSON.parse(one.stdout) as Doc).results));
      expect(r.stdout).toBe(one.stdout);
    }
  });

  it("writes csv and jsonl with -o and summarises on stdout", () => {
    const csv = join(dir, "out.csv");
    const r = strata(["sweep", spec, "--workers", "1", "-o", csv]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/plan over 12 configurations, 6 failed/);
    expect(r.stdout).toMatch(/Pareto front of stepMs \(min\) and gpus \(min\)/);
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    expect(lines).toHaveLength(13);
    expect(lines[0]!.startsWith("index,--cluster,training.batchSize,model.tables[0].pooling,error,feasible,stepMs")).toBe(true);
    const jsonl = join(dir, "out.txt");
    expect(strata(["sweep", spec, "--workers", "1", "-o", jsonl, "--format", "jsonl", "--json"]).code).toBe(0);
    const rows = readFileSync(jsonl, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { index: number });
    expect(rows.map((x) => x.index)).toEqual([...Array(12).keys()]);
  });

  it("exits 2 on an invalid spec, naming the file and the field", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, `command: plan\nbase: ${example("dlrm-kaggle-b2048")}\ngrid:\n  training.batchSize: 1024\n`);
    const r = strata(["sweep", bad, "--json"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`strata: ${bad}: invalid sweep spec`);
    expect(r.stderr).toMatch(/at grid\.training\.batchSize: .*found 1024/);
    expect(strata(["sweep", spec, "--workers", "0"]).code).toBe(2);
    expect(strata(["sweep", spec, "--format", "xml"]).stderr).toMatch(/--format: expected one of json, jsonl, csv/);
  });
});
