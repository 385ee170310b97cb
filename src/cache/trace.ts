/**
 * The in-memory shape every trace reader produces: batches of requests in the oracleGeneral
 * record layout (6 u32 per request: time, id lo, id hi, size, next-access lo, next-access hi),
 * so policies, curves and writers read one layout whatever the file format was.
 */
import type { TraceOrigin } from "./mapped.js";

export const STRIDE = 6;
export const TIME = 0;
export const ID_LO = 1;
export const ID_HI = 2;
export const SIZE = 3;
export const NEXT_LO = 4;
export const NEXT_HI = 5;

export const FORMATS = ["oracleGeneral", "csv", "txt", "embedding-csv"] as const;
export type TraceFormat = (typeof FORMATS)[number];

export interface Batch {
  /** records, STRIDE u32 each; only the first n are valid; reused by the next batch */
  rec: Uint32Array;
  n: number;
}

export interface TraceSource {
  /** the file, or a description of a generated stream (for messages) */
  file: string;
  format: TraceFormat | "generated";
  /** whether records carry next-access indices (oracleGeneral) */
  hasNext: boolean;
  /** a file trace: how to open it again in another thread (src/cache/mapped.ts) */
  origin?: TraceOrigin;
  /**
   * Stream the requests (again from the start on every call); `progress(done, total)` in bytes
   * read, or requests generated; `records`: preferred batch size, where the reader can choose.
   */
  batches(progress?: (done: number, total: number) => void, records?: number): Generator<Batch>;
}

/** Next-access index of record i as a number (Infinity for -1 or any negative value). */
export function nextAccess(rec: Uint32Array, i: number): number {
  const hi = rec[i * STRIDE + NEXT_HI]!;
  if (hi >= 0x80000000) return Infinity;
  return hi * 4294967296 + rec[i * STRIDE + NEXT_LO]!;
}
