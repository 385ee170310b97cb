import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dlrmMixTrace } from "../src/cache/generate.js";
import { openTrace } from "../src/cache/open.js";
import { LIBCACHESIM_POLICIES, POLICIES } from "../src/cache/policies/index.js";
import { simulate } from "../src/cache/simulate.js";
import { writeCsv, writeOracle } from "../src/cache/write.js";
import { UserError } from "../src/spec/errors.js";
import { expectUserError, strata } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "strata-map-thread-"));
const tables = [
  { rows: 200_000, alpha: 1.05, weight: 0.5 },
  { rows: 3000, alpha: 0.9, weight: 0.3 },
  { rows: 50, alpha: 1.2, weight: 0.2 },
];
// More requests than a batch (65,536), so the ring wraps round its slots many times.
const oracle = join(dir, "mix.bin");
writeOracle(dlrmMixTrace({ tables, requests: 400_000, seed: 5, tableShift: 48 }), oracle);

const without = (r: ReturnType<typeof simulate>) => r.map(({ seconds: _, ...x }) => x);

describe("reading and mapping on a second thread", () => {
  it("gives every policy the results of the in-thread reader, in objects and in bytes", () => {
    for (const bytes of [false, true]) {
      const runs = (bytes ? LIBCACHESIM_POLICIES : POLICIES).flatMap((policy) => [300, 5000].map((size) => ({ policy, size })));
      const here = simulate(openTrace(oracle, "oracleGeneral"), runs, { bytes, mapThread: false });
      const there = simulate(openTrace(oracle, "oracleGeneral"), runs, { bytes, mapThread: true });
      expect(without(there)).toEqual(without(here));
    }
  });

  it("reads text traces too, and reports progress up to the whole file", () => {
    const csv = join(dir, "mix.csv");
    writeCsv(openTrace(oracle, "oracleGeneral"), csv);
    const seen: number[] = [];
    const runs = [{ policy: "lru" as const, size: 1000 }];
    const there = simulate(openTrace(csv, "csv"), runs, { mapThread: true, progress: (done, total) => seen.push(done / total) });
    expect(without(there)).toEqual(without(simulate(openTrace(oracle, "oracleGeneral"), runs, { mapThread: false })));
    expect(seen.at(-1)).toBe(1);
  });

  it("throws the reader's own error for a bad record", () => {
    const bad = join(dir, "bad.bin");
    const bytes = new Uint8Array(24 * 3);
    const v = new DataView(bytes.buffer);
    v.setUint32(0, 1, true);
    v.setUint32(4, 7, true);
    v.setBigInt64(16, 1n, true); // record 1 names itself as its next access
    writeFileSync(bad, bytes);
    const error = (mapThread: boolean): unknown => {
      try {
        simulate(openTrace(bad, "oracleGeneral"), [{ policy: "lru", size: 10 }], { mapThread });
      } catch (err) {
        return err;
      }
      return undefined;
    };
    const here = error(false);
    const there = error(true);
    expect(here).toBeInstanceOf(UserError);
    expect(there).toBeInstanceOf(UserError);
    expect((there as Error).message).toBe((here as Error).message);
  });

  it("--threads 1 and 2 print the same results; another count is exit 2", () => {
    const args = ["cache", "simulate", oracle, "--policy", "lru,sieve", "--size", "1000", "--json", "--no-timing"];
    const one = strata([...args, "--threads", "1"]);
    const two = strata([...args, "--threads", "2"]);
    expect(one.code, one.stderr).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expectUserError(strata([...args, "--threads", "3"]), "--threads: expected 1 or 2, found \"3\"");
  });
});
