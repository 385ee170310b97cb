/** Read a Kineto trace (plain or .gz) into memory. */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { UserError } from "../spec/errors.js";
import type { KinetoEvent, KinetoTrace } from "./kineto.js";

export function readKinetoTrace(file: string): KinetoTrace {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
    if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  } catch (err) {
    throw new UserError(`${file}: cannot read trace: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(buf.toString("utf8"));
  } catch (err) {
    throw new UserError(`${file}: not valid trace JSON (truncated?): ${(err as Error).message}`);
  }
  const events = (doc as { traceEvents?: unknown }).traceEvents;
  if (!Array.isArray(events)) throw new UserError(`${file}: expected a "traceEvents" array, found ${typeof events}`);
  const out: KinetoEvent[] = [];
  events.forEach((e: Partial<KinetoEvent>, i) => {
    if (typeof e !== "object" || e === null) throw new UserError(`${file}: traceEvents[${i}]: expected an object`);
    if (e.ph === "X" && (typeof e.ts !== "number" || typeof e.name !== "string")) {
      throw new UserError(`${file}: traceEvents[${i}]: a complete event needs a numeric "ts" and a "name"`);
    }
    if (e.ph === "X") out.push(e as KinetoEvent);
  });
  return { file, events: out, deviceProperties: (doc as { deviceProperties?: Array<Record<string, unknown>> }).deviceProperties };
}
