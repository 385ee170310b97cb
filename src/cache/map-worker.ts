/**
 * The trace-mapping thread of src/cache/mapped.ts: reads the trace, maps each batch's ids into
 * the next free slot of the shared ring (copying the records too when asked), and waits while
 * the ring is full. A failure is posted as a message and marked in the control words.
 */
import { workerData, type MessagePort } from "node:worker_threads";
import { UserError } from "../spec/errors.js";
import { IdMap } from "./id-map.js";
import { CONSUMED, DONE, EVENTS, FAILED, PRODUCED, RUNNING, SLOTS, STARTED, STATE, type MapWorkerData, type MapWorkerFailure } from "./mapped.js";
import { openTrace } from "./open.js";
import { STRIDE } from "./trace.js";

const data = workerData as MapWorkerData & { port: MessagePort };
const control = new Int32Array(data.control);
const meta = new Int32Array(data.meta);
const progress = new Float64Array(data.progress);
const batch = data.batch;
Atomics.store(control, STARTED, 1);

function produce(): void {
  const map = new IdMap();
  const source = openTrace(data.origin.file, data.origin.format, data.origin.columns);
  let produced = 0;
  const record = (done: number, total: number) => {
    progress[0] = done;
    progress[1] = total;
  };
  for (const b of source.batches(record, batch)) {
    // A reader may hand over more than `batch` records: they go in slot-sized parts.
    for (let from = 0; from < b.n; from += batch) {
      const n = Math.min(batch, b.n - from);
      for (;;) {
        const consumed = Atomics.load(control, CONSUMED);
        if (Atomics.load(control, STATE) !== RUNNING) return;
        if (produced - consumed < SLOTS) break;
        Atomics.wait(control, CONSUMED, consumed);
      }
      const slot = produced % SLOTS;
      const rec = b.rec.subarray(from * STRIDE, (from + n) * STRIDE);
      map.mapRecords(rec, n, new Int32Array(data.ids, 4 * slot * batch, n));
      if (data.withRecords) new Uint32Array(data.rec, 4 * slot * batch * STRIDE, n * STRIDE).set(rec);
      meta[2 * slot] = n;
      meta[2 * slot + 1] = map.size;
      Atomics.store(control, PRODUCED, ++produced);
      signal();
    }
  }
  Atomics.compareExchange(control, STATE, RUNNING, DONE);
  signal();
}

function signal(): void {
  Atomics.add(control, EVENTS, 1);
  Atomics.notify(control, EVENTS);
}

try {
  produce();
} catch (err) {
  const failure: MapWorkerFailure = err instanceof UserError ? { user: true, message: err.message } : { user: false, message: (err as Error).stack ?? String(err) };
  data.port.postMessage(failure);
  Atomics.compareExchange(control, STATE, RUNNING, FAILED);
  signal();
} finally {
  data.port.close();
}
