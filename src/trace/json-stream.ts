/**
 * Stream the elements of one top-level array of a large JSON document (Kineto's
 * "traceEvents", an execution trace's "nodes") with bounded memory: a byte-level scanner finds
 * each element's extent and JSON.parse reads just that element. Other top-level values are
 * collected and parsed whole (they are small). Hand-written because it is the hot loop.
 */
import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { UserError } from "../spec/errors.js";

export interface StreamedDocument {
  /** Top-level fields other than the streamed array. */
  fields: Record<string, unknown>;
  /** Whether the array was present. */
  found: boolean;
  /** Elements streamed. */
  count: number;
  bytes: number;
}

const QUOTE = 0x22, BACKSLASH = 0x5c, OPEN_OBJ = 0x7b, CLOSE_OBJ = 0x7d, OPEN_ARR = 0x5b, CLOSE_ARR = 0x5d, COLON = 0x3a, COMMA = 0x2c;

/**
 * Read `file` (plain or gzip) and call `onElement` for each element of the top-level array
 * under `arrayKey`. Errors name the file, the element index and what was wrong.
 */
export async function streamJsonArray(file: string, arrayKey: string, onElement: (value: unknown, index: number) => void): Promise<StreamedDocument> {
  const raw = createReadStream(file);
  const head = await new Promise<Buffer>((resolve, reject) => {
    raw.once("readable", () => {
      const b = raw.read(2) as Buffer | null;
      if (b) raw.unshift(b);
      resolve(b ?? Buffer.alloc(0));
    });
    raw.once("error", reject);
  }).catch((err: Error) => {
    throw new UserError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? err.message}`);
  });
  const gz = head[0] === 0x1f && head[1] === 0x8b;
  const hex = [...head].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  if (!gz && /\.gz$/i.test(file)) throw new UserError(`${file}: named .gz but not gzip-compressed (first bytes ${hex || "none"}; gzip starts 1f 8b)`);
  // A JSON document starts with '{' (or whitespace); anything else is not a trace at all.
  if (!gz && head.length && ![OPEN_OBJ, 0x20, 0x0a, 0x0d, 0x09].includes(head[0]!)) throw new UserError(`${file}: not a JSON document (first bytes ${hex}); expected a Kineto trace, plain or gzip-compressed`);
  const source: AsyncIterable<Buffer> = gz ? raw.pipe(createGunzip()) : raw;

  const fields: Record<string, unknown> = {};
  // defineProperty: a key such as "__proto__" must stay data, never reach the prototype.
  const setField = (key: string, text: string): void => {
    Object.defineProperty(fields, key, { value: JSON.parse(text), enumerable: true, writable: true, configurable: true });
  };
  let depth = 0;
  let inString = false;
  let escape = false;
  let inArray = false; // inside the streamed array (depth 2)
  let lastKey = "";
  let expectValue = false; // after a top-level key's ':'
  let stringValue = false; // the open top-level value is a string
  let keyStart = -1;
  let valueStart = -1; // start of a non-streamed top-level value (or of an element)
  let valueKey = "";
  let buf = Buffer.alloc(0);
  let base = 0; // absolute offset of buf[0]
  let count = 0;
  let sawTop = false;
  let found = false;

  const fail = (what: string): never => {
    throw new UserError(`${file}: ${what}`);
  };

  try {
    for await (const chunk of source) {
      // Keep the unfinished element (or key, or small value) from the previous chunk.
      const keepFrom = Math.min(...[valueStart, keyStart].filter((x) => x >= 0), base + buf.length);
      buf = Buffer.concat([buf.subarray(keepFrom - base), chunk]);
      const scanFrom = base + buf.length - chunk.length;
      base = keepFrom;
      for (let i = scanFrom - base; i < buf.length; i++) {
        const c = buf[i]!;
        if (inString) {
          if (escape) escape = false;
          else if (c === BACKSLASH) escape = true;
          else if (c === QUOTE) {
            inString = false;
            if (keyStart >= 0) {
              lastKey = JSON.parse(buf.toString("utf8", keyStart - base, i + 1)) as string;
              keyStart = -1;
            } else if (stringValue && depth === 1) {
              setField(valueKey, buf.toString("utf8", valueStart - base, i + 1));
              valueStart = -1;
              stringValue = false;
            }
          }
          continue;
        }
        if (c === QUOTE) {
          inString = true;
          if (depth === 1 && expectValue) {
            valueStart = base + i;
            valueKey = lastKey;
            stringValue = true;
            expectValue = false;
          } else if (depth === 1 && valueStart < 0) keyStart = base + i;
        } else if (c === OPEN_OBJ || c === OPEN_ARR) {
          if (depth === 0) {
            if (c !== OPEN_OBJ) fail("expected a JSON object at the top level");
            sawTop = true;
          } else if (depth === 1 && valueStart < 0) {
            expectValue = false;
            if (c === OPEN_ARR && lastKey === arrayKey) inArray = found = true;
            else { valueStart = base + i; valueKey = lastKey; }
          } else if (depth === 2 && inArray) valueStart = base + i;
          depth++;
        } else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
          depth--;
          if (depth < 0) fail(`unbalanced '${String.fromCharCode(c)}' at byte ${base + i}`);
          if (depth === 0 && valueStart >= 0) {
            // A scalar last value of the top-level object ends at its closing brace.
            setField(valueKey, buf.toString("utf8", valueStart - base, i).trim());
            valueStart = -1;
          }
          if (depth === 2 && inArray && valueStart >= 0) {
            const text = buf.toString("utf8", valueStart - base, i + 1);
            let value: unknown;
            try {
              value = JSON.parse(text);
            } catch (err) {
              fail(`${arrayKey}[${count}]: malformed element: ${(err as Error).message}`);
            }
            onElement(value, count++);
            valueStart = -1;
          } else if (depth === 1 && inArray && c === CLOSE_ARR) {
            inArray = false;
            lastKey = "";
          } else if (depth === 1 && valueStart >= 0) {
            setField(valueKey, buf.toString("utf8", valueStart - base, i + 1));
            valueStart = -1;
          }
        } else if (c === COLON) {
          if (depth === 1) expectValue = true;
        } else if (c === COMMA) {
          if (depth === 1 && valueStart >= 0) {
            // A scalar top-level value ends at the comma.
            setField(valueKey, buf.toString("utf8", valueStart - base, i).trim());
            valueStart = -1;
          }
          if (depth === 1) lastKey = "";
        } else if (depth === 1 && expectValue && c > 0x20) {
          valueStart = base + i; // a scalar value (number, true, false, null)
          valueKey = lastKey;
          expectValue = false;
        }
      }
      // Drop what no open element needs.
      const need = Math.min(...[valueStart, keyStart].filter((x) => x >= 0), base + buf.length);
      buf = buf.subarray(need - base);
      base = need;
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === "Z_BUF_ERROR" || e.code === "Z_DATA_ERROR") fail(`truncated or corrupt gzip after ${count} elements of "${arrayKey}" (${e.message})`);
    fail(`cannot read: ${e.code ?? e.message}`);
  }
  if (!sawTop) fail("empty file, expected a JSON object");
  if (depth !== 0 || inString) fail(`truncated: the document ends inside ${inArray ? `"${arrayKey}" after ${count} elements` : "a value"} at byte ${base + buf.length}`);
  return { fields, found, count, bytes: base + buf.length };
}
