/**
 * The block view of a row trace: rows of `rowBytes` packed into blocks of `blockBytes` (4 KiB
 * by default), per table (the id's high half), give the block-level trace a device such as an
 * SSD serves. Every row access reads the block(s) it lies in; read amplification is the bytes
 * of blocks read over the bytes of rows asked for.
 */
import { UserError } from "../spec/errors.js";
import { ID_HI, ID_LO, NEXT_HI, NEXT_LO, SIZE, STRIDE, TIME, type Batch, type TraceSource } from "./trace.js";

export interface BlockOptions {
  /** bytes per row; default: each request's size field */
  rowBytes?: number;
  blockBytes?: number;
}

export interface BlockCounter {
  rowRequests: number;
  rowBytes: number;
  blockRequests: number;
  blockBytes: number;
}

export function readAmplification(c: BlockCounter): number {
  return c.rowBytes === 0 ? 0 : c.blockBytes / c.rowBytes;
}

/** A source of block requests (size = block bytes) built from a source of row requests. */
export function blockSource(rows: TraceSource, o: BlockOptions = {}, counter?: BlockCounter): TraceSource {
  const blockBytes = o.blockBytes ?? 4096;
  if (!(blockBytes >= 1)) throw new UserError(`--block-bytes: expected a positive number of bytes, found ${blockBytes}`);
  return {
    file: `${rows.file} (blocks of ${blockBytes} B)`,
    format: rows.format,
    hasNext: false,
    *batches(progress) {
      const out = new Uint32Array((1 << 16) * STRIDE);
      const batch: Batch = { rec: out, n: 0 };
      if (counter) Object.assign(counter, { rowRequests: 0, rowBytes: 0, blockRequests: 0, blockBytes: 0 });
      for (const b of rows.batches(progress)) {
        const rec = b.rec;
        for (let i = 0, k = 0; i < b.n; i++, k += STRIDE) {
          const size = o.rowBytes ?? rec[k + SIZE]!;
          const first = Math.floor((rec[k + ID_LO]! * size) / blockBytes);
          const last = Math.floor((rec[k + ID_LO]! * size + Math.max(size, 1) - 1) / blockBytes);
          if (counter) {
            counter.rowRequests++;
            counter.rowBytes += size;
            counter.blockRequests += last - first + 1;
            counter.blockBytes += (last - first + 1) * blockBytes;
          }
          for (let blk = first; blk <= last; blk++) {
            const j = batch.n * STRIDE;
            out[j + TIME] = rec[k + TIME]!;
            out[j + ID_LO] = blk % 4294967296;
            // Block numbers above 2^32 go to the high bits, above the table index (below 2^16 in practice).
            out[j + ID_HI] = (rec[k + ID_HI]! + Math.floor(blk / 4294967296) * 65536) >>> 0;
            out[j + SIZE] = blockBytes;
            out[j + NEXT_LO] = 0xffffffff;
            out[j + NEXT_HI] = 0xffffffff;
            if (++batch.n === 1 << 16) {
              yield batch;
              batch.n = 0;
            }
          }
        }
      }
      if (batch.n > 0) yield batch;
    },
  };
}
