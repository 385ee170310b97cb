import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
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
const ZST = `${ROOT}test/fixtures/cloudPhysicsIO.head5000.reindexed.oracleGeneral.bin.zst`;

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
  it("oracleGeneral: random bytes are an error naming the file and the partial record or the first bad next-access index", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 2000 }), (bytes) => {
        const f = tmp("r.bin", bytes);
        const r = count(f, "oracleGeneral");
        // 24 random bytes pass only with a valid next-access index: -1 or INT64_MAX for one record.
        if (r instanceof UserError) {
          expect(r.message).toContain(f);
          if (bytes.length % 24 !== 0) expect(r.message).toContain(`truncated oracleGeneral record at byte ${bytes.length - (bytes.length % 24)}: the file size ${bytes.length} is not a multiple of the 24-byte record`);
          else expect(r.message).toMatch(/record \d+ \(byte \d+\): next-access index: expected -1 or a later request/);
        } else expect(bytes.length % 24).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it("oracleGeneral: next-access indices are checked: backwards, beyond the trace or malformed is an error naming the record; -1 and INT64_MAX mean never", () => {
    const kinds = ["later", "never", "int64max", "self", "backwards", "beyond", "zero", "negative", "huge"] as const;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...kinds), fc.nat()), { minLength: 1, maxLength: 40 }), (spec) => {
        const n = spec.length;
        const buf = Buffer.alloc(n * 24);
        let firstBad = -1;
        spec.forEach(([kind, r], t) => {
          buf.writeUInt32LE(t, 0 + t * 24);
          buf.writeBigUInt64LE(BigInt(r % 7), 4 + t * 24);
          buf.writeUInt32LE(1, 12 + t * 24);
          const vt = t + 1; // this request's index, from 1
          let v: bigint;
          if (kind === "later" && vt < n) v = BigInt(vt + 1 + (r % (n - vt)));
          else if (kind === "later" || kind === "never") v = -1n;
          else if (kind === "int64max") v = 2n ** 63n - 1n;
          else if (kind === "self") v = BigInt(vt);
          else if (kind === "backwards") v = BigInt(r % vt);
          else if (kind === "beyond") v = BigInt(n + 1 + (r % 1000));
          else if (kind === "zero") v = 0n;
          else if (kind === "negative") v = -2n - BigInt(r);
          else v = 2n ** 40n + BigInt(r);
          buf.writeBigInt64LE(v, 16 + t * 24);
          const ok = v === -1n || v === 2n ** 63n - 1n || (v > BigInt(vt) && v <= BigInt(n));
          if (!ok && firstBad < 0) firstBad = t;
        });
        const f = tmp("next.bin", buf);
        const r = count(f, "oracleGeneral");
        if (firstBad < 0) expect(r).toBe(n);
        else {
          expect(r).toBeInstanceOf(UserError);
          expect((r as UserError).message).toContain(`${f}: record ${firstBad + 1} (byte ${firstBad * 24}): next-access index: expected -1 or a later request`);
        }
      }),
      { numRuns: 300 },
    );
    // INT64_MAX reads back as -1 (never), so writers and Belady see one "never".
    const one = Buffer.alloc(24);
    one.writeBigInt64LE(2n ** 63n - 1n, 16);
    const [b] = [...openTrace(tmp("max.bin", one), "oracleGeneral").batches()];
    expect([b!.rec[4], b!.rec[5]]).toEqual([0xffffffff, 0xffffffff]);
    const back = count(tmp("back.bin", Buffer.concat([one, one].map((x, i) => { const c = Buffer.from(x); c.writeBigInt64LE(i === 0 ? 1n : -1n, 16); return c; }))), "oracleGeneral");
    expect((back as UserError).message).toMatch(/record 1 \(byte 0\): next-access index: expected -1 or a later request 2\.\.2, found 1 \(it points backwards\)/);
  });

  it("oracleGeneral: a truncated real trace is an error; a cut at a record boundary is one too when an index points past the cut", () => {
    const data = readFileSync(BIN);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200_000 }), (cut) => {
        const f = tmp("cut.bin", data.subarray(0, cut));
        const r = count(f, "oracleGeneral");
        expect(r).toBeInstanceOf(UserError);
        if (cut % 24 !== 0) expect((r as UserError).message).toMatch(/is not a multiple of the 24-byte record/);
        else expect((r as UserError).message).toMatch(new RegExp(`found \\d+ \\(beyond the trace's ${cut / 24} requests\\)`));
      }),
      { numRuns: 50 },
    );
  });

  it("gzip: decompressed by its magic bytes whatever the name; a cut or corrupt one says gzip-compressed", () => {
    const gz = readFileSync(ZST.replace(/\.zst$/, ".gz"));
    expect(count(tmp("named.bin", gz), "oracleGeneral")).toBe(5000);
    expect(count(tmp("t.bin.gz", gz), "oracleGeneral")).toBe(5000);
    fc.assert(
      fc.property(fc.integer({ min: 2, max: gz.length - 1 }), fc.uint8Array({ minLength: 1, maxLength: 300 }), (cut, junk) => {
        const r = count(tmp("cut.bin", gz.subarray(0, cut)), "oracleGeneral");
        expect(r).toBeInstanceOf(UserError);
        expect((r as UserError).message).toMatch(/cut\.bin: gzip-compressed: /);
        expect((r as UserError).message).not.toMatch(/truncated oracleGeneral record at byte \d+: the file size/);
        const j = count(tmp("junk.gz", junk), "oracleGeneral");
        expect(j).toBeInstanceOf(UserError);
        expect((j as UserError).message).toMatch(/junk\.gz: gzip-compressed: /);
      }),
      { numRuns: 25 },
    );
    // CSV may be gzip-compressed too.
    expect(count(tmp("t.csv.gz", gzipSync("time,id,size\n1,5,10\n2,6,10\n")), "csv")).toBe(2);
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

  it("csv: a header time,id,size (what our writer emits) gives the time and size columns without flags; flags still win", () => {
    const read = (text: string, columns = {}) => {
      const out: number[][] = [];
      for (const b of openTrace(tmp("h.csv", text), "csv", columns).batches()) for (let i = 0; i < b.n; i++) out.push([b.rec[i * 6]!, b.rec[i * 6 + 1]!, b.rec[i * 6 + 3]!]);
      return out;
    };
    expect(read("time,id,size\n7,42,512\n8,43,4096\n")).toEqual([[7, 42, 512], [8, 43, 4096]]);
    expect(read("timestamp,obj_id,obj_size\n7,42,512\n")).toEqual([[7, 42, 512]]);
    expect(read("time,id,size\n7,42,512\n", { size: 1 })).toEqual([[7, 42, 7]]);
    expect(read("id,weight\n42,512\n")).toEqual([[0, 42, 1]]);
    expect(read("7,42,512\n")).toEqual([[0, 7, 1]]);
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
