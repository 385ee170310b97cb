/**
 * How each table is accessed: lookups per step and the steady-state hit ratio of a cache of any
 * size in front of it, either analytic from the workload's index distribution (tier/curves.ts,
 * independent reference model) or exact from a user's access trace (`table,row` CSV or
 * oracleGeneral with the table in the id's high half): one pass computes every table's LRU
 * stack distances, so each table's LRU miss-ratio curve holds for every size at once.
 */
import { curve, ExactHistogram } from "../cache/histogram.js";
import { IdMap } from "../cache/id-map.js";
import { UnitLruStack } from "../cache/stack.js";
import { simulate } from "../cache/simulate.js";
import { ID_HI, STRIDE, type Batch, type TraceSource } from "../cache/trace.js";
import type { CachePolicy, DlrmWorkload } from "../spec/workload.js";
import { UserError } from "../spec/errors.js";
import { tableCurve } from "./curves.js";

export interface TableAccess {
  table: number;
  rows: number;
  /** Lookups per step over the whole job (batch x pooling). */
  lookupsPerStep: number;
  /** Steady-state share of lookups a cache of `cacheRows` rows serves. */
  hitRatio(cacheRows: number, policy: CachePolicy): number;
  source: "analytic" | "trace";
}

/** Analytic access of every table: i.i.d. lookups from the workload's index distribution. */
export function analyticAccess(w: DlrmWorkload, batch = w.training.batchSize): TableAccess[] {
  return w.model.tables.map((t, table) => {
    const c = tableCurve(w.model.indexDistribution, t.rows);
    return { table, rows: t.rows, lookupsPerStep: batch * t.pooling, source: "analytic", hitRatio: (rows, policy) => (rows >= t.rows ? 1 : rows <= 0 ? 0 : c.hitRatio(rows, policy)) };
  });
}

/** The records of one table (the id's high half) of a trace, as a trace of its own. */
export function tableSource(source: TraceSource, table: number): TraceSource {
  return {
    file: `${source.file} (table ${table})`,
    format: source.format,
    hasNext: false,
    *batches(progress) {
      const out = new Uint32Array((1 << 16) * STRIDE);
      const batch: Batch = { rec: out, n: 0 };
      for (const b of source.batches(progress)) {
        for (let i = 0; i < b.n; i++) {
          if (b.rec[i * STRIDE + ID_HI] !== table) continue;
          out.set(b.rec.subarray(i * STRIDE, (i + 1) * STRIDE), batch.n * STRIDE);
          if (++batch.n === 1 << 16) {
            yield batch;
            batch.n = 0;
          }
        }
      }
      if (batch.n > 0) yield batch;
    },
  };
}

/**
 * Exact access from a trace: LRU hit ratios from each table's stack-distance histogram (cold
 * misses included, as a simulation of the same trace counts them); other policies by exact
 * simulation of that table's stream at the size asked (memoised).
 */
export function traceAccess(w: DlrmWorkload, source: TraceSource, batch = w.training.batchSize): TableAccess[] {
  const T = w.model.tables.length;
  const ids = new IdMap();
  const local = { map: new Int32Array(1 << 16).fill(-1) };
  const perTable = Array.from({ length: T }, () => ({ stack: new UnitLruStack(), hist: new ExactHistogram(), requests: 0, objects: 0 }));
  let batchIds = new Int32Array(0);
  for (const b of source.batches()) {
    if (batchIds.length < b.n) batchIds = new Int32Array(b.n);
    ids.mapRecords(b.rec, b.n, batchIds);
    if (ids.size > local.map.length) {
      const m = new Int32Array(Math.max(ids.size, local.map.length * 2)).fill(-1);
      m.set(local.map);
      local.map = m;
    }
    for (let i = 0; i < b.n; i++) {
      const table = b.rec[i * STRIDE + ID_HI]!;
      if (table >= T) throw new UserError(`${source.file}: request ${i} names table ${table}; the workload has ${T} tables (0-${T - 1})`);
      const p = perTable[table]!;
      const g = batchIds[i]!;
      let id = local.map[g]!;
      if (id < 0) id = local.map[g] = p.objects++;
      const d = p.stack.access(id, p.objects);
      if (d >= 0) p.hist.add(d);
      p.requests++;
    }
  }
  return w.model.tables.map((t, table) => {
    const p = perTable[table]!;
    if (p.requests === 0) throw new UserError(`${source.file}: no accesses of table ${table}; the trace must cover every table of the workload`);
    const lru = curve(p.requests, p.hist);
    const memo = new Map<string, number>();
    const hitRatio = (rows: number, policy: CachePolicy): number => {
      if (rows <= 0) return 0;
      if (rows >= t.rows) return 1;
      const size = Math.floor(rows);
      if (policy === "lru") return 1 - lru([size])[0]!.missRatio;
      const key = `${policy}:${size}`;
      let h = memo.get(key);
      if (h === undefined) {
        h = 1 - simulate(tableSource(source, table), [{ policy, size }])[0]!.missRatio;
        memo.set(key, h);
      }
      return h;
    };
    return { table, rows: t.rows, lookupsPerStep: batch * t.pooling, source: "trace" as const, hitRatio };
  });
}
