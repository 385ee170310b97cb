/** Pick the reader for a trace format (the formats are described in docs/cache.md). */
import { UserError } from "../spec/errors.js";
import { oracleSource } from "./readers/oracle.js";
import { textSource, type CsvColumns } from "./readers/text.js";
import { FORMATS, type TraceFormat, type TraceSource } from "./trace.js";

export function parseFormat(format: string): TraceFormat {
  if (!(FORMATS as readonly string[]).includes(format)) throw new UserError(`--format: expected one of ${FORMATS.join(", ")}, found "${format}"`);
  return format as TraceFormat;
}

export function openTrace(file: string, format: TraceFormat, columns: CsvColumns = {}): TraceSource {
  return format === "oracleGeneral" ? oracleSource(file) : textSource(file, format, columns);
}
