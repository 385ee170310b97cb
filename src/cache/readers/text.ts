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
/** Header names taken as the time and size columns when --time-col/--size-col are not given (our writer emits time,id,size). */
const KNOWN_TIME_NAMES = ["time", "timestamp", "clock_time", "ts"];
const KNOWN_SIZE_NAMES = ["size", "obj_size", "object_size", "bytes"];

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

/** A (possibly zstd-compressed) text file in chunks that end at line ends (the last may not). */
function* lineChunks(file: string, progress?: (done: number, total: number) => void): Generator<Uint8Array> {
  let carry = new Uint8Array(0);
  let first = true;
  for (const chunk of fileChunks(file, progress, 1 << 22)) {
    // A UTF-8 byte-order mark is not part of the first field.
    let buf = first && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? chunk.subarray(3) : chunk;
    first = false;
    if (carry.length > 0) {
      buf = new Uint8Array(carry.length + chunk.length);
      buf.set(carry);
      buf.set(chunk, carry.length);
    }
    const last = buf.lastIndexOf(10);
    carry = buf.slice(last + 1);
    if (last >= 0) yield buf.subarray(0, last + 1);
  }
  if (carry.length > 0) yield carry;
}

const decoder = new TextDecoder();
const text = (buf: Uint8Array, s: number, e: number): string => decoder.decode(buf.subarray(s, e));
const isSpace = (c: number): boolean => c === 32 || c === 9;

/** The value of buf[s, e) if it is 1 to 15 decimal digits, else -1. */
function digits(buf: Uint8Array, s: number, e: number): number {
  if (e <= s || e - s > 15) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** A plain non-negative decimal in buf[s, e) (spaces around it allowed, a fraction dropped), or -1 when the slow path must judge. */
function decimal(buf: Uint8Array, s: number, e: number): number {
  while (s < e && isSpace(buf[s]!)) s++;
  while (e > s && isSpace(buf[e - 1]!)) e--;
  let dot = s;
  while (dot < e && buf[dot] !== 46) dot++;
  if (dot === e) return digits(buf, s, e);
  return dot + 1 === e || digits(buf, dot + 1, Math.min(e, dot + 16)) >= 0 ? digits(buf, s, dot) : -1;
}

/** The id in buf[s, e) as u32 halves at out[at], out[at + 1]; false if empty. */
function parseIdBytes(buf: Uint8Array, s: number, e: number, out: Uint32Array, at: number): boolean {
  while (s < e && isSpace(buf[s]!)) s++;
  while (e > s && isSpace(buf[e - 1]!)) e--;
  const v = digits(buf, s, e);
  if (v < 0) return parseId(text(buf, s, e), out, at);
  const small = v < TWO32;
  out[at] = small ? v : v % TWO32;
  out[at + 1] = small ? 0 : Math.floor(v / TWO32);
  return true;
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

/** A non-negative number field; `s < 0` means the line has too few fields. */
function numberField(buf: Uint8Array, s: number, e: number, file: string, line: number, what: string): number {
  const fast = s < 0 ? -1 : decimal(buf, s, e);
  if (fast >= 0) return Math.min(fast, 0xffffffff);
  const t = s < 0 ? "" : text(buf, s, e).trim();
  const v = Number(t);
  if (t === "" || !Number.isFinite(v) || v < 0) throw new UserError(`${file}:${line}: ${what}: expected a non-negative number, found ${JSON.stringify(t)}`);
  return Math.min(Math.floor(v), 0xffffffff);
}

/** A CSV, txt or embedding-csv trace as a source of batches (no next-access indices). */
export function textSource(file: string, format: Exclude<TraceFormat, "oracleGeneral">, columns: CsvColumns = {}): TraceSource {
  const delim = columns.delimiter ?? ",";
  if (format !== "txt" && delim.length !== 1) throw new UserError(`--delimiter: expected one character, found ${JSON.stringify(delim)}`);
  const sep = delim.charCodeAt(0);
  return {
    file,
    format,
    hasNext: false,
    *batches(progress) {
      const rec = new Uint32Array(BATCH * STRIDE);
      const batch: Batch = { rec, n: 0 };
      let idCol = format === "embedding-csv" ? 1 : 0;
      let timeCol = -1;
      let sizeCol = -1;
      let lineNo = 0;
      let first = true;
      // field k of the current line is [start[k], end[k]); start -1: missing
      const start = new Int32Array(64);
      const end = new Int32Array(64);
      // before the first line is read, split up to 3 fields (for the embedding-csv size column)
      let need = 3;
      // txt: one field per line (no separator byte matches)
      const sepByte = format === "txt" ? -1 : sep;
      for (const buf of lineChunks(file, progress)) {
        const len = buf.length;
        for (let pos = 0; pos < len; ) {
          // One scan per line: its end, and the bounds of the first `need` fields.
          const s = pos;
          let k = 0;
          let blank = true;
          start[0] = s;
          let i = s;
          for (; i < len; i++) {
            const c = buf[i]!;
            if (c === 10) break;
            if (c === sepByte && k < need) {
              end[k++] = i;
              if (k < need) start[k] = i + 1;
            }
            if (blank && c !== 32 && c !== 9 && c !== 13) blank = false;
          }
          pos = i + 1;
          const e = i > s && buf[i - 1] === 13 ? i - 1 : i;
          if (k < need) end[k++] = e;
          for (; k < need; k++) start[k] = -1;
          lineNo++;
          if (blank) continue;
          if (first) {
            first = false;
            const fields = format === "txt" ? [text(buf, s, e).trim()] : text(buf, s, e).split(delim);
            const looksLikeHeader = format !== "txt" && (columns.header ?? !/^\s*-?\d/.test(fields[0]!));
            const header = looksLikeHeader ? fields.map((f) => f.trim()) : undefined;
            if (format === "csv") {
              const named = (names: string[]): number => header?.findIndex((h) => names.includes(h.toLowerCase())) ?? -1;
              const idNamed = named(KNOWN_ID_NAMES);
              idCol = columns.id !== undefined ? resolveColumn(columns.id, header, file, "id") : idNamed >= 0 ? idNamed : 0;
              timeCol = columns.time !== undefined ? resolveColumn(columns.time, header, file, "time") : named(KNOWN_TIME_NAMES);
              sizeCol = columns.size !== undefined ? resolveColumn(columns.size, header, file, "size") : named(KNOWN_SIZE_NAMES);
              // An inferred column never doubles one given or found before it.
              if (columns.time === undefined && timeCol === idCol) timeCol = -1;
              if (columns.size === undefined && (sizeCol === idCol || sizeCol === timeCol)) sizeCol = -1;
            }
            if (format === "embedding-csv") sizeCol = fields.length > 2 ? 2 : -1;
            need = Math.max(idCol, timeCol, sizeCol) + 1;
            if (need > start.length) throw new UserError(`${file}: columns beyond ${start.length} are not supported (asked for column ${need})`);
            if (header) continue;
            // The first line was split for one field only: split it again.
            pos = s;
            lineNo--;
            continue;
          }
          const b = batch.n * STRIDE;
          if (format === "embedding-csv") {
            // table in the high half, row in the low half: one id per (table, row).
            rec[b + ID_HI] = numberField(buf, start[0]!, end[0]!, file, lineNo, "table (column 1)");
            rec[b + ID_LO] = numberField(buf, start[1]!, end[1]!, file, lineNo, "row (column 2)");
          } else if (start[idCol]! < 0 || !parseIdBytes(buf, start[idCol]!, end[idCol]!, rec, b + ID_LO)) {
            throw new UserError(`${file}:${lineNo}: id (column ${idCol + 1}): expected an object id, found ${start[idCol]! < 0 ? "a line with too few fields" : "an empty field"}`);
          }
          rec[b + TIME] = timeCol >= 0 ? numberField(buf, start[timeCol]!, end[timeCol]!, file, lineNo, `time (column ${timeCol + 1})`) : 0;
          rec[b + SIZE] = sizeCol >= 0 ? numberField(buf, start[sizeCol]!, end[sizeCol]!, file, lineNo, `size (column ${sizeCol + 1})`) : 1;
          rec[b + NEXT_LO] = 0xffffffff;
          rec[b + NEXT_HI] = 0xffffffff;
          if (++batch.n === BATCH) {
            yield batch;
            batch.n = 0;
          }
        }
      }
      if (batch.n > 0) yield batch;
    },
  };
}
