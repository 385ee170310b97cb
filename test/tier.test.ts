/**
 * Memory tiers (docs/tiers.md): the catalog's schema, the marginal allocator against brute force
 * and TorchRec's rules, TorchRec's own cost model numbers, capacity and IOPS limits, the step
 * model's view of off-GPU tables, trace-exact hit rates, golden plans per mode and bad input.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getNode, HOMES, listDevices, listNodes, resolveNode } from "../src/catalog/tiers.js";
import { resolveCluster } from "../src/catalog/clusters.js";
import { simulate } from "../src/cache/simulate.js";
import { openTrace } from "../src/cache/open.js";
import { zipfSampler } from "../src/cache/generate.js";
import { rng } from "../src/catalog/dlrm-presets.js";
import { planSharding } from "../src/shard/planner.js";
import { Workload, type DlrmWorkload } from "../src/spec/workload.js";
import { analyticAccess, tableSource, traceAccess } from "../src/tier/access.js";
import { allocate } from "../src/tier/allocate.js";
import { kernelBwLookup, oneLoadFactor, proportionalLoadFactors, torchrecShardMs } from "../src/tier/torchrec.js";
import { planInferenceTiers } from "../src/tier/plan-infer.js";
import { golden, ROOT, strata } from "./helpers.js";

const SMALL = join(ROOT, "test/fixtures/tier/small.json");

describe("tier catalog", () => {
  it("every device and node parses, with sources, and the required presets exist", () => {
    const devices = listDevices();
    expect(devices.length).toBeGreaterThanOrEqual(8);
    for (const d of devices) {
      for (const f of ["capacityBytes", "readBytesPerSec", "readIops"]) expect(d.sources[f] ?? d.sources.all, `${d.id}.sources.${f}`).toBeTruthy();
      expect(d.readIops).toBeGreaterThan(0);
    }
    const kinds = new Set(devices.map((d) => d.kind));
    for (const k of ["dram", "cxl", "pmem", "ssd"]) expect(kinds.has(k as never)).toBe(true);
    const ids = listNodes().map((n) => n.id);
    for (const id of ["zionex-a100", "mtrains-a100", "sdm-dram", "sdm-nand", "sdm-optane"]) expect(ids).toContain(id);
    for (const spec of listNodes()) {
      const n = resolveNode(spec);
      expect(n.tiers[0]!.kind).toBe("dram");
      for (const t of n.tiers) expect(t.capacityBytes).toBeGreaterThan(0);
    }
    expect(getNode("mtrains-a100").tiers.map((t) => t.kind)).toEqual(["dram", "pmem", "ssd"]);
    expect(HOMES).toEqual(["hbm", "dram", "cxl", "pmem", "ssd"]);
  });
});

describe("marginal allocator", () => {
  const zipfTable = (rows: number, alpha: number, lookups: number, rowBytes: number) => {
    const w = Workload.parse({ name: "t", model: { kind: "dlrm", bottomMlp: [4, 4], topMlp: [1], embeddingDim: 4, tables: [{ rows, pooling: 1 }], indexDistribution: { kind: "zipf", alpha } }, training: { batchSize: lookups } }) as DlrmWorkload;
    const a = analyticAccess(w)[0]!;
    return { maxUnits: rows, unitBytes: rowBytes, cost: (x: number) => a.lookupsPerStep * (1 - a.hitRatio(x, "lru")) * rowBytes };
  };

  it("splits a budget between two tables within 1% of a brute-force sweep", () => {
    const items = [zipfTable(1e6, 1.05, 50_000, 256), zipfTable(3e6, 0.9, 80_000, 512)];
    for (const budget of [5e7, 2e8, 6e8]) {
      const got = allocate(items, budget);
      expect(got.bytes).toBeLessThanOrEqual(budget);
      let best = Infinity;
      for (let i = 0; i <= 2000; i++) {
        const b0 = (budget * i) / 2000;
        const x0 = Math.min(items[0]!.maxUnits, Math.floor(b0 / 256));
        const x1 = Math.min(items[1]!.maxUnits, Math.floor((budget - x0 * 256) / 512));
        best = Math.min(best, items[0]!.cost(x0) + items[1]!.cost(x1));
      }
      expect(got.cost).toBeLessThanOrEqual(best * 1.01);
    }
  });

  it("is never worse than one load factor or TorchRec's proportional split on the same tables", () => {
    fc.assert(fc.property(fc.array(fc.record({ rows: fc.integer({ min: 1e4, max: 5e6 }), alpha: fc.double({ min: 0.6, max: 1.3, noNaN: true }), lookups: fc.integer({ min: 1e3, max: 2e5 }), rowBytes: fc.constantFrom(64, 256, 512) }), { minLength: 2, maxLength: 6 }), fc.double({ min: 0.02, max: 0.9, noNaN: true }), (ts, share) => {
      const items = ts.map((t) => zipfTable(t.rows, t.alpha, t.lookups, t.rowBytes));
      const bytes = items.map((i) => i.maxUnits * i.unitBytes);
      const budget = share * bytes.reduce((a, b) => a + b, 0);
      const ours = allocate(items, budget).cost;
      const clf = oneLoadFactor(bytes, budget);
      const one = items.reduce((s, it) => s + it.cost(Math.floor(clf * it.maxUnits)), 0);
      const clfs = proportionalLoadFactors(bytes, items.map((it) => it.cost(0.2 * it.maxUnits)), budget);
      const prop = items.reduce((s, it, i) => s + it.cost(Math.floor(clfs[i]! * it.maxUnits)), 0);
      // The greedy plans on sampled hulls: allow the sampling error (0.5%).
      expect(ours).toBeLessThanOrEqual(Math.min(one, prop) * 1.005 + 1e-9);
    }), { numRuns: 25, seed: 11 });
  });
});

describe("TorchRec's own cost model", () => {
  it("reproduces kernel_bw_lookup and the table-wise estimate (docs/torchrec-tier-facts.md worked example)", () => {
    expect(kernelBwLookup("fused_uvm_caching")).toBeCloseTo(22_011_707.392, 3);
    expect(kernelBwLookup("fused_uvm_caching", 0.2, true)).toBe(kernelBwLookup("fused"));
    const e = torchrecShardMs({ batch: 512, pooling: 10, dim: 128, elementBytes: 4, kernel: "fused_uvm_caching" });
    expect(e.fwdMs).toBeCloseTo(0.1328631, 6);
    expect(e.bwdMs).toBeCloseTo(0.2657262, 6);
    expect(torchrecShardMs({ batch: 512, pooling: 10, dim: 128, elementBytes: 4, kernel: "fused" }).fwdMs).toBeCloseTo(0.0030364, 6);
    expect(torchrecShardMs({ batch: 512, pooling: 10, dim: 128, elementBytes: 4, kernel: "fused_uvm" }).fwdMs).toBeCloseTo(0.8511543, 6);
  });
});

describe("off-GPU tables in the one step model", () => {
  const base = (placement?: object) => Workload.parse({
    name: "t", model: { kind: "dlrm", bottomMlp: [13, 64, 32], topMlp: [64, 1], embeddingDim: 32, tables: [{ rows: 50_000_000, pooling: 20, ...(placement ? { placement } : {}) }, { rows: 1000, pooling: 1 }], indexDistribution: { kind: "zipf", alpha: 1.05 } },
    training: { batchSize: 8192, implementation: "torchrec" }, hardware: { cluster: "1x2-h100-sxm-80gb" },
  }) as DlrmWorkload;
  const c = resolveCluster("1x2-h100-sxm-80gb");

  it("a DRAM home keeps only its cache in HBM; a bigger cache and pipelined prefetch are never slower", async () => {
    const hbm = await planSharding(base(), c, "table-wise");
    const small = await planSharding(base({ home: "dram", hbmCacheRows: 100_000 }), c, "table-wise");
    const big = await planSharding(base({ home: "dram", hbmCacheRows: 5_000_000 }), c, "table-wise");
    const blocking = await planSharding(base({ home: "dram", hbmCacheRows: 100_000, prefetch: "blocking" }), c, "table-wise");
    const none = await planSharding(base({ home: "dram", hbmCacheRows: 0 }), c, "table-wise");
    const hbmBytes = (p: typeof hbm) => p.perRank.reduce((s, r) => s + r.hbmBytes, 0);
    expect(hbmBytes(small)).toBeLessThan(hbmBytes(big));
    expect(hbmBytes(big)).toBeLessThan(hbmBytes(hbm));
    expect(small.stepUs).toBeGreaterThanOrEqual(big.stepUs - 1e-6);
    expect(big.stepUs).toBeGreaterThanOrEqual(hbm.stepUs - 1e-6);
    expect(blocking.stepUs).toBeGreaterThanOrEqual(small.stepUs - 1e-6);
    expect(none.stepUs).toBeGreaterThan(hbm.stepUs);
  });

  it("a home the node lacks is a clear error", async () => {
    const w = { ...base({ home: "ssd", hbmCacheRows: 1000 }), hardware: { cluster: "1x2-h100-sxm-80gb", node: "zionex-a100" } } as DlrmWorkload;
    await expect(planSharding(w, c, "table-wise")).rejects.toThrow(/placement\.home is "ssd", but node "zionex-a100" has no ssd tier/);
  });
});

describe("access from a trace", () => {
  it("LRU hit rates equal the exact simulation of the same stream; other policies are simulated", () => {
    const w = Workload.parse({ name: "t", model: { kind: "dlrm", bottomMlp: [4, 4], topMlp: [1], embeddingDim: 4, tables: [{ rows: 5000, pooling: 1 }, { rows: 2000, pooling: 1 }] }, training: { batchSize: 100 } }) as DlrmWorkload;
    const r = rng(3);
    const s0 = zipfSampler(5000, { kind: "zipf", alpha: 1.1 }, r);
    const s1 = zipfSampler(2000, { kind: "zipf", alpha: 0.9 }, r);
    const tables: number[] = [];
    const rows: number[] = [];
    for (let i = 0; i < 40_000; i++) {
      const t = i % 3 === 0 ? 1 : 0;
      tables.push(t);
      rows.push(t ? s1() : s0());
    }
    const dir = mkdtempSync(join(tmpdir(), "strata-trace-"));
    const file = join(dir, "t.csv");
    writeFileSync(file, rows.map((row, i) => `${tables[i]},${row}`).join("\n") + "\n");
    const acc = traceAccess(w, openTrace(file, "embedding-csv"));
    for (const [table, size] of [[0, 300], [1, 150]] as const) {
      // The table's own requests, ids as in the trace (the set hash reads the whole id).
      const only = tableSource(openTrace(file, "embedding-csv"), table);
      for (const policy of ["lru", "set-lru"] as const) {
        const exact = 1 - simulate(only, [{ policy, size }])[0]!.missRatio;
        expect(acc[table]!.hitRatio(size, policy)).toBeCloseTo(exact, 12);
      }
    }
  });
});

describe("limits", () => {
  it("SSD IOPS bound the QPS a host serves: more queries need more hosts, utilisation stays under the cap", () => {
    const w = Workload.parse(JSON.parse(readFileSync(SMALL, "utf8"))) as DlrmWorkload;
    const node = getNode("sdm-nand");
    const acc = analyticAccess(w);
    const low = planInferenceTiers(w, node, 1000, 20_000, acc, "lru", () => 0);
    const high = planInferenceTiers(w, node, 200_000, 20_000, acc, "lru", () => 0);
    expect(low.feasible && high.feasible).toBe(true);
    expect(high.nodes).toBeGreaterThan(low.nodes);
    expect(high.utilisation.ssd ?? 0).toBeLessThanOrEqual(0.8 + 1e-9);
    expect(high.p99Us).toBeLessThanOrEqual(20_000);
  });
});

describe("strata tier CLI", () => {
  const pick = (s: string) => {
    const j = JSON.parse(s);
    return JSON.stringify({ mode: j.mode, feasible: j.feasible, nodes: j.nodes, baselineNodes: j.baselineNodes, stepMs: j.stepMs, p99Ms: j.p99Ms, powerW: j.powerW, baselinePowerW: j.baselinePowerW, tables: j.tables.map((t: Record<string, unknown>) => ({ table: t.table, rows: t.rows, home: t.home, hbmCacheRows: t.hbmCacheRows, dramCacheRows: t.dramCacheRows, hitRate: t.hitRate })) }, null, 1) + "\n";
  };

  it("golden plan, train mode: the contract fields", () => {
    const r = strata(["tier", SMALL, "--node", "mtrains-a100", "--baseline-node", "zionex-a100", "--mode", "train", "--target-step-ms", "20", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.exports.fbgemm).toBeDefined();
    expect(Object.values(j.exports.torchrec).length).toBe(8);
    golden("tier-train.json", pick(r.stdout));
  }, 60_000);

  it("golden plan, infer mode: the contract fields", () => {
    const r = strata(["tier", SMALL, "--node", "sdm-nand", "--baseline-node", "sdm-dram", "--mode", "infer", "--qps", "5000", "--p99-ms", "20", "--json"]);
    expect(r.code).toBe(0);
    golden("tier-infer.json", pick(r.stdout));
  }, 60_000);

  it("an impossible target is a plan with a reason; malformed input exits 2 naming the problem", () => {
    const imp = strata(["tier", SMALL, "--node", "sdm-nand", "--mode", "infer", "--qps", "100", "--p99-ms", "0.001", "--json"]);
    expect(imp.code).toBe(0);
    const j = JSON.parse(imp.stdout);
    expect(j.feasible).toBe(false);
    expect(j.reason).toMatch(/p99/);
    const bad = strata(["tier", SMALL, "--node", "nope", "--mode", "train", "--target-step-ms", "5"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown node "nope"/);
    expect(bad.stderr).not.toMatch(/at .*\.ts/);
    const dir = mkdtempSync(join(tmpdir(), "strata-tier-"));
    const file = join(dir, "w.json");
    const w = JSON.parse(readFileSync(SMALL, "utf8"));
    w.model.tables[0].placement = { home: "tape" };
    writeFileSync(file, JSON.stringify(w));
    const r = strata(["tier", file, "--node", "zionex-a100", "--mode", "train", "--target-step-ms", "5"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/model\.tables\.0\.placement\.home|model\.tables\[0\]\.placement\.home/);
    expect(strata(["tier", SMALL, "--node", "zionex-a100", "--mode", "fly", "--target-step-ms", "5"]).code).toBe(2);
  }, 60_000);

  it("a table bigger than every tier of the most nodes tried is infeasible with the reason", () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-tier-"));
    const file = join(dir, "huge.json");
    const w = JSON.parse(readFileSync(SMALL, "utf8"));
    w.model.tables[0].rows = 1e12; // the schema's bound (docs/workload-format.md)
    w.model.tables[0].dim = 65536;
    writeFileSync(file, JSON.stringify(w));
    const r = strata(["tier", file, "--node", "zionex-a100", "--mode", "train", "--target-step-ms", "1000", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.feasible).toBe(false);
    expect(j.reason).toMatch(/fits no tier/);
  }, 60_000);
});
