import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultSizes, lruMrc } from "../src/cache/mrc.js";
import { openTrace } from "../src/cache/open.js";
import { LIBCACHESIM_POLICIES, type PolicyId } from "../src/cache/policies/index.js";
import { nextIndices, simulate } from "../src/cache/simulate.js";
import { writeCsv, writeOracle } from "../src/cache/write.js";
import { ROOT } from "./helpers.js";

const BIN = `${ROOT}test/fixtures/cloudPhysicsIO.oracleGeneral.bin`;
/** The first 5,000 records as cut from the full trace: next-access indices still point into the rest. */
const ZST = `${ROOT}test/fixtures/cloudPhysicsIO.head5000.oracleGeneral.bin.zst`;
/** The same 5,000 records with next-access indices recomputed within them, zstd- and gzip-compressed. */
const HEAD_ZST = `${ROOT}test/fixtures/cloudPhysicsIO.head5000.reindexed.oracleGeneral.bin.zst`;
const HEAD_GZ = `${ROOT}test/fixtures/cloudPhysicsIO.head5000.reindexed.oracleGeneral.bin.gz`;
const ref = JSON.parse(readFileSync(`${ROOT}test/fixtures/cloudPhysicsIO.reference.json`, "utf8")) as { missRatio: Record<PolicyId, Record<string, number>> };
const sizes = Object.keys(ref.missRatio.lru).map(Number);

describe("golden: cloudPhysicsIO against libCacheSim", () => {
  // set-lru (FBGEMM's set-associative cache) has no libCacheSim counterpart: only libCacheSim's policies here.
  const POLICIES = LIBCACHESIM_POLICIES;
  const results = simulate(openTrace(BIN, "oracleGeneral"), POLICIES.flatMap((policy) => sizes.map((size) => ({ policy, size }))));

  it("has a reference for every policy", () => {
    expect(Object.keys(ref.missRatio).sort()).toEqual([...POLICIES].sort());
  });

  for (const policy of POLICIES) {
    it(`${policy} matches the printed 4 decimals at every size`, () => {
      for (const size of sizes) {
        const r = results.find((x) => x.policy === policy && x.size === size)!;
        expect(r.requests).toBe(113872);
        expect({ size, missRatio: Number(r.missRatio.toFixed(4)) }).toEqual({ size, missRatio: ref.missRatio[policy][String(size)] });
      }
    });
  }

  it("the exact LRU curve matches the reference at every size", () => {
    const m = lruMrc(openTrace(BIN, "oracleGeneral"));
    expect(m.objects).toBe(48974);
    expect(m.at(sizes).map((p) => Number(p.missRatio.toFixed(4)))).toEqual(sizes.map((s) => ref.missRatio.lru[String(s)]));
  });

  it("SHARDS: rate 1 is the exact curve; at 10% within 0.03 at sizes from 10/R up (a 114k-request trace is small for sampling)", () => {
    const exact = lruMrc(openTrace(BIN, "oracleGeneral"));
    const grid = defaultSizes(exact.maxDistance, 40);
    // Sampled distances go to 0.5%-wide bins above 1,024: exact below, interpolated above.
    const all = lruMrc(openTrace(BIN, "oracleGeneral"), { rate: 1 }).at(grid);
    exact.at(grid).forEach((p, i) => expect(Math.abs(all[i]!.missRatio - p.missRatio)).toBeLessThanOrEqual(p.size <= 1024 ? 1e-12 : 2e-3));
    const big = grid.filter((s) => s >= 100);
    const e = exact.at(big);
    const s = lruMrc(openTrace(BIN, "oracleGeneral"), { rate: 0.1 }).at(big);
    for (let i = 0; i < big.length; i++) expect(Math.abs(s[i]!.missRatio - e[i]!.missRatio)).toBeLessThan(0.03);
  });

  it("SHARDS fixed size keeps at most s_max objects and stays within 0.04 of the exact curve from 1/R up", () => {
    const grid = [1000, 3000, 10000, 30000];
    const e = lruMrc(openTrace(BIN, "oracleGeneral")).at(grid);
    const m = lruMrc(openTrace(BIN, "oracleGeneral"), { maxObjects: 8192 });
    expect(m.objects).toBeLessThanOrEqual(8192);
    expect(m.rate).toBeLessThan(1);
    m.at(grid).forEach((p, i) => expect(Math.abs(p.missRatio - e[i]!.missRatio)).toBeLessThan(0.04));
  });

  it("round trip: oracleGeneral -> CSV -> oracleGeneral reproduces the file byte for byte (next-access indices recomputed)", () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-cache-"));
    writeCsv(openTrace(BIN, "oracleGeneral"), join(dir, "t.csv"));
    const csv = openTrace(join(dir, "t.csv"), "csv", { id: "id", time: "time", size: "size" });
    writeOracle(csv, join(dir, "t.bin"));
    expect(Buffer.compare(readFileSync(join(dir, "t.bin")), readFileSync(BIN))).toBe(0);
    // Belady on the CSV computes next-access indices itself and agrees.
    const [b] = simulate(csv, [{ policy: "belady", size: 1000 }]);
    expect(Number(b!.missRatio.toFixed(4))).toBe(ref.missRatio.belady["1000"]);
  });

  it("zstd- and gzip-compressed files read as the plain one (time, id, size; next-access indices within the head)", () => {
    const records = (file: string) => {
      const out: number[] = [];
      for (const b of openTrace(file, "oracleGeneral").batches()) for (let i = 0; i < b.n * 6; i++) out.push(b.rec[i]!);
      return out;
    };
    const plain = records(BIN).slice(0, 5000 * 6);
    const zst = records(HEAD_ZST);
    expect(zst.filter((_, i) => i % 6 < 4)).toEqual(plain.filter((_, i) => i % 6 < 4));
    const next = nextIndices(openTrace(HEAD_ZST, "oracleGeneral"));
    expect(zst.filter((_, i) => i % 6 === 4)).toEqual([...next].map((v) => (v < 0 ? 0xffffffff : v + 1)));
    expect(records(HEAD_GZ)).toEqual(zst);
  });

  it("a head cut from a longer trace keeps next-access indices beyond its end: an error naming the record", () => {
    expect(() => [...openTrace(ZST, "oracleGeneral").batches()]).toThrow(/head5000\.oracleGeneral\.bin\.zst: zstd-compressed: record \d+ \(byte \d+\): next-access index: expected -1 or a later request \d+\.\.5000, found \d+ \(beyond the trace's 5000 requests\)/);
  });
});
