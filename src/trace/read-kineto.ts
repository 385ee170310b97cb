/**
 * Read a Kineto trace (plain or .gz), streaming: each event is parsed alone and kept as a
 * compact record (complete "X" events only, interned names, the few args we use), so memory
 * grows with the number of events, not with the JSON text.
 */
import { UserError } from "../spec/errors.js";
import { streamJsonArray } from "./json-stream.js";
import type { KinetoEvent, KinetoTrace } from "./kineto.js";

const KEPT_ARGS = ["correlation", "stream", "Input Dims", "External id", "device"] as const;

export async function readKinetoTrace(file: string, onProgress?: (bytes: number) => void): Promise<KinetoTrace> {
  const names = new Map<string, string>();
  const intern = (s: string): string => {
    let v = names.get(s);
    if (v === undefined) names.set(s, (v = s));
    return v;
  };
  const events: KinetoEvent[] = [];
  const doc = await streamJsonArray(file, "traceEvents", (value, index) => {
    if (typeof value !== "object" || value === null) throw new UserError(`${file}: traceEvents[${index}]: expected an object, found ${JSON.stringify(value)}`);
    const e = value as Record<string, unknown>;
    if (e.ph !== "X") return;
    if (typeof e.ts !== "number" || !Number.isFinite(e.ts) || typeof e.name !== "string") {
      throw new UserError(`${file}: traceEvents[${index}]: a complete ("X") event needs a finite numeric "ts" and a string "name"`);
    }
    // A negative or non-finite duration is a corrupt trace; it would make steps and overheads negative.
    if (e.dur !== undefined && (typeof e.dur !== "number" || !Number.isFinite(e.dur) || e.dur < 0)) {
      throw new UserError(`${file}: traceEvents[${index}].dur: expected a duration >= 0 us, found ${JSON.stringify(e.dur)}`);
    }
    let args: Record<string, unknown> | undefined;
    const src = e.args as Record<string, unknown> | undefined;
    if (src) for (const k of KEPT_ARGS) if (src[k] !== undefined) (args ??= {})[k] = src[k];
    events.push({
      ph: "X",
      cat: typeof e.cat === "string" ? intern(e.cat) : undefined,
      name: intern(e.name),
      pid: e.pid as number | string,
      tid: e.tid as number | string,
      ts: e.ts,
      dur: e.dur as number | undefined,
      args,
    });
    if (onProgress && index % 50_000 === 0) onProgress(index);
  });
  if (!doc.found) {
    throw new UserError(`${file}: expected a Kineto trace with a "traceEvents" array, found none`);
  }
  return { file, events, deviceProperties: doc.fields.deviceProperties as KinetoTrace["deviceProperties"] };
}
