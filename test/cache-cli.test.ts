import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { example, ROOT, strata } from "./helpers.js";

const BIN = `${ROOT}test/fixtures/cloudPhysicsIO.oracleGeneral.bin`;
const dir = mkdtempSync(join(tmpdir(), "strata-cache-cli-"));

describe("strata cache", () => {
  it("simulate --json: every policy x size with the contract's fields", () => {
    const r = strata(["cache", "simulate", BIN, "--format", "oracleGeneral", "--policy", "lru,fifo", "--size", "10000,100000", "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { results: Record<string, unknown>[] };
    expect(out.results.map((x) => [x.policy, x.size])).toEqual([["lru", 10000], ["lru", 100000], ["fifo", 10000], ["fifo", 100000]]);
    for (const x of out.results) {
      expect(Object.keys(x).sort()).toEqual(["missRatio", "misses", "policy", "requests", "seconds", "size"]);
      expect(x.requests).toBe(113872);
    }
    expect(Number((out.results[0]!.missRatio as number).toFixed(4))).toBe(0.6976);
  });

  it("mrc --json and --sample: points of size and missRatio", () => {
    const exact = JSON.parse(strata(["cache", "mrc", BIN, "--format", "oracleGeneral", "--json"]).stdout) as { points: { size: number; missRatio: number }[] };
    expect(exact.points.length).toBeGreaterThan(20);
    for (const p of exact.points) expect(Object.keys(p).sort()).toEqual(["missRatio", "size"]);
    const sampled = strata(["cache", "mrc", BIN, "--format", "oracleGeneral", "--sample", "0.1", "--size", "1000,10000", "--json"]);
    expect(sampled.code).toBe(0);
    expect((JSON.parse(sampled.stdout) as { points: unknown[] }).points).toHaveLength(2);
  });

  it("gen is deterministic per seed; stats and the block view read it back", () => {
    const a = join(dir, "a.bin");
    const b = join(dir, "b.bin");
    expect(strata(["cache", "gen", "--kind", "dlrm-mix", "--requests", "20000", "--seed", "3", "--drift-every", "5000", "--out", a]).code).toBe(0);
    strata(["cache", "gen", "--kind", "dlrm-mix", "--requests", "20000", "--seed", "3", "--drift-every", "5000", "--out", b]);
    expect(Buffer.compare(readFileSync(a), readFileSync(b))).toBe(0);
    expect(readFileSync(a).length).toBe(20000 * 24);
    const s = JSON.parse(strata(["cache", "stats", a, "--format", "oracleGeneral", "--window", "5000", "--block-bytes", "4096", "--row-bytes", "128", "--json"]).stdout) as { requests: number; workingSet: unknown[]; readAmplification: number };
    expect(s.requests).toBe(20000);
    expect(s.workingSet).toHaveLength(4);
    expect(s.readAmplification).toBe(32);
    const w = join(dir, "w.csv");
    expect(strata(["cache", "gen", "--kind", "workload", "--workload", example("dlrm-kaggle-b2048"), "--out", w, "--out-format", "csv"]).code).toBe(0);
    const sim = JSON.parse(strata(["cache", "simulate", w, "--format", "csv", "--policy", "lru,belady", "--size", "64KiB", "--json"]).stdout) as { results: { misses: number }[] };
    expect(sim.results[1]!.misses).toBeLessThanOrEqual(sim.results[0]!.misses);
  });

  it("convert: oracleGeneral -> CSV -> oracleGeneral gives the file back", () => {
    const csv = join(dir, "c.csv");
    const bin = join(dir, "c.bin");
    expect(strata(["cache", "convert", BIN, "--format", "oracleGeneral", "--out", csv, "--out-format", "csv"]).code).toBe(0);
    expect(strata(["cache", "convert", csv, "--format", "csv", "--id-col", "id", "--time-col", "time", "--size-col", "size", "--out", bin]).code).toBe(0);
    expect(Buffer.compare(readFileSync(bin), readFileSync(BIN))).toBe(0);
  });

  it("bad input exits 2 with a message, no stack trace", () => {
    const f = join(dir, "trunc.bin");
    writeFileSync(f, readFileSync(BIN).subarray(0, 1000));
    const r = strata(["cache", "simulate", f, "--format", "oracleGeneral", "--policy", "lru", "--size", "10"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/trunc\.bin: truncated oracleGeneral record at byte 984/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    const p = strata(["cache", "simulate", BIN, "--format", "oracleGeneral", "--policy", "lru,mru", "--size", "10"]);
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/--policy: expected some of lru, fifo, clock, lfu, arc, 2q, s3fifo, sieve, belady, found "mru"/);
    expect(strata(["cache", "simulate", BIN, "--format", "parquet", "--policy", "lru", "--size", "10"]).stderr).toMatch(/--format: expected one of oracleGeneral, csv, txt, embedding-csv/);
  });
});
