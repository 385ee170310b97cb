/**
 * A trace with its ids renumbered 0, 1, 2, ... in order of first appearance (time, size and
 * next-access indices kept), for `strata cache convert --dense`: simulating the written file
 * needs no id table at all (IdMap's identity mode), and every policy gives the same results,
 * since they depend only on which requests share an id.
 */
import { IdMap } from "./id-map.js";
import { ID_HI, ID_LO, STRIDE, type TraceSource } from "./trace.js";

export interface DenseTrace {
  source: TraceSource;
  /** distinct ids of the last pass */
  objects(): number;
}

export function denseSource(src: TraceSource): DenseTrace {
  let ids = new IdMap();
  const source: TraceSource = {
    ...src,
    // Its ids are not the file's: it cannot be reopened elsewhere.
    origin: undefined,
    *batches(progress, records) {
      ids = new IdMap();
      let dense = new Int32Array(0);
      for (const b of src.batches(progress, records)) {
        if (dense.length < b.n) dense = new Int32Array(b.n);
        ids.mapRecords(b.rec, b.n, dense);
        for (let i = 0, k = 0; i < b.n; i++, k += STRIDE) {
          b.rec[k + ID_LO] = dense[i]!;
          b.rec[k + ID_HI] = 0;
        }
        yield b;
      }
    },
  };
  return { source, objects: () => ids.size };
}
