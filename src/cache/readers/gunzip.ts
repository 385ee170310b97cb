/**
 * Streaming gunzip for the synchronous trace readers. node:zlib only streams asynchronously,
 * and the readers are synchronous generators (one tight loop, no promise per chunk), so a
 * worker thread runs fs.createReadStream -> zlib.createGunzip and hands the output over in a
 * SharedArrayBuffer slot; the reading thread blocks on Atomics.wait until a piece is there.
 * Memory: one 1 MiB slot and one 1 MiB copy, whatever the file size.
 */
import { Worker } from "node:worker_threads";
import { UserError } from "../../spec/errors.js";

const SLOT = 1 << 20;
// ctrl (Int32Array at 0): [state, length]; f64 at 8: compressed bytes read; data from 16.
const EMPTY = 0;
const FULL = 1;
const END = 2;
const FAILED = 3;
const CANCEL = 4;

const WORKER = `
const { workerData } = require("node:worker_threads");
const { createReadStream } = require("node:fs");
const { createGunzip } = require("node:zlib");
const { file, sab } = workerData;
const ctrl = new Int32Array(sab, 0, 2);
const read = new Float64Array(sab, 8, 1);
const data = new Uint8Array(sab, 16);
const post = (state, bytes) => {
  while (Atomics.load(ctrl, 0) === ${FULL}) Atomics.wait(ctrl, 0, ${FULL});
  if (Atomics.load(ctrl, 0) === ${CANCEL}) return false;
  data.set(bytes);
  ctrl[1] = bytes.length;
  Atomics.store(ctrl, 0, state);
  Atomics.notify(ctrl, 0);
  return true;
};
(async () => {
  const src = createReadStream(file, { highWaterMark: ${SLOT} });
  const gz = createGunzip({ chunkSize: ${SLOT} });
  src.on("error", (e) => gz.destroy(e));
  src.pipe(gz);
  try {
    for await (const chunk of gz) {
      read[0] = src.bytesRead;
      for (let off = 0; off < chunk.length; off += ${SLOT}) {
        if (!post(${FULL}, chunk.subarray(off, off + ${SLOT}))) return src.destroy();
      }
    }
    read[0] = src.bytesRead;
    post(${END}, new Uint8Array(0));
  } catch (err) {
    src.destroy();
    post(${FAILED}, new TextEncoder().encode(String(err && err.message || err)).subarray(0, ${SLOT}));
  }
})();
`;

/**
 * The decompressed bytes of a gzip file (one or more members) in pieces of up to 1 MiB; each
 * piece is valid until the next is asked for. `progress(done, total)` in compressed bytes.
 */
export function* gunzipChunks(file: string, total: number, progress?: (done: number, total: number) => void): Generator<Uint8Array> {
  const sab = new SharedArrayBuffer(16 + SLOT);
  const ctrl = new Int32Array(sab, 0, 2);
  const read = new Float64Array(sab, 8, 1);
  const data = new Uint8Array(sab, 16);
  const out = new Uint8Array(SLOT);
  const worker = new Worker(WORKER, { eval: true, workerData: { file, sab } });
  worker.unref();
  try {
    for (;;) {
      while (Atomics.load(ctrl, 0) === EMPTY) Atomics.wait(ctrl, 0, EMPTY, 1000);
      const state = Atomics.load(ctrl, 0);
      const n = ctrl[1]!;
      if (state === FAILED) {
        const msg = new TextDecoder().decode(data.slice(0, n));
        throw new UserError(`${file}: gzip-compressed: not a valid gzip stream (after ${read[0]} compressed bytes): ${msg}`);
      }
      progress?.(read[0]!, total);
      if (state === END) return;
      out.set(data.subarray(0, n));
      Atomics.store(ctrl, 0, EMPTY);
      Atomics.notify(ctrl, 0);
      yield out.subarray(0, n);
    }
  } finally {
    Atomics.store(ctrl, 0, CANCEL);
    Atomics.notify(ctrl, 0);
    void worker.terminate();
  }
}
