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
  // The first pass (next-access indices) reports progress too: on a long trace it is half the work.
  const next = source.hasNext ? undefined : nextIndices(source, progress);
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

const OUT = 1 << 20;
const COMMA = 44;
const NEWLINE = 10;

function writeAll(fd: number, buf: Uint8Array, n: number): void {
  for (let off = 0; off < n; ) off += writeSync(fd, buf, off, n - off);
}

/** The decimal digits of the integer 0 <= v < 2^53 into buf at p; returns the end. */
function decimalInto(buf: Uint8Array, p: number, v: number): number {
  let len = 1;
  for (let x = v; x >= 10; x = Math.floor(x / 10)) len++;
  for (let i = p + len - 1; i >= p; i--) {
    const q = Math.floor(v / 10);
    buf[i] = 48 + (v - q * 10);
    v = q;
  }
  return p + len;
}

function asciiInto(buf: Uint8Array, p: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
  return p;
}

/**
 * Write `source` as CSV with header time,id,size (the names the CSV reader takes by default);
 * returns the number of requests. One pass, encoded straight into a 1 MiB buffer: memory does
 * not grow with the trace, and no string is made per request.
 */
export function writeCsv(source: TraceSource, file: string, progress?: (done: number, total: number) => void): number {
  return withAtomicFile(file, (fd) => {
    const buf = new Uint8Array(OUT);
    let p = asciiInto(buf, 0, "time,id,size\n");
    let t = 0;
    for (const b of source.batches(progress)) {
      const rec = b.rec;
      for (let i = 0, k = 0; i < b.n; i++, k += STRIDE) {
        // A line is at most 10 + 1 + 20 + 1 + 10 + 1 bytes.
        if (p > OUT - 64) {
          writeAll(fd, buf, p);
          p = 0;
        }
        p = decimalInto(buf, p, rec[k + TIME]!);
        buf[p++] = COMMA;
        const hi = rec[k + ID_HI]!;
        p = hi < 0x200000 ? decimalInto(buf, p, hi * TWO32 + rec[k + ID_LO]!) : asciiInto(buf, p, idString(rec[k + ID_LO]!, hi));
        buf[p++] = COMMA;
        p = decimalInto(buf, p, rec[k + SIZE]!);
        buf[p++] = NEWLINE;
      }
      t += b.n;
    }
    writeAll(fd, buf, p);
    return t;
  });
}
