import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { zipfTrace } from "../src/cache/generate.js";
import { openTrace } from "../src/cache/open.js";
import { idString, writeCsv, writeOracle } from "../src/cache/write.js";
import { ID_HI, ID_LO, SIZE, STRIDE, TIME, type TraceSource } from "../src/cache/trace.js";

const dir = mkdtempSync(join(tmpdir(), "strata-cache-write-"));

/** A source that counts its passes and the progress calls made in each. */
function counted(src: TraceSource): { src: TraceSource; passes: number[] } {
  const passes: number[] = [];
  return {
    passes,
    src: {
      ...src,
      *batches(progress) {
        passes.push(0);
        const at = passes.length - 1;
        yield* src.batches((done, total) => {
          passes[at]!++;
          progress?.(done, total);
        });
      },
    },
  };
}

describe("trace writers", () => {
  it("writeCsv streams: one pass over the source, the same text as one line per request built as strings", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.nat()), { maxLength: 300 }), (rows) => {
        const src: TraceSource = {
          file: "(test)",
          format: "generated",
          hasNext: false,
          *batches() {
            const rec = new Uint32Array(7 * STRIDE);
            for (let i = 0; i < rows.length; i += 7) {
              const part = rows.slice(i, i + 7);
              part.forEach(([t, id, size], j) => {
                rec[j * STRIDE + TIME] = t;
                rec[j * STRIDE + ID_LO] = Number(id & 0xffffffffn);
                rec[j * STRIDE + ID_HI] = Number(id >> 32n);
                rec[j * STRIDE + SIZE] = size;
              });
              yield { rec, n: part.length };
            }
          },
        };
        const c = counted(src);
        const f = join(dir, "p.csv");
        expect(writeCsv(c.src, f)).toBe(rows.length);
        expect(c.passes).toHaveLength(1);
        expect(readFileSync(f, "utf8")).toBe("time,id,size\n" + rows.map(([t, id, size]) => `${t >>> 0},${id},${size >>> 0}\n`).join(""));
        expect(idString(0, 0)).toBe("0");
      }),
      { numRuns: 100 },
    );
  });

  it("writeCsv over more than its 1 MiB buffer writes every line once", () => {
    const src = zipfTrace({ keys: 1000, alpha: 1, requests: 100_000, seed: 5 });
    const f = join(dir, "big.csv");
    expect(writeCsv(src, f)).toBe(100_000);
    const lines = readFileSync(f, "utf8").split("\n");
    expect(lines).toHaveLength(100_002);
    expect(lines.at(-1)).toBe("");
    expect(lines.slice(1, -1).filter((l, i) => !(l.startsWith(`${i},`) && l.endsWith(",4096")))).toEqual([]);
  });

  it("writeOracle reports progress in the next-access pass as well as the writing pass; a source with indices is read once", () => {
    const c = counted(zipfTrace({ keys: 100, alpha: 1, requests: 300_000, seed: 1 }));
    const calls: number[] = [];
    expect(writeOracle(c.src, join(dir, "z.bin"), (done) => calls.push(done))).toBe(300_000);
    expect(c.passes).toHaveLength(2);
    expect(c.passes.every((p) => p > 1)).toBe(true);
    expect(calls.length).toBe(c.passes[0]! + c.passes[1]!);
    const again = counted(openTrace(join(dir, "z.bin"), "oracleGeneral"));
    expect(writeOracle(again.src, join(dir, "z2.bin"))).toBe(300_000);
    expect(again.passes).toHaveLength(1);
    expect(Buffer.compare(readFileSync(join(dir, "z2.bin")), readFileSync(join(dir, "z.bin")))).toBe(0);
  });
});
