/** strata sweep's pure core: specs and their errors, grid expansion, the Latin-hypercube sample, the Pareto front. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configurations, gridCombinations, latinHypercube, parsePath, setPath } from "../src/sweep/expand.js";
import { defaultDirection, paretoFront, topK } from "../src/sweep/pareto.js";
import { unpack } from "../src/sweep/packed.js";
import { runChunk, type SweepTask } from "../src/sweep/run.js";
import { loadSweep } from "../src/sweep/spec.js";
import { ROOT, example, tinyWorkload } from "./helpers.js";

/** A chunk's rows, parsed back from the JSON they cross threads as. */
const chunk = async (task: SweepTask) => (await runChunk(task)).map(unpack);

const dir = mkdtempSync(join(tmpdir(), "strata-sweep-"));
let n = 0;
function specFile(spec: unknown, ext = "json"): string {
  const file = join(dir, `spec-${n++}.${ext}`);
  writeFileSync(file, typeof spec === "string" ? spec : JSON.stringify(spec));
  return file;
}
const kaggle = example("dlrm-kaggle-b2048");

describe("field paths", () => {
  it("parse keys, indices and every element", () => {
    expect(parsePath("training.batchSize")).toEqual(["training", "batchSize"]);
    expect(parsePath("model.tables[0].pooling")).toEqual(["model", "tables", 0, "pooling"]);
    expect(parsePath("model.tables[*].dim")).toEqual(["model", "tables", "*", "dim"]);
    for (const bad of ["", "a..b", "a.", "a[x]", "a[0", "1a", "a b"]) expect(parsePath(bad), bad).toBeUndefined();
  });
  it("set a value in place, or say where the path leads nowhere", () => {
    const w = { model: { tables: [{ pooling: 1 }, { pooling: 2 }] } };
    expect(setPath(w, parsePath("model.tables[1].pooling")!, 5)).toBeUndefined();
    expect(w.model.tables[1]!.pooling).toBe(5);
    expect(setPath(w, parsePath("model.tables[*].dim")!, 8)).toBeUndefined();
    expect(w.model.tables.map((t) => (t as { dim?: number }).dim)).toEqual([8, 8]);
    expect(setPath(w, parsePath("model.tables[2].pooling")!, 1)).toBe("model.tables[2]");
    expect(setPath(w, parsePath("training.batchSize")!, 1)).toBe("training");
  });
});

describe("grid expansion", () => {
  it("is the cartesian product with the last key fastest, numbered from 0", () => {
    expect(gridCombinations({ a: [1, 2], b: ["x", "y", "z"] })).toEqual([
      { a: 1, b: "x" }, { a: 1, b: "y" }, { a: 1, b: "z" }, { a: 2, b: "x" }, { a: 2, b: "y" }, { a: 2, b: "z" },
    ]);
    const c = configurations({ a: [1, 2] }, { count: 3, seed: 7, ranges: { r: { min: 0, max: 1 } } });
    expect(c.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(c.map((x) => x.params.a)).toEqual([1, 1, 1, 2, 2, 2]);
    // Every grid combination gets the same sample points.
    expect(c.slice(0, 3).map((x) => x.params.r)).toEqual(c.slice(3).map((x) => x.params.r));
  });
  it("gives the same indices for the same spec", () => {
    const grid = { "--cluster": ["1x2-h100-sxm-80gb", "1x4-h100-sxm-80gb"], "training.batchSize": [1024, 2048] };
    expect(configurations(grid)).toEqual(configurations(structuredClone(grid)));
    expect(configurations(grid)[3]).toEqual({ index: 3, params: { "--cluster": "1x4-h100-sxm-80gb", "training.batchSize": 2048 } });
  });
});

describe("Latin-hypercube sample", () => {
  const ranges = { x: { min: 0, max: 10 }, y: { min: 1, max: 1000, log: true }, k: { min: 1, max: 8, integer: true } };
  it("is the same for a seed and differs between seeds", () => {
    expect(latinHypercube(ranges, 8, 42)).toEqual(latinHypercube(ranges, 8, 42));
    expect(latinHypercube(ranges, 8, 42)).not.toEqual(latinHypercube(ranges, 8, 43));
  });
  it("uses every stratum of every range exactly once", () => {
    const pts = latinHypercube(ranges, 5, 3);
    expect(pts.map((p) => Math.floor((p.x as number) / 2)).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(pts.map((p) => Math.floor(Math.log10(p.y as number) / (3 / 5))).sort()).toEqual([0, 1, 2, 3, 4]);
    for (const p of pts) expect(Number.isInteger(p.k) && (p.k as number) >= 1 && (p.k as number) <= 8).toBe(true);
  });
});

describe("Pareto front", () => {
  const points = [[1, 5], [2, 3], [3, 3], [4, 1], [2, 4], [1, 5], [5, 0.5]].map((v, index) => ({ index, values: v as [number, number] }));
  it("keeps the non-dominated points (ties included), hand-checked", () => {
    // (3,3) and (2,4) are dominated by (2,3); (1,5) twice: neither dominates the other.
    expect(paretoFront(points, ["min", "min"])).toEqual([0, 1, 3, 5, 6]);
    // Maximising both: (2,3) is dominated by (3,3); every other point trades one for the other.
    expect(paretoFront(points, ["max", "max"])).toEqual([0, 2, 3, 4, 5, 6]);
    expect(paretoFront(points, ["min", "max"])).toEqual([0, 5]);
    expect(paretoFront([], ["min", "min"])).toEqual([]);
  });
  it("ranks the top k by the first objective, then the second, then the index", () => {
    expect(topK(points, ["min", "min"], 3)).toEqual([0, 5, 1]);
    expect(topK(points, ["max", "min"], 2)).toEqual([6, 3]);
  });
  it("maximises throughputs and minimises times and GPUs by default", () => {
    expect(defaultDirection("stepMs")).toBe("min");
    expect(defaultDirection("gpus")).toBe("min");
    expect(defaultDirection("tokensPerSecPerGpu")).toBe("max");
    expect(defaultDirection("tokensPerSecPerUser")).toBe("max");
    expect(defaultDirection("samplesPerSec")).toBe("max");
  });
});

describe("sweep specs", () => {
  it("load from JSON or YAML with the base workload resolved", () => {
    const yaml = specFile(`command: plan\nbase: ${kaggle}\nflags: { "--strategy": greedy }\ngrid:\n  "--cluster": [1x2-h100-sxm-80gb]\n  training.batchSize: [1024, 2048]\npareto: [stepMs, gpus]\n`, "yaml");
    const plan = loadSweep(yaml);
    expect(plan.command).toBe("plan");
    expect(plan.base?.name).toBe("dlrm-kaggle-b2048");
    expect(plan.configs).toHaveLength(2);
    expect(loadSweep(specFile({ command: "predict", base: "preset:mlperf-dlrm-dcnv2", grid: { "training.batchSize": [1, 2, 3] } })).configs).toHaveLength(3);
  });
  it("bundled in data/sweeps load", () => {
    expect(loadSweep(`${ROOT}data/sweeps/plan-kaggle.yaml`).configs).toHaveLength(200);
    const llm = loadSweep(`${ROOT}data/sweeps/llm-perf-scout.yaml`);
    expect(llm.configs).toHaveLength(40);
    expect(llm.flags["--model"]).toBe("llama4-scout-17b-16e");
  });
  const error = (spec: unknown): string => {
    const file = specFile(spec);
    try {
      loadSweep(file);
    } catch (err) {
      expect((err as Error).name).toBe("UserError");
      const message = (err as Error).message;
      expect(message.startsWith(file)).toBe(true);
      return message;
    }
    throw new Error("expected an error");
  };
  it("name the file, the field, what was expected and what was found", () => {
    expect(error({ command: "simulate", base: kaggle })).toMatch(/invalid sweep spec\n {2}at command: .*found "simulate"/);
    expect(error({ command: "plan", base: kaggle, grid: { "training.batchSize": 1024 } })).toMatch(/at grid\.training\.batchSize: .*found 1024/);
    expect(error({ command: "plan", base: kaggle, grdi: {} })).toMatch(/at grdi: unknown field; did you mean "grid"\?/);
    expect(error({ command: "plan", base: kaggle, grid: { "--gpus": [1] } })).toMatch(/at grid\.--gpus: expected a flag of plan: --cluster.*; found "--gpus"/);
    expect(error({ command: "plan", base: kaggle, grid: { "model.tables[99].pooling": [1] } })).toMatch(/at grid\.model\.tables\[99\]\.pooling: expected a path into the base workload; it has no model\.tables\[99\]/);
    expect(error({ command: "plan", grid: {} })).toMatch(/at base: expected a workload file/);
    expect(error({ command: "plan", base: "preset:nope" })).toMatch(/at base: expected "preset:" and one of/);
    expect(error({ command: "llm perf", grid: { "training.batchSize": [1] }, base: "mixtral-8x7b" })).toMatch(/at grid\.training\.batchSize: expected a flag of llm perf/);
    expect(error({ command: "plan", base: kaggle, pareto: ["stepMs"] })).toMatch(/at pareto/);
    expect(error({ command: "plan", base: kaggle, top: 3 })).toMatch(/at top: expected pareto objectives/);
    expect(error({ command: "plan", base: kaggle, sample: { count: 4, ranges: { "training.batchSize": [10, 1] } } })).toMatch(/at sample\.ranges\.training\.batchSize: expected min <= max/);
  });
});

describe("running configurations", () => {
  it("reports a configuration the workload schema rejects as its error, and runs the others", async () => {
    const plan = loadSweep(specFile({ command: "plan", base: kaggle, flags: { "--strategy": "greedy", "--cluster": "1x2-h100-sxm-80gb" }, grid: { "model.tables[0].pooling": [2, -1] } }));
    const rows = await chunk({ command: plan.command, base: plan.base, flags: plan.flags, configs: plan.configs });
    expect(rows.map((r) => r.index)).toEqual([0, 1]);
    expect("result" in rows[0]! && (rows[0].result as { feasible: boolean }).feasible).toBe(true);
    expect("error" in rows[1]! && rows[1].error).toMatch(/configuration 1: invalid workload\n {2}at model\.tables\[0\]\.pooling: .*found -1/);
  });
  it("runs predict and tier as their commands print them", async () => {
    const plan = loadSweep(specFile({ command: "predict", base: kaggle, grid: { "--gpu": ["h100-sxm-80gb", "nope"] } }));
    const rows = await chunk({ command: plan.command, base: plan.base, flags: plan.flags, configs: plan.configs });
    expect("result" in rows[0]! && (rows[0].result as { gpu: string }).gpu).toBe("h100-sxm-80gb");
    expect("error" in rows[1]! && rows[1].error).toMatch(/unknown GPU "nope"/);
    const tiny = join(dir, "tiny.json");
    writeFileSync(tiny, JSON.stringify(tinyWorkload()));
    const tier = loadSweep(specFile({ command: "tier", base: tiny, flags: { "--node": "zionex-a100", "--mode": "train" }, grid: { "--target-step-ms": [50] } }));
    const t = await chunk({ command: tier.command, base: tier.base, flags: tier.flags, configs: tier.configs });
    expect("result" in t[0]!, JSON.stringify(t[0])).toBe(true);
    const none = await chunk({ command: "tier", base: tier.base, flags: { "--mode": "train" }, configs: tier.configs });
    expect("error" in none[0]! && none[0].error).toMatch(/--node: expected a string, found nothing/);
  });
  it("runs llm perf and llm fit from flags", async () => {
    const perf = await chunk({ command: "llm perf", flags: { "--model": "mixtral-8x7b", "--count": 2 }, configs: [{ index: 0, params: { "--batch": 4 } }, { index: 1, params: { "--weights": "fp3" } }] });
    expect("result" in perf[0]! && (perf[0].result as { batch: number }).batch).toBe(4);
    expect("error" in perf[1]! && perf[1].error).toMatch(/--weights: expected one of bf16, fp8, int4, fp4, found "fp3"/);
    const fit = await chunk({ command: "llm fit", flags: { "--model": "mixtral-8x7b" }, configs: [{ index: 0, params: { "--count": 2 } }] });
    expect("result" in fit[0]! && typeof (fit[0].result as { fits: boolean }).fits).toBe("boolean");
  });
});
