import { copyFileSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
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

const HEAD_ZST = `${ROOT}test/fixtures/cloudPhysicsIO.head5000.reindexed.oracleGeneral.bin.zst`;
const HEAD_GZ = `${ROOT}test/fixtures/cloudPhysicsIO.head5000.reindexed.oracleGeneral.bin.gz`;
let n = 0;
const fresh = (name: string): string => join(mkdtempSync(join(dir, `${n++}-`)), name);

describe("strata cache: outputs, flags and formats", () => {
  it("convert refuses an output that is its input (same path, another spelling, a symlink; binary and CSV): exit 2, the input intact", () => {
    const bin = fresh("t.bin");
    copyFileSync(BIN, bin);
    const csv = join(bin, "../t.csv");
    expect(strata(["cache", "convert", bin, "-o", csv]).code).toBe(0);
    const csvBytes = readFileSync(csv);
    symlinkSync(bin, join(bin, "../link.bin"));
    for (const [input, out] of [[bin, bin], [bin, join(bin, "../../", bin.split("/").slice(-2).join("/"))], [bin, join(bin, "../link.bin")], [csv, csv], [csv, join(csv, "../.", "t.csv")]] as const) {
      for (const flag of ["--out", "-o"]) {
        const r = strata(["cache", "convert", input, flag, out, "--out-format", input.endsWith(".csv") ? "csv" : "oracleGeneral"]);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`strata: --out ${out}: is the input ${input}`);
      }
    }
    expect(Buffer.compare(readFileSync(bin), readFileSync(BIN))).toBe(0);
    expect(Buffer.compare(readFileSync(csv), csvBytes)).toBe(0);
  });

  it("gen --kind workload refuses to write over its workload file", () => {
    const w = fresh("w.json");
    copyFileSync(example("dlrm-kaggle-b2048"), w);
    const before = readFileSync(w);
    const r = strata(["cache", "gen", "--kind", "workload", "--workload", w, "-o", w]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .*w\.json: is the input/);
    expect(Buffer.compare(readFileSync(w), before)).toBe(0);
  });

  it("gen: --requests, --keys, --obj-size, --row-bytes and --steps are bounded integers (exit 2 naming the flag, nothing written)", () => {
    const out = fresh("g.bin");
    const cases: [string[], RegExp][] = [
      [["--requests", "1e300"], /--requests: expected an integer from 1 to 2,147,483,647 .*found "1e300"/],
      [["--requests", "1e10"], /--requests: expected an integer from 1 to 2,147,483,647/],
      [["--requests", "2.5"], /--requests: expected an integer/],
      [["--keys", "5e9"], /--keys: expected an integer from 1 to 4,294,967,295/],
      [["--obj-size", "5e9"], /--obj-size: expected an integer from 1 to 4,294,967,295 \(oracleGeneral's size field is 32-bit\), found "5e9"/],
      [["--kind", "dlrm-mix", "--row-bytes", "5e9"], /--row-bytes: expected an integer from 1 to 4,294,967,295/],
      [["--kind", "workload", "--workload", example("dlrm-kaggle-b2048"), "--steps", "100000000"], /--steps: 100000000 steps of .* lookups \(at most [\d,]+ steps\)/],
      [["--seed", "abc"], /--seed: expected an integer from 0 to 4,294,967,295/],
    ];
    for (const [args, message] of cases) {
      const r = strata(["cache", "gen", ...args, "-o", out]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(() => statSync(out)).toThrow();
  });

  it("-o on gen and convert; the output format follows a .csv name unless --out-format says otherwise", () => {
    const csv = fresh("g.csv");
    expect(strata(["cache", "gen", "--requests", "1000", "--keys", "100", "-o", csv]).stdout).toContain("1,000 requests");
    expect(readFileSync(csv, "utf8").split("\n")[0]).toBe("time,id,size");
    const bin = join(csv, "../g.bin");
    expect(strata(["cache", "convert", csv, "-o", bin]).code).toBe(0);
    expect(statSync(bin).size).toBe(1000 * 24);
    const forced = join(csv, "../forced.csv");
    expect(strata(["cache", "convert", bin, "-o", forced, "--out-format", "oracleGeneral"]).code).toBe(0);
    expect(statSync(forced).size).toBe(1000 * 24);
    const z = strata(["cache", "convert", bin, "-o", join(csv, "../x.bin.zst")]);
    expect(z.code).toBe(2);
    expect(z.stderr).toMatch(/--out .*x\.bin\.zst: expected an uncompressed output/);
  });

  it("a CSV written by convert reads back with its time and size columns: byte-sized results equal the binary's", () => {
    const csv = fresh("c.csv");
    expect(strata(["cache", "convert", BIN, "-o", csv]).code).toBe(0);
    const run = (file: string) => JSON.parse(strata(["cache", "simulate", file, "--policy", "lru,belady", "--size", "256KiB,4MiB", "--json", "--no-timing"]).stdout) as unknown;
    expect(run(csv)).toEqual(run(BIN));
    const stats = (file: string) => (JSON.parse(strata(["cache", "stats", file, "--json"]).stdout) as { requestedBytes: number }).requestedBytes;
    expect(stats(csv)).toBe(stats(BIN));
    expect(stats(csv)).toBeGreaterThan(113872);
  });

  it("--format is inferred from the name (.bin, .csv, .zst, .gz), an explicit --format wins, and an unknown name asks for it", () => {
    const args = ["--policy", "lru", "--size", "100", "--json", "--no-timing"];
    const zst = JSON.parse(strata(["cache", "simulate", HEAD_ZST, ...args]).stdout) as { results: { requests: number; misses: number }[] };
    expect(zst.results[0]!.requests).toBe(5000);
    expect(JSON.parse(strata(["cache", "simulate", HEAD_GZ, ...args]).stdout)).toEqual(zst);
    const csv = fresh("h.csv");
    expect(strata(["cache", "convert", HEAD_GZ, "-o", csv]).code).toBe(0);
    expect(JSON.parse(strata(["cache", "simulate", csv, ...args]).stdout)).toEqual(zst);
    const odd = join(csv, "../h.bin");
    copyFileSync(csv, odd);
    expect(strata(["cache", "simulate", odd, ...args]).code).toBe(2);
    expect(JSON.parse(strata(["cache", "simulate", odd, "--format", "csv", ...args]).stdout)).toEqual(zst);
    const noext = join(csv, "../trace");
    copyFileSync(csv, noext);
    const r = strata(["cache", "stats", noext]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/trace: --format: required: the format cannot be inferred from the name/);
  });

  it("simulate --json --no-timing: no wall-clock field, two runs byte-identical", () => {
    const run = () => strata(["cache", "simulate", BIN, "--policy", "lru,arc", "--size", "1000,10000", "--json", "--no-timing"]);
    const a = run();
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(run().stdout);
    for (const x of (JSON.parse(a.stdout) as { results: Record<string, unknown>[] }).results) expect(Object.keys(x).sort()).toEqual(["missRatio", "misses", "policy", "requests", "size"]);
    expect(strata(["cache", "simulate", BIN, "--policy", "lru", "--size", "10", "--no-timing"]).stdout).not.toMatch(/seconds/);
  });

  it("an empty trace is an error (no requests), not a 0 miss ratio", () => {
    for (const name of ["e.bin", "e.csv"]) {
      const f = fresh(name);
      writeFileSync(f, name.endsWith(".csv") ? "time,id,size\n" : "");
      for (const cmd of [["simulate", f, "--policy", "lru", "--size", "10"], ["mrc", f], ["mrc", f, "--sample", "0.5"], ["stats", f]]) {
        const r = strata(["cache", ...cmd]);
        expect(r.code, cmd.join(" ")).toBe(2);
        expect(r.stderr).toContain(`strata: ${f}: no requests`);
        expect(r.stdout).toBe("");
      }
    }
  });

  it("oracleGeneral input problems are exit 2 with the file and what was found: random bytes, a gzip file cut short", () => {
    const junk = fresh("junk.bin");
    writeFileSync(junk, Buffer.from(Array.from({ length: 240 }, (_, i) => (i * 37 + 11) & 0xff)));
    const r = strata(["cache", "simulate", junk, "--policy", "lru", "--size", "10"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/junk\.bin: record 1 \(byte 0\): next-access index: expected -1 or a later request 2\.\.10, found -?\d+/);
    const cut = fresh("cut.bin");
    writeFileSync(cut, readFileSync(HEAD_GZ).subarray(0, 5000));
    const g = strata(["cache", "simulate", cut, "--policy", "lru", "--size", "10"]);
    expect(g.code).toBe(2);
    expect(g.stderr).toMatch(/cut\.bin: gzip-compressed: /);
  });

  it("mrc: --sample and --max-objects together are exit 2", () => {
    const r = strata(["cache", "mrc", BIN, "--sample", "0.1", "--max-objects", "1000"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--sample and --max-objects: expected one of them .* found both/);
  });
});
