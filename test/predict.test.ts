import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { getImplementation } from "../src/catalog/implementations.js";
import { buildDlrmInferenceGraph } from "../src/graph/dlrm.js";
import { defaultHostOverheads } from "../src/graph/host-overheads.js";
import { predictWorkload } from "../src/predict.js";
import { toChromeTrace } from "../src/sim/chrome-trace.js";
import { loadWorkload } from "../src/spec/load.js";
import { ROOT, example, strata, tinyWorkload } from "./helpers.js";

describe("predict", () => {
  it("prints the contract JSON, one result per file in order", () => {
    const r = strata(["predict", example("dlrm-kaggle-b2048"), example("dlrm-benchmark-b2048"), "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.results.map((x: { name: string }) => x.name)).toEqual(["dlrm-kaggle-b2048", "dlrm-benchmark-b2048"]);
    for (const x of doc.results) {
      for (const key of ["trainStepMs", "inferenceMs", "gpuActiveMs", "peakMemoryBytes"]) expect(typeof x[key]).toBe("number");
      expect(["cpu", "gpu"]).toContain(x.bound);
      expect(x.trainStepMs).toBeGreaterThan(x.inferenceMs);
    }
  });

  it("--gpu overrides the hardware; an unknown GPU is a user error", () => {
    const w = loadWorkload(example("dlrm-benchmark-b2048"));
    expect(predictWorkload(w, { gpu: "v100-sxm2-32gb" }).train.gpuActiveUs).toBeGreaterThan(predictWorkload(w).train.gpuActiveUs);
    const r = strata(["predict", example("dlrm-benchmark-b2048"), "--gpu", "nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown GPU");
  });

  it("is deterministic", () => {
    const w = loadWorkload(example("dlrm-terabyte-b8192"));
    expect(predictWorkload(w).train.stepUs).toBe(predictWorkload(w).train.stepUs);
  });

  it("a bigger batch never predicts a shorter step", () => {
    expect(predictWorkload(tinyWorkload({ batchSize: 8192 })).train.stepUs).toBeGreaterThanOrEqual(predictWorkload(tinyWorkload({ batchSize: 256 })).train.stepUs);
  });

  it("inference: no_grad takes the autograd recording (T2, T3) off recording ops only", () => {
    const reference = getImplementation("reference");
    const table = defaultHostOverheads();
    const at = (f: number) => buildDlrmInferenceGraph(tinyWorkload({ tables: 3 }), { ...table, noGradFactor: f }, reference).ops;
    const half = at(0.5);
    const full = at(1);
    half.forEach((op, i) => {
      const o = op.overheads;
      const t = full[i]!.overheads;
      expect(o.t1).toBe(t.t1);
      expect(o.t4).toBe(t.t4);
      if (["aten::select", "aten::empty", "aten::to", "aten::lift_fresh", "aten::detach_"].includes(op.name)) expect(o).toEqual(t);
      else expect(o.t2).toBeCloseTo(t.t2 / 2, 9);
    });
  });

  it("inference: a cheaper no_grad shortens the batch and leaves the training step alone", () => {
    const w = loadWorkload(example("dlrm-kaggle-b2048"));
    const table = defaultHostOverheads();
    const lo = predictWorkload(w, { hostOverheads: { ...table, noGradFactor: 0.2 } });
    const hi = predictWorkload(w, { hostOverheads: { ...table, noGradFactor: 1 } });
    expect(lo.inference.stepUs).toBeLessThan(hi.inference.stepUs);
    expect(lo.train.stepUs).toBe(hi.train.stepUs);
  });

  it("writes a Chrome trace with host and GPU tracks", () => {
    const out = join(mkdtempSync(join(tmpdir(), "strata-tl-")), "step.json");
    const r = strata(["timeline", example("dlrm-kaggle-b2048"), "-o", out]);
    expect(r.code).toBe(0);
    const trace = JSON.parse(readFileSync(out, "utf8"));
    const names = trace.traceEvents.filter((e: { ph: string }) => e.ph === "M").map((e: { args: { name: string } }) => e.args.name);
    expect(names).toContain("host thread");
    expect(names).toContain("GPU stream 0");
  });

  it("golden timeline of the 3-table model", () => {
    const p = predictWorkload(tinyWorkload(), { recordTimeline: true });
    const actual = JSON.stringify(toChromeTrace(p.name, p.train.timeline), null, 1) + "\n";
    const golden = join(ROOT, "test/golden/tiny-timeline.json");
    if (process.env.UPDATE_GOLDEN || !existsSync(golden)) writeFileSync(golden, actual);
    expect(actual).toBe(readFileSync(golden, "utf8"));
  });

  it("demo and catalog run", () => {
    const demo = strata(["demo"]);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain("Where the time goes");
    const cat = strata(["catalog"]);
    expect(cat.stdout).toContain("h100-sxm-80gb");
    expect(cat.stdout).toContain("b200");
    expect(demo.stdout).toContain("MLPerf Training DLRM-DCNv2");
  }, 120_000);
});
