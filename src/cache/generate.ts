/**
 * Seeded, deterministic access-stream generators: Zipf over N keys; a DLRM-style mix of
 * embedding tables (own rows, Zipf exponent and share of lookups) with popularity drift; and
 * the lookups a DLRM workload file describes (its tables' pooling and index distribution).
 * Each is a TraceSource that regenerates the same stream on every pass.
 */
import { rng } from "../catalog/dlrm-presets.js";
import type { DlrmWorkload, IndexDistribution } from "../spec/workload.js";
import { UserError } from "../spec/errors.js";
import { ID_HI, ID_LO, NEXT_HI, NEXT_LO, SIZE, STRIDE, TIME, type Batch, type TraceSource } from "./trace.js";

const BATCH = 1 << 16;

/**
 * The most requests a generator makes: 2^31-1. Writing oracleGeneral holds every request's
 * next-access index in an Int32Array (8 GiB at the limit), and the u32 time field counts
 * requests; CSV output shares the limit so both formats can hold any generated trace.
 */
export const MAX_REQUESTS = 2 ** 31 - 1;

/** (a * b) mod m for a, b, m below 2^32 without losing precision. */
function mulmod(a: number, b: number, m: number): number {
  const hi = Math.floor(b / 65536);
  const lo = b % 65536;
  return (((a * hi) % m) * 65536 + a * lo) % m;
}

/**
 * A row drawn from a bounded continuous Zipf over ranks, scattered over the table as
 * (rank * 2654435761) mod rows: the workload format's definition (docs/workload-format.md).
 */
export function zipfSampler(rows: number, dist: IndexDistribution, random: () => number): () => number {
  if (dist.kind === "uniform") return () => Math.floor(random() * rows);
  const a = dist.alpha;
  const e = 1 - a;
  const span = rows ** e - 1;
  const logRows = Math.log(rows);
  const scatter = 2654435761 % rows;
  return () => {
    const u = random();
    const x = Math.abs(e) < 1e-9 ? Math.exp(u * logRows) : (span * u + 1) ** (1 / e);
    const rank = Math.min(rows - 1, Math.max(0, Math.floor(x) - 1));
    return mulmod(rank, scatter, rows);
  };
}

/** Emit `requests` records from `next(rec, at)` in batches; time = request index. */
function source(description: string, requests: number, fill: (rec: Uint32Array, at: number) => void, what = "--requests: expected"): TraceSource {
  if (!(Number.isInteger(requests) && requests >= 1 && requests <= MAX_REQUESTS)) {
    throw new UserError(`${what} 1 to 2^31-1 (${MAX_REQUESTS.toLocaleString("en-US")}) requests, found ${requests}`);
  }
  return {
    file: description,
    format: "generated",
    hasNext: false,
    *batches(progress) {
      const rec = new Uint32Array(BATCH * STRIDE);
      const batch: Batch = { rec, n: 0 };
      for (let done = 0; done < requests; ) {
        const n = Math.min(BATCH, requests - done);
        for (let i = 0, b = 0; i < n; i++, b += STRIDE) {
          fill(rec, b);
          rec[b + TIME] = (done + i) >>> 0;
          rec[b + NEXT_LO] = 0xffffffff;
          rec[b + NEXT_HI] = 0xffffffff;
        }
        batch.n = n;
        done += n;
        progress?.(done, requests);
        yield batch;
      }
    },
  };
}

export interface ZipfOptions {
  keys: number;
  alpha: number;
  requests: number;
  seed: number;
  /** object size in bytes (every object the same) */
  objectSize?: number;
}

/** Zipf(alpha) over `keys` keys, ids scattered over [0, keys). */
export function zipfTrace(o: ZipfOptions): TraceSource {
  if (!(o.keys >= 1 && o.keys < 2 ** 32)) throw new UserError(`--keys: expected 1 to 2^32-1 keys, found ${o.keys}`);
  let draw: () => number = () => 0;
  const size = o.objectSize ?? 4096;
  const s = source(`zipf(${o.keys} keys, alpha ${o.alpha}, seed ${o.seed})`, o.requests, (rec, b) => {
    rec[b + ID_LO] = draw();
    rec[b + ID_HI] = 0;
    rec[b + SIZE] = size;
  });
  return withReset(s, () => (draw = zipfSampler(o.keys, { kind: "zipf", alpha: o.alpha }, rng(o.seed))));
}

export interface MixTable {
  rows: number;
  alpha: number;
  /** share of lookups (normalised over the tables) */
  weight: number;
}

export interface MixOptions {
  tables: MixTable[];
  requests: number;
  seed: number;
  /** bytes per row (every row the same) */
  rowBytes?: number;
  /** every `driftEvery` requests the hot rows move: the rank-to-row map shifts by `driftRows` */
  driftEvery?: number;
  driftRows?: number;
  /** where the table number sits in the 64-bit id: id = table * 2^tableShift + row (32 to 63; default 32) */
  tableShift?: number;
}

/**
 * A DLRM-style mix: each request picks a table by weight, then a row by its Zipf; id = table *
 * 2^tableShift + row (table << 32 | row by default; 48 puts the table in the top 16 bits, as
 * ids that pack a feature number above a 48-bit row do).
 */
export function dlrmMixTrace(o: MixOptions): TraceSource {
  if (o.tables.length === 0) throw new UserError("--tables: expected at least one table (rows:alpha:weight)");
  const shift = o.tableShift ?? 32;
  if (!(Number.isInteger(shift) && shift >= 32 && shift <= 63)) throw new UserError(`--table-shift: expected an integer from 32 to 63 (rows are 32-bit, ids 64-bit), found ${shift}`);
  if (o.tables.length > 2 ** (64 - shift)) throw new UserError(`--table-shift ${shift}: leaves ${64 - shift} bits for the table number, too few for ${o.tables.length} tables`);
  const hiPerTable = 2 ** (shift - 32);
  const total = o.tables.reduce((a, t) => a + t.weight, 0);
  const cum = o.tables.map((_, i) => o.tables.slice(0, i + 1).reduce((a, t) => a + t.weight, 0) / total);
  const size = o.rowBytes ?? 128;
  let random: () => number = Math.random;
  let rows: (() => number)[] = [];
  let done = 0;
  const s = source(`dlrm mix (${o.tables.length} tables, seed ${o.seed})`, o.requests, (rec, b) => {
    const u = random();
    let t = 0;
    while (t < cum.length - 1 && u >= cum[t]!) t++;
    const table = o.tables[t]!;
    // Drift: popularity slides over the rows as time passes.
    const shift = o.driftEvery ? Math.floor(done / o.driftEvery) * (o.driftRows ?? Math.max(1, Math.floor(table.rows / 100))) : 0;
    rec[b + ID_LO] = (rows[t]!() + shift) % table.rows;
    rec[b + ID_HI] = t * hiPerTable;
    rec[b + SIZE] = size;
    done++;
  });
  return withReset(s, () => {
    random = rng(o.seed);
    rows = o.tables.map((tb) => zipfSampler(tb.rows, { kind: "zipf", alpha: tb.alpha }, random));
    done = 0;
  });
}

export interface WorkloadTraceOptions {
  /** training steps (batches) to emit */
  steps: number;
  seed: number;
}

/**
 * The embedding lookups of a DLRM workload: per step, per table, batchSize x pooling rows from
 * the model's index distribution, in that order (as an embedding-bag kernel reads them);
 * id = (table, row), size = the row's bytes (dim x 4).
 */
export function workloadTrace(w: DlrmWorkload, o: WorkloadTraceOptions): TraceSource {
  const m = w.model;
  const perStep = m.tables.reduce((a, t) => a + w.training.batchSize * Math.round(t.pooling), 0);
  let random: () => number = Math.random;
  let rows: (() => number)[] = [];
  let table = 0;
  let left = 0;
  const what = `--steps: ${o.steps} steps of ${perStep.toLocaleString("en-US")} lookups (at most ${Math.max(1, Math.floor(MAX_REQUESTS / Math.max(1, perStep))).toLocaleString("en-US")} steps): expected`;
  const s = source(`${w.name} (${o.steps} steps, seed ${o.seed})`, perStep * o.steps, (rec, b) => {
    while (left === 0) {
      table = (table + 1) % m.tables.length;
      left = w.training.batchSize * Math.round(m.tables[table]!.pooling);
    }
    left--;
    rec[b + ID_LO] = rows[table]!();
    rec[b + ID_HI] = table;
    rec[b + SIZE] = (m.tables[table]!.dim ?? m.embeddingDim) * 4;
  }, what);
  return withReset(s, () => {
    random = rng(o.seed);
    rows = m.tables.map((t) => zipfSampler(t.rows, m.indexDistribution, random));
    table = -1;
    left = 0;
  });
}

/** Re-seed a generator's state at the start of every pass so each pass yields the same stream. */
function withReset(s: TraceSource, reset: () => void): TraceSource {
  const batches = s.batches.bind(s);
  return {
    ...s,
    *batches(progress) {
      reset();
      yield* batches(progress);
    },
  };
}
