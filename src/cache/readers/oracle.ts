/**
 * libCacheSim's oracleGeneral binary trace: packed 24-byte little-endian records
 * (u32 time, u64 object id, u32 size, i64 next-access index or -1), plain or zstd-compressed
 * (magic 28 B5 2F FD or a .zst name). Streams in 24 MiB chunks viewed as Uint32Array.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { Decompress } from "fzstd";
import { UserError } from "../../spec/errors.js";
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

export function isZstd(file: string, fd: number): boolean {
  if (/\.zst$/i.test(file)) return true;
  const magic = new Uint8Array(4);
  return readSync(fd, magic, 0, 4, 0) === 4 && magic[0] === 0x28 && magic[1] === 0xb5 && magic[2] === 0x2f && magic[3] === 0xfd;
}

/** File bytes as a stream of chunks, zstd-decompressed when the file is compressed. */
export function* fileChunks(file: string, progress?: (done: number, total: number) => void, chunk = CHUNK): Generator<Uint8Array> {
  const { fd, bytes } = openFile(file);
  try {
    const zstd = isZstd(file, fd);
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
        throw new UserError(`${file}: not a valid zstd stream (at compressed byte ${pos}): ${(err as Error).message}`);
      }
      while (out.length) yield out.shift()!;
      if (got === 0) return;
    }
  } finally {
    closeSync(fd);
  }
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
      const flush = function* (): Generator<Batch> {
        const n = Math.floor(fill / RECORD_BYTES);
        if (n === 0) return;
        batch.n = n;
        yield batch;
        consumed += n * RECORD_BYTES;
        buf.copyWithin(0, n * RECORD_BYTES, fill);
        fill -= n * RECORD_BYTES;
      };
      const { fd, bytes } = openFile(file);
      if (!isZstd(file, fd)) {
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
        throw new UserError(`${file}: truncated oracleGeneral record at byte ${consumed}: expected ${RECORD_BYTES}-byte records, found ${fill} trailing bytes (data length ${consumed + fill} is not a multiple of ${RECORD_BYTES})`);
      }
    },
  };
}

