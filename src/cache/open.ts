/** Pick the reader for a trace format (the formats are described in docs/cache.md). */
import { UserError } from "../spec/errors.js";
import { oracleSource } from "./readers/oracle.js";
import { textSource, type CsvColumns } from "./readers/text.js";
import { FORMATS, type TraceFormat, type TraceSource } from "./trace.js";

export function parseFormat(format: string): TraceFormat {
  if (!(FORMATS as readonly string[]).includes(format)) throw new UserError(`--format: expected one of ${FORMATS.join(", ")}, found "${format}"`);
  return format as TraceFormat;
}

/**
 * The format a file name implies, or undefined: a .zst or .gz suffix is the compression (the
 * readers decompress by magic bytes), the name before it gives the format: .bin or
 * .oracleGeneral oracleGeneral, .csv csv, .txt txt; a compressed name with neither
 * (trace.zst) is oracleGeneral, as libCacheSim names its files.
 */
export function formatFromName(file: string): TraceFormat | undefined {
  const lower = file.toLowerCase();
  const inner = lower.replace(/\.(zst|gz)$/, "");
  if (/\.(bin|oraclegeneral)$/.test(inner)) return "oracleGeneral";
  if (inner.endsWith(".csv")) return "csv";
  if (inner.endsWith(".txt")) return "txt";
  return inner !== lower ? "oracleGeneral" : undefined;
}

/** An explicit --format wins; else the file name decides; else an error asking for --format. */
export function resolveFormat(file: string, format: string | undefined, flag = "--format"): TraceFormat {
  if (format !== undefined) return parseFormat(format);
  const f = formatFromName(file);
  if (!f) throw new UserError(`${file}: ${flag}: required: the format cannot be inferred from the name (expected a .bin, .oracleGeneral, .csv, .txt, .zst or .gz name), give ${flag} ${FORMATS.join("|")}`);
  return f;
}

export function openTrace(file: string, format: TraceFormat, columns: CsvColumns = {}): TraceSource {
  const source = format === "oracleGeneral" ? oracleSource(file) : textSource(file, format, columns);
  return Object.assign(source, { origin: { file, format, columns } });
}
