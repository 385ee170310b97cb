import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openTrace } from "../src/cache/open.js";
import type { TraceFormat } from "../src/cache/trace.js";
import { UserError } from "../src/spec/errors.js";
import { ROOT } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "strata-cache-readers-"));
const BIN = `${ROOT}test/fixtures/cloudPhysicsIO.oracleGeneral.bin`;
const ZST = `${ROOT}test/fixtures/cloudPhysicsIO.head5000.oracleGeneral.bin.zst`;

/** Count requests, or return the UserError; anything else fails the test. */
function count(file: string, format: TraceFormat, columns = {}): number | UserError {
  try {
    let n = 0;
    for (const b of openTrace(file, format, columns).batches()) n += b.n;
    return n;
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
}

let k = 0;
const tmp = (name: string, data: Uint8Array | string): string => {
  const f = join(dir, `${k++}-${name}`);
  writeFileSync(f, data);
  return f;
};

describe("trace readers on bad input", () => {
  it("oracleGeneral: random bytes give floor(len/24) records, or a clear error naming the file and offset of a partial record", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const f = tmp("r.bin", bytes);
        const r = count(f, "oracleGeneral");
        if (bytes.length % 24 === 0) expect(r).toBe(bytes.length / 24);
        else {
          expect(r).toBeInstanceOf(UserError);
          expect((r as UserError).message).toContain(f);
          expect((r as UserError).message).toContain(`byte ${bytes.length - (bytes.length % 24)}`);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("oracleGeneral: a truncated real trace is an error, a cut at a record boundary reads the records before it", () => {
    const data = readFileSync(BIN);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200_000 }), (cut) => {
        const r = count(tmp("cut.bin", data.subarray(0, cut)), "oracleGeneral");
        if (cut % 24 === 0) expect(r).toBe(cut / 24);
        else expect(r).toBeInstanceOf(UserError);
      }),
      { numRuns: 50 },
    );
  });

  it("zstd: random bytes, and truncated or corrupted compressed traces, are clear errors", () => {
    const z = readFileSync(ZST);
    expect(count(ZST, "oracleGeneral")).toBe(5000);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 500 }), fc.integer({ min: 1, max: z.length - 1 }), fc.integer({ min: 0, max: z.length - 1 }), (junk, cut, flip) => {
        const a = count(tmp("junk.zst", junk), "oracleGeneral");
        expect(a).toBeInstanceOf(UserError);
        expect(count(tmp("cut.zst", z.subarray(0, cut)), "oracleGeneral")).toBeInstanceOf(UserError);
        // A flipped byte may still decode (e.g. inside literals): then it must still be whole records.
        const c = Buffer.from(z);
        c[flip] = c[flip]! ^ 0xff;
        const r = count(tmp("flip.zst", c), "oracleGeneral");
        if (!(r instanceof UserError)) expect(Number.isInteger(r)).toBe(true);
      }),
      { numRuns: 40 },
    );
    const magic = count(tmp("magic.bin", new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3])), "oracleGeneral");
    expect((magic as UserError).message).toMatch(/zstd/);
  });

  it("csv, txt, embedding-csv: random text parses or fails with file:line, never crashes", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.constantFrom<TraceFormat>("csv", "txt", "embedding-csv"), (text, format) => {
        const r = count(tmp("r.txt", text), format);
        if (r instanceof UserError) expect(r.message).toMatch(/:\d+: |column/);
        else expect(r).toBeLessThanOrEqual(text.split("\n").length);
      }),
      { numRuns: 300 },
    );
  });

  it("csv: columns by header name or number, header detection, and errors naming the field", () => {
    const f = tmp("t.csv", "time,op,size,lbn\n1,r,512,10\n2,r,4096,11\n3,w,512,10\n");
    expect(count(f, "csv")).toBe(3);
    const bad = count(tmp("bad.csv", "time,size,id\n1,512,7\n2,abc,8\n"), "csv", { size: "size" });
    expect((bad as UserError).message).toMatch(/bad\.csv:3: size \(column 2\): expected a non-negative number, found "abc"/);
    expect((count(f, "csv", { id: "nope" }) as UserError).message).toMatch(/id column: expected .* found "nope"/);
    expect(count(tmp("noheader.csv", "5\n6\n5\n"), "csv")).toBe(3);
    expect(count(tmp("bom.csv", "\ufefftime,id\n1,2\n"), "csv")).toBe(1);
    expect(count(tmp("emb.csv", "table,row\n0,5\n1,5\n"), "embedding-csv")).toBe(2);
    expect((count(tmp("emb-bad.csv", "0,5\n1\n"), "embedding-csv") as UserError).message).toMatch(/:2: row \(column 2\)/);
  });

  it("csv: what is written is what is read (ids up to 2^64-1, string ids, spaces, CRLF, fractions)", () => {
    const row = fc.tuple(fc.nat({ max: 2 ** 32 - 1 }), fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String), fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/)), fc.nat({ max: 1e6 }), fc.boolean(), fc.boolean());
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 50 }), (rows) => {
        const text = "time,id,size\n" + rows.map(([t, id, size, crlf, pad]) => `${t},${pad ? " " : ""}${id}${pad ? " " : ""},${size}${pad ? ".5" : ""}${crlf ? "\r\n" : "\n"}`).join("");
        const f = tmp("rt.csv", text);
        const got: { time: number; lo: number; hi: number; size: number }[] = [];
        for (const b of openTrace(f, "csv", { time: "time", size: "size" }).batches()) {
          for (let i = 0; i < b.n; i++) got.push({ time: b.rec[i * 6]!, lo: b.rec[i * 6 + 1]!, hi: b.rec[i * 6 + 2]!, size: b.rec[i * 6 + 3]! });
        }
        expect(got).toHaveLength(rows.length);
        rows.forEach(([t, id, size], i) => {
          expect(got[i]!.time).toBe(t);
          expect(got[i]!.size).toBe(size);
          if (/^\d+$/.test(id)) expect((BigInt(got[i]!.hi) << 32n) | BigInt(got[i]!.lo)).toBe(BigInt(id));
        });
        // equal string ids map to equal 64-bit ids
        rows.forEach(([, id], i) => rows.forEach(([, id2], j) => {
          if (id === id2) expect([got[i]!.lo, got[i]!.hi]).toEqual([got[j]!.lo, got[j]!.hi]);
        }));
      }),
      { numRuns: 150 },
    );
  });

  it("a missing file is a clear error", () => {
    expect((count(join(dir, "nope.bin"), "oracleGeneral") as UserError).message).toMatch(/nope\.bin: cannot read: ENOENT/);
  });
});
