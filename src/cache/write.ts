/**
 * Trace writers. oracleGeneral needs every request's next-access index: a first pass over the
 * source computes them (4 bytes per request in memory), a second writes the records. As in
 * libCacheSim's files, the index counts requests from 1 (vtime), -1 for none.
 */
import { writeSync } from "node:fs";
import { withAtomicFile } from "../io/output.js";
import { nextIndices } from "./simulate.js";
import { ID_HI, ID_LO, NEXT_HI, NEXT_LO, SIZE, STRIDE, TIME, type TraceSource } from "./trace.js";

/** Write `source` as oracleGeneral; returns the number of requests. */
export function writeOracle(source: TraceSource, file: string, progress?: (done: number, total: number) => void): number {
  const next = source.hasNext ? undefined : nextIndices(source);
  return withAtomicFile(file, (fd) => {
    let t = 0;
    for (const b of source.batches(progress)) {
      const rec = b.rec;
      if (next) {
        for (let i = 0, k = 0; i < b.n; i++, k += STRIDE) {
          const v = next[t + i]!;
          rec[k + NEXT_LO] = v < 0 ? 0xffffffff : v + 1;
          rec[k + NEXT_HI] = v < 0 ? 0xffffffff : 0;
        }
      }
      writeSync(fd, new Uint8Array(rec.buffer, rec.byteOffset, b.n * STRIDE * 4));
      t += b.n;
    }
    return t;
  });
}

const TWO32 = 4294967296;

/** The decimal form of a u64 id given as halves. */
export function idString(lo: number, hi: number): string {
  return hi < 0x200000 ? String(hi * TWO32 + lo) : ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** Write `source` as CSV with header time,id,size; returns the number of requests. */
export function writeCsv(source: TraceSource, file: string, progress?: (done: number, total: number) => void): number {
  return withAtomicFile(file, (fd) => {
    let t = 0;
    writeSync(fd, "time,id,size\n");
    for (const b of source.batches(progress)) {
      const rec = b.rec;
      const lines: string[] = [];
      for (let i = 0, k = 0; i < b.n; i++, k += STRIDE) lines.push(`${rec[k + TIME]},${idString(rec[k + ID_LO]!, rec[k + ID_HI]!)},${rec[k + SIZE]}\n`);
      writeSync(fd, lines.join(""));
      t += b.n;
    }
    return t;
  });
}
