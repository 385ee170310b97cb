/**
 * libCacheSim's oracleGeneral binary trace: packed 24-byte little-endian records
 * (u32 time, u64 object id, u32 size, i64 next-access index or -1), plain, zstd- or
 * gzip-compressed (by magic bytes, else a .zst or .gz name). Streams in 24 MiB chunks viewed
 * as Uint32Array, checking every next-access index as it goes (a later request within the
 * trace, or -1): the check that tells a trace from random bytes, at one compare per record.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { Decompress } from "fzstd";
import { UserError } from "../../spec/errors.js";
import { gunzipChunks } from "./gunzip.js";
import type { Batch, TraceSource } from "../trace.js";

export const RECORD_BYTES = 24;
const CHUNK = RECORD_BYTES * (1 << 20);

export function openFile(file: string): { fd: number; bytes: number } {
  try {
    const fd = openSync(file, "r");
    return { fd, bytes: fstatSync(fd).size };
  } catch (err) {
    throw new UserError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export type Compression = "zstd" | "gzip" | "none";

/** The file's compression: by its magic bytes (zstd 28 B5 2F FD, gzip 1F 8B), else by a .zst or .gz name. */
export function compression(file: string, fd: number): Compression {
  const magic = new Uint8Array(4);
  const got = readSync(fd, magic, 0, 4, 0);
  if (got === 4 && magic[0] === 0x28 && magic[1] === 0xb5 && magic[2] === 0x2f && magic[3] === 0xfd) return "zstd";
  if (got >= 2 && magic[0] === 0x1f && magic[1] === 0x8b) return "gzip";
  if (/\.zst$/i.test(file)) return "zstd";
  if (/\.gz$/i.test(file)) return "gzip";
  return "none";
}

export function isZstd(file: string, fd: number): boolean {
  return compression(file, fd) === "zstd";
}

/**
 * File bytes as a stream of chunks, decompressed when the file is zstd- or gzip-compressed;
 * each chunk is valid until the next is asked for.
 */
export function* fileChunks(file: string, progress?: (done: number, total: number) => void, chunk = CHUNK): Generator<Uint8Array> {
  const { fd, bytes } = openFile(file);
  const kind = compression(file, fd);
  if (kind === "gzip") {
    closeSync(fd);
    yield* gunzipChunks(file, bytes, progress);
    return;
  }
  try {
    const zstd = kind === "zstd";
    const buf = new Uint8Array(zstd ? 1 << 20 : chunk);
    const out: Uint8Array[] = [];
    const dec = zstd ? new Decompress((data) => void out.push(data)) : undefined;
    let pos = 0;
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, pos);
      pos += got;
      progress?.(pos, bytes);
      if (!dec) {
        if (got === 0) return;
        yield buf.subarray(0, got);
        continue;
      }
      try {
        dec.push(got === 0 ? new Uint8Array(0) : buf.slice(0, got), got === 0);
      } catch (err) {
        throw new UserError(`${file}: zstd-compressed: not a valid zstd stream (at compressed byte ${pos}): ${(err as Error).message}`);
      }
      while (out.length) yield out.shift()!;
      if (got === 0) return;
    }
  } finally {
    closeSync(fd);
  }
}

const TWO32 = 4294967296;

/**
 * Check the next-access indices of records [0, n) of `rec`, the requests first+1 .. first+n
 * (vtime, from 1): each must be -1 (or INT64_MAX, libCacheSim's other "never", rewritten to -1)
 * or a later request no further than `limit`. Updates `largest` (for a limit known only at the
 * end: compressed files), or throws naming the record.
 */
function checkNext(rec: Uint32Array, n: number, first: number, limit: number, largest: Largest, file: string, what: string): void {
  if (limit === Infinity) return checkNextTracking(rec, n, first, largest, file, what);
  for (let i = 0, k = 4, t = first + 1; i < n; i++, k += 6, t++) {
    const lo = rec[k]!;
    const hi = rec[k + 1]!;
    // The common records, tested without branches (a third less time than a branch per case):
    // a later index below 2^32 within the trace, or -1.
    const ok = (+(hi === 0) & +(lo > t) & +(lo <= limit)) | (+(hi === 0xffffffff) & +(lo === 0xffffffff));
    if (ok === 0) checkRare(rec, k, t, limit, file, what);
  }
}

/** Record at k (request t, from 1) whose index is not a plain one: INT64_MAX (rewritten to -1), an index of 2^32 or more, or an error. */
function checkRare(rec: Uint32Array, k: number, t: number, limit: number, file: string, what: string): void {
  const lo = rec[k]!;
  const hi = rec[k + 1]!;
  if (hi === 0x7fffffff && lo === 0xffffffff) {
    rec[k] = rec[k + 1] = 0xffffffff;
    return;
  }
  const v = hi * TWO32 + lo;
  if (hi < 0x80000000 && v > t && v <= limit) return;
  badNext(file, what, t - 1, BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)), limit);
}

/** checkNext where the limit is known only at the end (compressed files): the largest index is kept to check then. */
function checkNextTracking(rec: Uint32Array, n: number, first: number, largest: Largest, file: string, what: string): void {
  let big = largest.index;
  let bigAt = largest.at;
  for (let i = 0, k = 4, t = first + 1; i < n; i++, k += 6, t++) {
    const lo = rec[k]!;
    const hi = rec[k + 1]!;
    if (hi === 0xffffffff && lo === 0xffffffff) continue;
    checkRare(rec, k, t, Infinity, file, what);
    const v = rec[k + 1]! === 0xffffffff ? -1 : rec[k + 1]! * TWO32 + rec[k]!;
    if (v > big) {
      big = v;
      bigAt = t - 1;
    }
  }
  largest.index = big;
  largest.at = bigAt;
}

/** The largest next-access index seen and the record (from 0) that holds it. */
interface Largest {
  index: number;
  at: number;
}

function badNext(file: string, what: string, t: number, found: bigint | number, limit: number): never {
  const v = Number(found);
  const range = Number.isFinite(limit) ? `${t + 2}..${limit}` : `above ${t + 1}`;
  const why = v >= 0 && v <= t + 1 ? " (it points backwards): not an oracleGeneral trace?" : v > limit ? ` (beyond the trace's ${limit} requests): a head cut from a longer trace, or not an oracleGeneral trace?` : ": not an oracleGeneral trace?";
  throw new UserError(`${file}: ${what}record ${t + 1} (byte ${t * RECORD_BYTES}): next-access index: expected -1 or a later request ${range}, found ${found}${why}`);
}

export function oracleSource(file: string): TraceSource {
  return {
    file,
    format: "oracleGeneral",
    hasNext: true,
    *batches(progress, records) {
      const chunk = records ? RECORD_BYTES * records : CHUNK;
      const buf = new Uint8Array(chunk);
      const rec = new Uint32Array(buf.buffer);
      const batch: Batch = { rec, n: 0 };
      let fill = 0;
      let consumed = 0;
      const { fd, bytes } = openFile(file);
      const kind = compression(file, fd);
      // Plain files are checked whole before any work; compressed ones as they decompress.
      if (kind === "none" && bytes % RECORD_BYTES !== 0) {
        closeSync(fd);
        const at = bytes - (bytes % RECORD_BYTES);
        throw new UserError(`${file}: truncated oracleGeneral record at byte ${at}: the file size ${bytes} is not a multiple of the ${RECORD_BYTES}-byte record (${bytes % RECORD_BYTES} trailing bytes)`);
      }
      const what = kind === "none" ? "" : `${kind}-compressed: `;
      const limit = kind === "none" ? bytes / RECORD_BYTES : Infinity;
      const largest: Largest = { index: 0, at: 0 };
      const flush = function* (): Generator<Batch> {
        const n = Math.floor(fill / RECORD_BYTES);
        if (n === 0) return;
        checkNext(rec, n, consumed / RECORD_BYTES, limit, largest, file, what);
        batch.n = n;
        yield batch;
        consumed += n * RECORD_BYTES;
        buf.copyWithin(0, n * RECORD_BYTES, fill);
        fill -= n * RECORD_BYTES;
      };
      if (kind === "none") {
        // Plain file: read straight into the record buffer behind the carried-over partial record.
        try {
          for (let pos = 0; ; ) {
            const got = readSync(fd, buf, fill, chunk - fill, pos);
            if (got === 0) break;
            pos += got;
            fill += got;
            progress?.(pos, bytes);
            yield* flush();
          }
        } finally {
          closeSync(fd);
        }
      } else {
        closeSync(fd);
        for (const part of fileChunks(file, progress)) {
          for (let off = 0; off < part.length; ) {
            const take = Math.min(part.length - off, chunk - fill);
            buf.set(part.subarray(off, off + take), fill);
            fill += take;
            off += take;
            if (fill >= Math.min(chunk, RECORD_BYTES * 65536)) yield* flush();
          }
        }
      }
      yield* flush();
      if (fill > 0) {
        throw new UserError(`${file}: ${what}truncated oracleGeneral record at byte ${consumed}${what ? " of the decompressed data" : ""}: expected ${RECORD_BYTES}-byte records, found ${fill} trailing bytes (data length ${consumed + fill} is not a multiple of ${RECORD_BYTES})`);
      }
      const requests = consumed / RECORD_BYTES;
      if (largest.index > requests) badNext(file, what, largest.at, largest.index, requests);
    },
  };
}
