/**
 * Text traces, streamed line by line: CSV with chosen columns (id, time, size; header or not),
 * one id per line (txt), and embedding accesses as `table,row` pairs (embedding-csv).
 * Numeric ids up to 2^64-1 keep their value; other ids are hashed to 64 bits.
 */
import { UserError } from "../../spec/errors.js";
import { ID_HI, ID_LO, NEXT_HI, NEXT_LO, SIZE, STRIDE, TIME, type Batch, type TraceFormat, type TraceSource } from "../trace.js";
import { fileChunks } from "./oracle.js";

export interface CsvColumns {
  /** 1-based column number or header name */
  id?: string | number;
  time?: string | number;
  size?: string | number;
  /** true: first line is a header; false: none; undefined: detect (a non-numeric id field) */
  header?: boolean;
  delimiter?: string;
}

const BATCH = 1 << 16;
const TWO32 = 4294967296;
const KNOWN_ID_NAMES = ["id", "obj_id", "object_id", "key", "lbn", "lba", "row"];

/** Split a numeric or string id into u32 halves; returns false if `s` is empty. */
export function parseId(s: string, out: Uint32Array, at: number): boolean {
  if (s.length === 0) return false;
  if (s.length <= 15 && /^\d+$/.test(s)) {
    const n = Number(s);
    out[at] = n % TWO32;
    out[at + 1] = Math.floor(n / TWO32);
    return true;
  }
  if (/^\d+$/.test(s) && s.length <= 20) {
    const n = BigInt(s);
    if (n < 1n << 64n) {
      out[at] = Number(n & 0xffffffffn);
      out[at + 1] = Number(n >> 32n);
      return true;
    }
  }
  // FNV-1a twice with different offsets: a 64-bit name for a non-numeric id.
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  out[at] = a >>> 0;
  out[at + 1] = b >>> 0;
  return true;
}

/** Lines of a (possibly zstd-compressed) text file, with 1-based line numbers. */
function* lines(file: string, progress?: (done: number, total: number) => void): Generator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: false });
  let rest = "";
  for (const chunk of fileChunks(file, progress, 1 << 22)) {
    const text = rest + decoder.decode(chunk, { stream: true });
    const parts = text.split("\n");
    rest = parts.pop()!;
    for (const p of parts) yield p;
  }
  rest += decoder.decode();
  if (rest.length > 0) yield rest;
}

function resolveColumn(spec: string | number | undefined, header: string[] | undefined, file: string, what: string): number {
  if (spec === undefined) return -1;
  const asNumber = typeof spec === "number" ? spec : /^\d+$/.test(spec) ? Number(spec) : NaN;
  if (Number.isInteger(asNumber) && asNumber >= 1) return asNumber - 1;
  const i = header ? header.indexOf(String(spec)) : -1;
  if (i < 0) {
    throw new UserError(`${file}: ${what} column: expected a 1-based column number${header ? ` or one of ${header.join(", ")}` : " (the file has no header)"}, found ${JSON.stringify(spec)}`);
  }
  return i;
}

function numberField(s: string | undefined, file: string, line: number, what: string, max: number): number {
  const t = s?.trim() ?? "";
  const v = Number(t);
  if (t === "" || !Number.isFinite(v) || v < 0) throw new UserError(`${file}:${line}: ${what}: expected a non-negative number, found ${JSON.stringify(t)}`);
  return Math.min(Math.floor(v), max);
}

/** A CSV, txt or embedding-csv trace as a source of batches (no next-access indices). */
export function textSource(file: string, format: Exclude<TraceFormat, "oracleGeneral">, columns: CsvColumns = {}): TraceSource {
  return {
    file,
    format,
    hasNext: false,
    *batches(progress) {
      const rec = new Uint32Array(BATCH * STRIDE);
      const batch: Batch = { rec, n: 0 };
      const delim = columns.delimiter ?? (format === "txt" ? "\n" : ",");
      let idCol = 0;
      let timeCol = -1;
      let sizeCol = -1;
      let lineNo = 0;
      let first = true;
      for (const raw of lines(file, progress)) {
        lineNo++;
        const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
        if (line.trim() === "") continue;
        const fields = format === "txt" ? [line.trim()] : line.split(delim);
        if (first) {
          first = false;
          const looksLikeHeader = format !== "txt" && (columns.header ?? !/^\s*-?\d/.test(fields[0]!));
          const header = looksLikeHeader ? fields.map((f) => f.trim()) : undefined;
          if (format === "csv") {
            const named = header?.findIndex((h) => KNOWN_ID_NAMES.includes(h.toLowerCase())) ?? -1;
            idCol = columns.id !== undefined ? resolveColumn(columns.id, header, file, "id") : named >= 0 ? named : 0;
            timeCol = resolveColumn(columns.time, header, file, "time");
            sizeCol = resolveColumn(columns.size, header, file, "size");
          }
          if (format === "embedding-csv") sizeCol = fields.length > 2 ? 2 : -1;
          if (header) continue;
        }
        const b = batch.n * STRIDE;
        if (format === "embedding-csv") {
          // table in the high half, row in the low half: one id per (table, row).
          rec[b + ID_HI] = numberField(fields[0], file, lineNo, "table (column 1)", 0xffffffff);
          rec[b + ID_LO] = numberField(fields[1], file, lineNo, "row (column 2)", 0xffffffff);
        } else {
          const f = fields[idCol];
          if (f === undefined || !parseId(f.trim(), rec, b + ID_LO)) {
            throw new UserError(`${file}:${lineNo}: id (column ${idCol + 1}): expected an object id, found ${f === undefined ? `a line with ${fields.length} fields` : "an empty field"}`);
          }
        }
        rec[b + TIME] = timeCol >= 0 ? numberField(fields[timeCol], file, lineNo, `time (column ${timeCol + 1})`, 0xffffffff) : 0;
        rec[b + SIZE] = sizeCol >= 0 ? numberField(fields[sizeCol], file, lineNo, `size (column ${sizeCol + 1})`, 0xffffffff) : 1;
        rec[b + NEXT_LO] = 0xffffffff;
        rec[b + NEXT_HI] = 0xffffffff;
        if (++batch.n === BATCH) {
          yield batch;
          batch.n = 0;
        }
      }
      if (batch.n > 0) yield batch;
    },
  };
}
