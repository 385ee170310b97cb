/** The host as hardware: catalog hosts and their ranges, the dispatch/sync split, fits from measured steps. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { getHost, listHosts, referenceHostId } from "../src/catalog/hosts.js";
import { fitHostFactors, measuredTrainStepMs } from "../src/host/fit.js";
import { resolveHost } from "../src/host/setting.js";
import { predictWorkload, trainStepByHost } from "../src/predict.js";
import { overheadsFor } from "../src/graph/host-overheads.js";
import { UserError } from "../src/spec/errors.js";
import { overheadTable } from "../src/trace/calibrate.js";
import type { OpSample } from "../src/trace/overheads.js";
import { ROOT, strata, tinyWorkload } from "./helpers.js";

describe("host catalog and settings", () => {
  it("every host has a single-thread index inside its range and sources", () => {
    for (const h of listHosts()) {
      expect(h.singleThreadRange[0]).toBeLessThanOrEqual(h.singleThreadIndex);
      expect(h.singleThreadRange[1]).toBeGreaterThanOrEqual(h.singleThreadIndex);
      expect(Object.keys(h.sources).length).toBeGreaterThan(0);
    }
    expect(getHost(referenceHostId()).singleThreadIndex).toBe(1);
  });

  it("the calibration host is exact; a catalog host is estimated with a range; --host-speed multiplies", () => {
    expect(resolveHost()).toEqual({ id: referenceHostId(), basis: "reference", factors: { dispatch: 1, sync: 1 } });
    const slow = resolveHost({ host: "skylake-8168" });
    expect(slow.basis).toBe("catalog");
    expect(slow.factors.dispatch).toBeCloseTo(1 / getHost("skylake-8168").singleThreadIndex, 9);
    expect(slow.range!.fast.dispatch).toBeLessThan(slow.factors.dispatch);
    expect(slow.range!.slow.dispatch).toBeGreaterThan(slow.factors.dispatch);
    expect(resolveHost({ host: "skylake-8168", hostSpeed: 2 }).factors.dispatch).toBeCloseTo(2 * slow.factors.dispatch, 9);
    expect(() => resolveHost({ host: "no-such-cpu" })).toThrow(/unknown host "no-such-cpu"/);
    expect(() => resolveHost({ host: "skylake-8168", measured: { id: "mine", factors: { dispatch: 1.2, sync: 1.2 } } })).toThrow(UserError);
  });

  it("an unknown host gives a host-bound step as a range around the estimate", () => {
    const w = tinyWorkload();
    const p = predictWorkload(w, { host: resolveHost({ host: "unknown" }) });
    expect(p.train.bound).toBe("cpu");
    const [lo, hi] = p.trainRangeUs!;
    expect(lo).toBeLessThan(p.train.stepUs);
    expect(hi).toBeGreaterThan(p.train.stepUs);
    expect(predictWorkload(w).trainRangeUs).toBeUndefined();
  });

  it("a slower host lengthens a host-bound step and barely moves a GPU-bound one", () => {
    const slow = { dispatch: 1.5, sync: 1.5 };
    const same = { dispatch: 1, sync: 1 };
    const hostBound = trainStepByHost(tinyWorkload());
    const gpuBound = trainStepByHost(tinyWorkload({ batchSize: 262144, tables: 3 }));
    expect(hostBound(slow) / hostBound(same)).toBeGreaterThan(1.4);
    // The reference's syncs expose some host work even here, but far less of it.
    expect(gpuBound(slow) / gpuBound(same) - 1).toBeLessThan((hostBound(slow) / hostBound(same) - 1) / 2);
  });
});

describe("host costs that scale with the model", () => {
  it("a Python loop over parameters becomes a line over the traces' sizes; a flat op keeps its median", () => {
    const sample = (name: string, params: number, t1: number): OpSample => ({ name, t1, t2: 3, t3: 1, t4: [4], t5: [], dur: 8, events: 2, drivers: { tables: 4, params, pairs: 10 } });
    const sizes = [10, 20, 30, 40, 50, 60];
    const samples = new Map<string, OpSample[]>([
      ["optimizer.step", sizes.map((p) => sample("optimizer.step", p, 100 + 5 * p))],
      ["aten::relu", sizes.map((p) => sample("aten::relu", p, 6 + (p % 20 === 0 ? 0.2 : -0.2)))],
    ]);
    const none = { gapUs: 0, launchUs: 0, nestedUsPerEvent: 0 };
    const table = overheadTable(samples, none, 1);
    expect(table.ops["optimizer.step"]!.scaling?.t1?.driver).toBe("params");
    expect(overheadsFor(table, "optimizer.step", { tables: 0, params: 200, pairs: 0 }).t1).toBeCloseTo(1100, 6);
    expect(table.ops["aten::relu"]!.scaling).toBeUndefined();
    // The profiler's cost per op boundary comes off the gap before each op.
    expect(overheadsFor(overheadTable(samples, { ...none, gapUs: 1 }, 1), "aten::relu").t1).toBeCloseTo(5 + (table.ops["aten::relu"]!.t1 - 6), 6);
  });
});

describe("calibration from measured steps", () => {
  it("reads measured.trainStepMs as a number or {median}, and names the file and field otherwise", () => {
    expect(measuredTrainStepMs({ trainStepMs: 5.2 }, "f.json")).toBe(5.2);
    expect(measuredTrainStepMs({ trainStepMs: { median: 4.1, perRun: [4, 4.2] } }, "f.json")).toBe(4.1);
    expect(() => measuredTrainStepMs({}, "f.json")).toThrow(/f\.json: at measured\.trainStepMs: expected a positive number/);
    expect(() => measuredTrainStepMs({ trainStepMs: -1 }, "f.json")).toThrow(UserError);
  });

  it("a fit recovers a known host factor from synthetic measurements", () => {
    const truth = { dispatch: 1.7, sync: 1.7 };
    const steps = [1, 3, 6].map((tables) => {
      const at = trainStepByHost(tinyWorkload({ tables }));
      return { name: `t${tables}`, measuredMs: at(truth) / 1000, predictMs: (h: typeof truth) => at(h) / 1000 };
    });
    const fit = fitHostFactors(steps);
    expect(fit.factors.dispatch).toBeCloseTo(1.7, 2);
    expect(fit.factors.sync).toBeCloseTo(1.7, 1);
    expect(fit.rmsLogAfter).toBeLessThan(1e-3);
    expect(fit.rmsLogBefore).toBeGreaterThan(0.2);
  });

  it("calibrate --measured then predict and trace predict --calibration, through the CLI", () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-cal-"));
    const truth = { dispatch: 1.4, sync: 1.4 };
    const files = [1, 2, 4].map((tables) => {
      const w = tinyWorkload({ tables });
      const file = join(dir, `t${tables}.json`);
      writeFileSync(file, JSON.stringify({ ...w, name: `t${tables}`, measured: { trainStepMs: { median: trainStepByHost(w)(truth) / 1000 } } }));
      return file;
    });
    const cal = join(dir, "cal.json");
    const c = strata(["calibrate", "--measured", ...files, "-o", cal]);
    expect(c.code, c.stderr).toBe(0);
    const written = JSON.parse(readFileSync(cal, "utf8"));
    expect(written.kind).toBe("measured-host");
    expect(written.hostFactors.dispatch).toBeCloseTo(1.4, 2);
    const before = JSON.parse(strata(["predict", files[0]!, "--json"]).stdout).results[0].trainStepMs;
    const after = JSON.parse(strata(["predict", files[0]!, "--calibration", cal, "--json"]).stdout).results[0].trainStepMs;
    expect(after / before).toBeGreaterThan(1.3);
    const trace = `${ROOT}test/fixtures/dev19-rand-t4-d16-b512.kineto.json.gz`;
    const t0 = JSON.parse(strata(["trace", "predict", trace, "--gpu", "h100-sxm-80gb", "--json"]).stdout).stepMs;
    const t1 = JSON.parse(strata(["trace", "predict", trace, "--gpu", "h100-sxm-80gb", "--calibration", cal, "--json"]).stdout).stepMs;
    expect(t1 / t0).toBeGreaterThan(1.2);
    const bad = strata(["calibrate", "--measured", join(ROOT, "data/examples/dlrm-kaggle-b2048.json"), "-o", join(dir, "x.json")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/measured\.trainStepMs/);
  });

  it("--host and --host-speed on predict, plan and trace predict", () => {
    const ex = join(ROOT, "data/examples/dlrm-kaggle-b2048.json");
    const p = JSON.parse(strata(["predict", ex, "--host", "unknown", "--json"]).stdout).results[0];
    expect(p.trainStepMsRange[0]).toBeLessThan(p.trainStepMs);
    expect(p.host).toBe("unknown");
    const plan = strata(["plan", ex, "--cluster", "1x2-h100-sxm-80gb", "--host-speed", "2", "--json"]);
    expect(plan.code, plan.stderr).toBe(0);
    const plan1 = JSON.parse(strata(["plan", ex, "--cluster", "1x2-h100-sxm-80gb", "--json"]).stdout);
    expect(JSON.parse(plan.stdout).stepMs).toBeGreaterThan(plan1.stepMs);
    const trace = `${ROOT}test/fixtures/dev19-rand-t4-d16-b512.kineto.json.gz`;
    const t = JSON.parse(strata(["trace", "predict", trace, "--host", "skylake-8168", "--json"]).stdout);
    expect(t.stepMsRange[0]).toBeLessThan(t.stepMs);
  });
});
