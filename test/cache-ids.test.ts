import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { denseSource } from "../src/cache/dense.js";
import { dlrmMixTrace } from "../src/cache/generate.js";
import { IdMap } from "../src/cache/id-map.js";
import { openTrace } from "../src/cache/open.js";
import { LIBCACHESIM_POLICIES } from "../src/cache/policies/index.js";
import { simulate } from "../src/cache/simulate.js";
import { ID_HI, ID_LO, NEXT_HI, NEXT_LO, SIZE, STRIDE, TIME, type Batch, type TraceSource } from "../src/cache/trace.js";
import { writeOracle } from "../src/cache/write.js";
import { expectUserError, strata } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "strata-cache-ids-"));

/** A trace of ids given as u32 halves, in batches of `batch` requests. */
function pairSource(lo: number[], hi: number[], batch: number): TraceSource {
  return {
    file: "(test)",
    format: "generated",
    hasNext: false,
    *batches() {
      for (let s = 0; s < lo.length; s += batch) {
        const n = Math.min(batch, lo.length - s);
        const rec = new Uint32Array(n * STRIDE);
        for (let i = 0; i < n; i++) {
          rec[i * STRIDE + TIME] = s + i;
          rec[i * STRIDE + ID_LO] = lo[s + i]!;
          rec[i * STRIDE + ID_HI] = hi[s + i]!;
          rec[i * STRIDE + SIZE] = 1;
          rec[i * STRIDE + NEXT_LO] = rec[i * STRIDE + NEXT_HI] = 0xffffffff;
        }
        const b: Batch = { rec, n };
        yield b;
      }
    },
  };
}

/** Map a trace batch by batch; returns the dense ids and the map. */
function mapAll(src: TraceSource): { ids: number[]; map: IdMap } {
  const map = new IdMap();
  const ids: number[] = [];
  for (const b of src.batches()) {
    const out = new Int32Array(b.n);
    map.mapRecords(b.rec, b.n, out);
    ids.push(...out);
  }
  return { ids, map };
}

/** First-appearance numbering of (lo, hi) pairs: what every mode must give. */
function reference(lo: number[], hi: number[]): number[] {
  const seen = new Map<string, number>();
  return lo.map((l, i) => {
    const k = `${l}:${hi[i]}`;
    if (!seen.has(k)) seen.set(k, seen.size);
    return seen.get(k)!;
  });
}

/** Requests over a few tables (table << shift | row), skewed toward low rows and tables. */
const tagged = fc.record({
  tables: fc.integer({ min: 1, max: 70 }),
  rows: fc.integer({ min: 1, max: 300_000 }),
  shift: fc.constantFrom(32, 48, 56),
  n: fc.integer({ min: 1, max: 3000 }),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  batch: fc.integer({ min: 1, max: 700 }),
});

function taggedIds(t: { tables: number; rows: number; shift: number; n: number; seed: number }): { lo: number[]; hi: number[] } {
  let x = t.seed;
  const next = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const lo: number[] = [];
  const hi: number[] = [];
  for (let i = 0; i < t.n; i++) {
    lo.push(Math.floor(next() ** 3 * t.rows));
    hi.push((Math.floor(next() ** 2 * Math.min(t.tables, 2 ** (64 - t.shift))) * 2 ** (t.shift - 32)) >>> 0);
  }
  return { lo, hi };
}

describe("id map: identity, direct (per-table regions) and hash modes", () => {
  it("table-tagged ids get the first-appearance numbering, whatever the batches, and find() agrees", () => {
    fc.assert(
      fc.property(tagged, (t) => {
        const { lo, hi } = taggedIds(t);
        const { ids, map } = mapAll(pairSource(lo, hi, t.batch));
        const ref = reference(lo, hi);
        expect(ids).toEqual(ref);
        expect(map.size).toBe(new Set(ref).size);
        expect(lo.map((l, i) => map.find(l, hi[i]!))).toEqual(ref);
        expect(map.find(0xfffffffe, 0xfffffffe)).toBe(-1);
      }),
      { numRuns: 100 },
    );
  });

  it("on table-tagged ids the direct mode gives the hash mode's numbering (the hash forced by a 65th table first)", () => {
    fc.assert(
      fc.property(tagged, (t) => {
        const { lo, hi } = taggedIds({ ...t, tables: Math.min(t.tables, 8) });
        const direct = mapAll(pairSource(lo, hi, t.batch));
        // 65 ids with distinct upper halves that the trace does not use: the map goes to the hash for good.
        const pre = Array.from({ length: 65 }, (_, k) => 0x7fff0000 + k);
        const hashed = mapAll(pairSource([...pre.map(() => 1), ...lo], [...pre, ...hi], t.batch));
        expect(direct.map.mode).not.toBe("hash");
        expect(hashed.map.mode).toBe("hash");
        expect(hashed.ids.slice(65).map((v) => v - 65)).toEqual(direct.ids);
      }),
      { numRuns: 60 },
    );
  });

  it("dense ids stay in identity mode; the first id out of order moves to the direct mode with the same numbering", () => {
    const lo = [0, 1, 0, 2, 3, 1, 4, 2, 9, 5, 4, 0, 9];
    const hi = lo.map(() => 0);
    const head = mapAll(pairSource(lo.slice(0, 8), hi.slice(0, 8), 3));
    expect(head.map.mode).toBe("identity");
    expect(head.ids).toEqual(lo.slice(0, 8));
    const all = mapAll(pairSource(lo, hi, 4));
    expect(all.map.mode).toBe("direct");
    expect(all.ids).toEqual(reference(lo, hi));
  });

  it("a table too sparse for direct slots (rows 2^31 apart) moves every id to the hash, numbering kept", () => {
    const lo = [5, 0x80000000, 7, 5, 0xfffffff0, 7];
    const hi = [0, 0, 3, 0, 0, 3];
    const { ids, map } = mapAll(pairSource(lo, hi, 2));
    expect(map.mode).toBe("hash");
    expect(ids).toEqual(reference(lo, hi));
  });
});

describe("results do not depend on how ids are written", () => {
  it("every libCacheSim policy gives the same misses on table-tagged ids (direct), random 64-bit ids (hash) and dense ids (identity)", () => {
    fc.assert(
      fc.property(tagged, fc.integer({ min: 1, max: 400 }), (t, size) => {
        const { lo, hi } = taggedIds({ ...t, tables: Math.min(t.tables, 8), n: Math.min(t.n, 1500) });
        // a random bijection to 64-bit ids
        const names = new Map<string, [number, number]>();
        let x = t.seed ^ 0x5bd1e995;
        const rnd = (): number => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
        const pairs = lo.map((l, i) => {
          const k = `${l}:${hi[i]}`;
          if (!names.has(k)) names.set(k, [rnd(), rnd() | 0x80000000]);
          return names.get(k)!;
        });
        const runs = LIBCACHESIM_POLICIES.filter((p) => p !== "belady").map((policy) => ({ policy, size }));
        const a = simulate(pairSource(lo, hi, t.batch), runs).map((r) => r.misses);
        const b = simulate(pairSource(pairs.map((p) => p[0]), pairs.map((p) => p[1]), t.batch), runs).map((r) => r.misses);
        const ref = reference(lo, hi);
        const c = simulate(pairSource(ref, ref.map(() => 0), t.batch), runs).map((r) => r.misses);
        expect(b).toEqual(a);
        expect(c).toEqual(a);
      }),
      { numRuns: 40 },
    );
  });
});

describe("convert --dense", () => {
  const tables = [
    { rows: 100_000, alpha: 1.05, weight: 0.5 },
    { rows: 3000, alpha: 0.9, weight: 0.3 },
    { rows: 50, alpha: 1.2, weight: 0.2 },
  ];

  it("renumbers ids 0..n-1 by first appearance, keeps time, size and next-access indices, and every policy's results", () => {
    const src = join(dir, "mix.bin");
    writeOracle(dlrmMixTrace({ tables, requests: 30_000, seed: 9, tableShift: 48 }), src);
    const out = join(dir, "mix.dense.bin");
    const r = strata(["cache", "convert", src, "--dense", "--out", out]);
    expect(r.code).toBe(0);
    const a = new Uint32Array(readFileSync(src).buffer.slice(0));
    const d = new Uint32Array(readFileSync(out).buffer.slice(0));
    expect(d.length).toBe(a.length);
    const lo: number[] = [];
    const hi: number[] = [];
    for (let i = 0; i < a.length; i += STRIDE) {
      lo.push(a[i + ID_LO]!);
      hi.push(a[i + ID_HI]!);
      for (const f of [TIME, SIZE, NEXT_LO, NEXT_HI]) expect(d[i + f]).toBe(a[i + f]);
      expect(d[i + ID_HI]).toBe(0);
    }
    const ref = reference(lo, hi);
    expect(Array.from({ length: ref.length }, (_, k) => d[k * STRIDE + ID_LO])).toEqual(ref);
    const objects = new Set(ref).size;
    expect(r.stdout).toContain(`${objects.toLocaleString("en-US")} distinct ids renumbered from 0`);
    const runs = LIBCACHESIM_POLICIES.map((policy) => ({ policy, size: 500 }));
    expect(simulate(openTrace(out, "oracleGeneral"), runs).map((x) => x.misses)).toEqual(simulate(openTrace(src, "oracleGeneral"), runs).map((x) => x.misses));
  });

  it("a dense trace converts to itself (and to CSV with ids 0..n-1)", () => {
    const src = join(dir, "mix2.bin");
    writeOracle(dlrmMixTrace({ tables, requests: 5000, seed: 2 }), src);
    const once = join(dir, "once.bin");
    const twice = join(dir, "twice.bin");
    strata(["cache", "convert", src, "--dense", "--out", once]);
    expect(strata(["cache", "convert", once, "--dense", "--out", twice]).code).toBe(0);
    expect(Buffer.compare(readFileSync(once), readFileSync(twice))).toBe(0);
    const csv = join(dir, "once.csv");
    expect(strata(["cache", "convert", src, "--dense", "--out", csv]).code).toBe(0);
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    expect(lines[0]).toBe("time,id,size");
    expect(lines[1]).toBe("0,0,128");
    const ids = lines.slice(1).map((l) => Number(l.split(",")[1]));
    expect(Math.max(...ids)).toBe(new Set(ids).size - 1);
    const dense = denseSource(openTrace(src, "oracleGeneral"));
    for (const _ of dense.source.batches());
    expect(dense.objects()).toBe(new Set(ids).size);
  });
});

describe("gen --kind dlrm-mix --table-shift", () => {
  it("is deterministic per seed and puts the table at bit 48: upper half = table << 16, rows below the table's size", () => {
    const a = join(dir, "g48a.bin");
    const b = join(dir, "g48b.bin");
    const args = ["cache", "gen", "--kind", "dlrm-mix", "--tables", "1000:1.1:0.6,40:0.9:0.4", "--table-shift", "48", "--requests", "20000", "--seed", "7"];
    expect(strata([...args, "--out", a]).code).toBe(0);
    strata([...args, "--out", b]);
    const bytes = readFileSync(a);
    expect(Buffer.compare(bytes, readFileSync(b))).toBe(0);
    const rec = new Uint32Array(bytes.buffer.slice(0));
    const his = new Set<number>();
    for (let i = 0; i < rec.length; i += STRIDE) {
      his.add(rec[i + ID_HI]!);
      expect(rec[i + ID_LO]!).toBeLessThan(rec[i + ID_HI] === 0 ? 1000 : 40);
    }
    expect([...his].sort((x, y) => x - y)).toEqual([0, 1 << 16]);
    // Only the id layout differs from the default shift (32): the same rows in the same order.
    const c = join(dir, "g32.bin");
    strata([...args.filter((x) => x !== "--table-shift" && x !== "48"), "--out", c]);
    const r32 = new Uint32Array(readFileSync(c).buffer.slice(0));
    for (let i = 0; i < rec.length; i += STRIDE) {
      expect(r32[i + ID_LO]).toBe(rec[i + ID_LO]);
      expect(r32[i + ID_HI]! << 16).toBe(rec[i + ID_HI]);
    }
  });

  it("refuses a shift out of 32..63 and one that leaves too few bits for the tables (exit 2)", () => {
    const out = join(dir, "bad.bin");
    expectUserError(strata(["cache", "gen", "--kind", "dlrm-mix", "--table-shift", "31", "--out", out]), "--table-shift", "32 to 63");
    expectUserError(strata(["cache", "gen", "--kind", "dlrm-mix", "--table-shift", "63", "--out", out]), "--table-shift 63", "3 tables");
  });
});
