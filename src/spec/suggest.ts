/**
 * "Did you mean": the fields a schema expects at a path (through objects, arrays, unions and
 * wrappers), and the nearest of them to a misspelt one by edit distance.
 */
import type { z } from "zod";

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: z.ZodType[];
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  values?: unknown[];
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Whether an object schema's `kind` literal (if any) admits the value's kind. */
function kindMatches(d: Def, value: unknown): boolean {
  const kind = d.shape?.kind;
  const given = (value as { kind?: unknown } | null)?.kind;
  if (!kind || given === undefined) return true;
  const values = defOf(kind).values;
  return !values || values.includes(given);
}

/** The object schemas a value at `path` may be validated by (`value`: the data at this level). */
function objectsAt(schema: z.ZodType, path: readonly PropertyKey[], value: unknown): Def[] {
  const d = defOf(schema);
  if (d.innerType) return objectsAt(d.innerType, path, value);
  // A pipe's object is its input's (`.transform`) or, after a preprocess, its output's.
  if (d.type === "pipe") return [...(d.in ? objectsAt(d.in, path, value) : []), ...(d.out ? objectsAt(d.out, path, value) : [])];
  if (d.options) return d.options.flatMap((o) => objectsAt(o, path, value));
  if (d.type === "object" && !kindMatches(d, value)) return [];
  if (!path.length) return d.type === "object" ? [d] : [];
  const [head, ...rest] = path;
  const child = (value as Record<PropertyKey, unknown> | null)?.[head as string];
  if (d.type === "array" && d.element && typeof head === "number") return objectsAt(d.element, rest, child);
  if (d.type === "object" && d.shape && typeof head === "string" && head in d.shape) return objectsAt(d.shape[head]!, rest, child);
  return [];
}

export function expectedKeys(schema: z.ZodType, path: readonly PropertyKey[], data?: unknown): string[] {
  return [...new Set(objectsAt(schema, path, data).flatMap((d) => Object.keys(d.shape ?? {})))];
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The nearest candidate within a third of the word's length (at least 2 edits), if any. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = distance(word, c);
    if (!best || d < best.d) best = { c, d };
  }
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? best.c : undefined;
}
