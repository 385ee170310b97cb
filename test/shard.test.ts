import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { reshapeCluster, resolveCluster } from "../src/catalog/clusters.js";
import { randomDlrm } from "../src/catalog/dlrm-presets.js";
import { allReduceUs, allToAllUs, reduceScatterUs } from "../src/perf/collectives.js";
import { HBM_USABLE } from "../src/graph/fit.js";
import { planSharding, type Strategy } from "../src/shard/planner.js";
import type { PlanResult } from "../src/shard/types.js";
import type { DlrmWorkload } from "../src/spec/workload.js";
import { Workload } from "../src/spec/workload.js";
import { ROOT, strata } from "./helpers.js";

const dgx = resolveCluster("dgx-h100-8");
const twoHosts = reshapeCluster(resolveCluster("h100-16x8"), 2);
const workload = (seed: number, tables: number): DlrmWorkload => Workload.parse(randomDlrm(seed, tables, 4096)) as DlrmWorkload;

/** Every table is covered exactly once: row x column rectangles tile it (replicas: each covers it). */
function checkCoverage(w: DlrmWorkload, shards: PlanResult["shards"]): void {
  w.model.tables.forEach((t, i) => {
    const mine = shards.filter((s) => s.table === i);
    expect(mine).toHaveLength(1);
    const s = mine[0]!;
    const dim = t.dim ?? w.model.embeddingDim;
    expect(s.rows).toHaveLength(s.ranks.length);
    expect(s.cols).toHaveLength(s.ranks.length);
    if (s.type === "data-parallel") {
      for (let k = 0; k < s.ranks.length; k++) expect([s.rows[k], s.cols[k]]).toEqual([[0, t.rows], [0, dim]]);
      return;
    }
    const area = s.rows.reduce((a, [r0, r1], k) => a + (r1 - r0) * (s.cols[k]![1] - s.cols[k]![0]), 0);
    expect(area).toBe(t.rows * dim);
    for (let a = 0; a < s.ranks.length; a++) {
      for (let b = a + 1; b < s.ranks.length; b++) {
        const overlapRows = Math.min(s.rows[a]![1], s.rows[b]![1]) - Math.max(s.rows[a]![0], s.rows[b]![0]);
        const overlapCols = Math.min(s.cols[a]![1], s.cols[b]![1]) - Math.max(s.cols[a]![0], s.cols[b]![0]);
        expect(overlapRows <= 0 || overlapCols <= 0).toBe(true);
      }
    }
  });
}

describe("sharding planner", () => {
  const strategies: Strategy[] = ["best", "search", "column-search", "greedy", "table-wise", "row-wise", "column-wise", "table-row-wise"];

  it("property: every plan covers each table exactly once and feasible plans fit HBM", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 40 }), fc.constantFrom(dgx, twoHosts), fc.constantFrom(...strategies), async (seed, tables, cluster, strategy) => {
        const w = workload(seed, tables);
        const p = await planSharding(w, cluster, strategy);
        checkCoverage(w, p.shards);
        for (const s of p.shards) for (const r of s.ranks) expect(r >= 0 && r < cluster.ranks).toBe(true);
        if (p.feasible) for (const r of p.perRank) expect(r.hbmBytes).toBeLessThanOrEqual(cluster.gpuSpec.hbmBytes * HBM_USABLE);
        expect(p.stepUs).toBeGreaterThan(0);
        expect(p.imbalance).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 25 },
    );
  });

  it("the default is never worse than any single strategy", async () => {
    for (const seed of [1, 2, 3]) {
      const w = workload(seed, 30);
      const best = (await planSharding(w, twoHosts)).stepUs;
      for (const s of strategies.slice(1)) expect(best).toBeLessThanOrEqual((await planSharding(w, twoHosts, s)).stepUs + 1e-9);
    }
  });

  it("an oversized model is infeasible and says what is missing", async () => {
    const w = Workload.parse({ ...randomDlrm(1, 4), model: { ...randomDlrm(1, 4).model, tables: Array.from({ length: 8 }, () => ({ rows: 2e9, pooling: 1, dim: 128 })) } }) as DlrmWorkload;
    const p = await planSharding(w, dgx);
    expect(p.feasible).toBe(false);
    expect(p.infeasibleReason).toMatch(/needs .* TB of HBM.*add \d+ host/);
  });

  it("the MILP finds the balanced plan LPT misses (loads 3,3,2,2,2 on two ranks: 6/6, not 7/5)", async () => {
    const base = randomDlrm(1, 5, 8192);
    const tables = [30, 30, 20, 20, 20].map((pooling) => ({ rows: 1_000_000, dim: 64, pooling }));
    const w = Workload.parse({ ...base, model: { ...base.model, tables } }) as DlrmWorkload;
    const pair = reshapeCluster(dgx, 1, 2);
    const maxEmb = (p: PlanResult): number => Math.max(...p.perRank.map((r) => r.embeddingUs));
    const lpt = await planSharding(w, pair, "table-wise");
    const milp = await planSharding(w, pair, "milp");
    checkCoverage(w, milp.shards);
    expect(milp.strategy).toBe("milp");
    expect(maxEmb(milp)).toBeLessThan(0.95 * maxEmb(lpt));
    expect(milp.imbalance).toBeLessThan(0.05);
  });

  it("tables with fewer rows than ranks split row-wise give finite costs", async () => {
    const base = randomDlrm(2, 3, 4096);
    const w = Workload.parse({ ...base, model: { ...base.model, tables: [{ rows: 4, pooling: 1 }, { rows: 1, pooling: 2 }, { rows: 3, pooling: 1 }] } }) as DlrmWorkload;
    for (const s of ["row-wise", "table-row-wise", "milp"] as const) {
      const p = await planSharding(w, twoHosts, s);
      checkCoverage(w, p.shards);
      expect(Number.isFinite(p.stepUs)).toBe(true);
      for (const r of p.perRank) expect(Number.isFinite(r.embeddingUs)).toBe(true);
    }
  });

  it("an infeasible MILP is a clear user error", async () => {
    const base = randomDlrm(1, 4);
    const w = Workload.parse({ ...base, model: { ...base.model, tables: Array.from({ length: 8 }, () => ({ rows: 2e9, pooling: 1, dim: 128 })) } }) as DlrmWorkload;
    await expect(planSharding(w, dgx, "milp")).rejects.toThrow(/HiGHS found no plan/);
  });

  for (const [name, seed, tables] of [["small-a", 7, 6], ["small-b", 11, 12]] as const) {
    it(`golden plan ${name}`, () => {
      const r = strata(["plan", "-", "--cluster", "dgx-h100-8", "--json"].map((a) => (a === "-" ? writeWorkload(seed, tables) : a)));
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      for (const k of ["feasible", "stepMs", "samplesPerSec", "shards", "perRank", "imbalance"]) expect(doc).toHaveProperty(k);
      // One reason per shard, in the order of shards (the text output's "why" column).
      expect(doc.why).toHaveLength(doc.shards.length);
      for (const why of doc.why) expect(why).toMatch(/\w/);
      const actual = JSON.stringify({ shards: doc.shards, feasible: doc.feasible, strategy: doc.strategy }, null, 1) + "\n";
      const golden = join(ROOT, "test/golden", `plan-${name}.json`);
      if (process.env.UPDATE_GOLDEN || !existsSync(golden)) writeFileSync(golden, actual);
      expect(actual).toBe(readFileSync(golden, "utf8"));
    });
  }
});

function writeWorkload(seed: number, tables: number): string {
  const file = join(ROOT, "test/golden", `plan-input-${seed}-${tables}.json`);
  if (!existsSync(file)) writeFileSync(file, JSON.stringify(randomDlrm(seed, tables, 4096), null, 1) + "\n");
  return file;
}

describe("collective models", () => {
  it("one rank communicates nothing; more bytes never take less time", () => {
    const one = reshapeCluster(dgx, 1, 1);
    expect(allReduceUs(one, 1e9)).toBe(0);
    expect(allToAllUs(one, [1e9])).toBe(0);
    fc.assert(fc.property(fc.double({ min: 1, max: 1e10, noNaN: true }), fc.double({ min: 1, max: 1e10, noNaN: true }), (a, b) => {
      const [lo, hi] = a < b ? [a, b] : [b, a];
      expect(allReduceUs(twoHosts, hi)).toBeGreaterThanOrEqual(allReduceUs(twoHosts, lo));
      expect(allToAllUs(twoHosts, Array(16).fill(hi))).toBeGreaterThanOrEqual(allToAllUs(twoHosts, Array(16).fill(lo)));
    }));
  });

  it("ring all-reduce on one host moves 2(n-1)/n of the bytes over NVLink", () => {
    const bytes = 1e9;
    const busBw = dgx.intraHost.bandwidthBytesPerSec * 0.8;
    const expected = ((2 * 7) / 8) * (bytes / busBw) * 1e6 + 2 * 7 * dgx.intraHost.latencyUs;
    expect(allReduceUs(dgx, bytes)).toBeCloseTo(expected, 6);
    expect(reduceScatterUs(dgx, bytes)).toBeLessThan(allReduceUs(dgx, bytes));
  });

  it("crossing hosts is slower than staying in one; the slowest rank bounds an uneven all-to-all", () => {
    expect(allReduceUs(twoHosts, 1e9)).toBeGreaterThan(allReduceUs(dgx, 1e9));
    const even = allToAllUs(twoHosts, Array(16).fill(1e8));
    const uneven = allToAllUs(twoHosts, [4e8, ...Array(15).fill(1e8)]);
    expect(uneven).toBeGreaterThan(even);
  });

});
