/** A trace held in arrays (ids below 2^53, optional sizes), for callers that build streams in memory. */
import { ID_HI, ID_LO, NEXT_HI, NEXT_LO, SIZE, STRIDE, TIME, type Batch, type TraceSource } from "./trace.js";

export function arraySource(ids: ArrayLike<number>, sizes?: ArrayLike<number>, batchSize = 4096): TraceSource {
  return {
    file: "(in memory)",
    format: "generated",
    hasNext: false,
    *batches() {
      const rec = new Uint32Array(batchSize * STRIDE);
      const batch: Batch = { rec, n: 0 };
      for (let i = 0; i < ids.length; i++) {
        const b = batch.n * STRIDE;
        const id = ids[i]!;
        rec[b + TIME] = i;
        rec[b + ID_LO] = id % 4294967296;
        rec[b + ID_HI] = Math.floor(id / 4294967296);
        rec[b + SIZE] = sizes ? sizes[i]! : 1;
        rec[b + NEXT_LO] = 0xffffffff;
        rec[b + NEXT_HI] = 0xffffffff;
        if (++batch.n === batchSize) {
          yield batch;
          batch.n = 0;
        }
      }
      if (batch.n > 0) yield batch;
    },
  };
}
