/**
 * A trace's requests as dense ids, batch by batch: mapped in this thread, or read and mapped by
 * a second thread while this one runs the policies (a pipeline: the wall time of a simulation is
 * then the longer of the two halves, not their sum). The two threads share a ring of SLOTS
 * batches in SharedArrayBuffers and wait on each other with Atomics, so the consumer stays a
 * plain synchronous generator. Both give the same batches in the same order: the worker runs
 * the same reader and IdMap (src/cache/map-worker.ts).
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from "node:worker_threads";
import { startWorker } from "../io/worker-entry.js";
import { UserError } from "../spec/errors.js";
import { IdMap } from "./id-map.js";
import type { CsvColumns } from "./readers/text.js";
import { STRIDE, type TraceFormat, type TraceSource } from "./trace.js";

export interface MappedBatch {
  /** dense ids of requests 0..n-1 */
  ids: Int32Array;
  /** their records (empty when the worker was told they are not needed) */
  rec: Uint32Array;
  n: number;
  /** distinct ids seen so far, this batch included */
  nIds: number;
}

/** How a file trace can be opened again in another thread: plain data. */
export interface TraceOrigin {
  file: string;
  format: TraceFormat;
  columns: CsvColumns;
}

type Progress = (done: number, total: number) => void;

/** Map each batch of `source` in this thread. */
export function* mapHere(source: TraceSource, batch: number, progress?: Progress): Generator<MappedBatch> {
  const map = new IdMap();
  const out: MappedBatch = { ids: new Int32Array(0), rec: new Uint32Array(0), n: 0, nIds: 0 };
  for (const b of source.batches(progress, batch)) {
    if (out.ids.length < b.n) out.ids = new Int32Array(b.n);
    map.mapRecords(b.rec, b.n, out.ids);
    out.rec = b.rec;
    out.n = b.n;
    out.nIds = map.size;
    yield out;
  }
}

/** Batches in the ring: enough that neither thread waits on the other's jitter. */
export const SLOTS = 4;
/** Control words (Int32 indices): batches produced, batches consumed, state, events (bumped on every produce and on the end), started (1 once the thread runs). */
export const PRODUCED = 0;
export const CONSUMED = 1;
export const STATE = 2;
export const EVENTS = 3;
export const STARTED = 4;
/** A thread that has not started by then never will (its module failed to load: its error event cannot reach a thread blocked in a wait). */
const START_LIMIT_MS = 60_000;
export const RUNNING = 0;
export const DONE = 1;
export const FAILED = 2;
/** Set by the consumer when it stops early: the producer leaves at its next wait. */
export const ABANDONED = 3;

/** What the worker is given (workerData): the trace's origin and the shared memory. */
export interface MapWorkerData {
  origin: TraceOrigin;
  batch: number;
  withRecords: boolean;
  /** Int32: the control words */
  control: SharedArrayBuffer;
  /** Int32 per slot: n, nIds */
  meta: SharedArrayBuffer;
  /** Float64: progress done, total */
  progress: SharedArrayBuffer;
  /** SLOTS x batch Int32 ids */
  ids: SharedArrayBuffer;
  /** SLOTS x batch x STRIDE Uint32 records, or 0 bytes */
  rec: SharedArrayBuffer;
}

/** What the worker posts when it fails: a UserError's message, or another error's stack. */
export interface MapWorkerFailure {
  user: boolean;
  message: string;
}

/**
 * Read and map `origin` in a worker thread; this thread receives the batches. `withRecords`:
 * copy each batch's records too (byte sizes, next-access indices, raw ids); without it only the
 * ids cross. Errors in the worker (a bad record) are thrown here, as the in-thread reader throws them.
 */
export function mapInWorker(origin: TraceOrigin, batch: number, withRecords: boolean, progress?: Progress): Generator<MappedBatch> {
  const sab = (bytes: number) => new SharedArrayBuffer(bytes);
  const data: MapWorkerData = {
    origin, batch, withRecords,
    control: sab(4 * 5), meta: sab(4 * 2 * SLOTS), progress: sab(8 * 2),
    ids: sab(4 * SLOTS * batch), rec: sab(withRecords ? 4 * SLOTS * batch * STRIDE : 0),
  };
  const { port1, port2 } = new MessageChannel();
  const worker = startWorker(new URL("./map-worker", import.meta.url), { workerData: { ...data, port: port2 }, transferList: [port2] });
  worker.unref();
  return receive(worker, port1, data, progress);
}

/** The consumer's side of the ring: each produced slot in turn, until the producer is done or fails. */
function* receive(worker: Worker, port: MessagePort, data: MapWorkerData, progress?: Progress): Generator<MappedBatch> {
  const { batch, withRecords } = data;
  const control = new Int32Array(data.control);
  const meta = new Int32Array(data.meta);
  const done = new Float64Array(data.progress);
  const out: MappedBatch = { ids: new Int32Array(0), rec: new Uint32Array(0), n: 0, nIds: 0 };
  let consumed = 0;
  const since = performance.now();
  try {
    for (;;) {
      const events = Atomics.load(control, EVENTS);
      if (Atomics.load(control, PRODUCED) > consumed) {
        const slot = consumed % SLOTS;
        out.n = meta[2 * slot]!;
        out.nIds = meta[2 * slot + 1]!;
        out.ids = new Int32Array(data.ids, 4 * slot * batch, out.n);
        if (withRecords) out.rec = new Uint32Array(data.rec, 4 * slot * batch * STRIDE, out.n * STRIDE);
        progress?.(done[0]!, done[1]!);
        yield out;
        Atomics.store(control, CONSUMED, ++consumed);
        Atomics.notify(control, CONSUMED);
        continue;
      }
      const state = Atomics.load(control, STATE);
      if (state === DONE) return;
      if (state === FAILED) throw failure(receiveMessageOnPort(port)?.message);
      // Wakes on the next produce or the end; the timeout only lets a thread that died be noticed.
      if (Atomics.wait(control, EVENTS, events, 1000) === "timed-out") {
        const posted = receiveMessageOnPort(port);
        if (posted) throw failure(posted.message);
        if (Atomics.load(control, STARTED) === 0 && performance.now() - since > START_LIMIT_MS) throw new Error(`the trace-mapping thread did not start in ${START_LIMIT_MS / 1000} s`);
      }
    }
  } finally {
    Atomics.store(control, STATE, Math.max(Atomics.load(control, STATE), ABANDONED));
    Atomics.add(control, CONSUMED, SLOTS);
    Atomics.notify(control, CONSUMED);
    port.close();
    void worker.terminate();
  }
}

function failure(posted: unknown): Error {
  const got = posted as MapWorkerFailure | undefined;
  if (!got) return new Error("the trace-mapping thread failed without saying why");
  return got.user ? new UserError(got.message) : new Error(got.message);
}
