/** Flag parsers and finite-only printers shared by the llm commands (src/cli/llm.ts, llm-bench.ts). */
import { UserError } from "../spec/errors.js";
import { BOUNDS, assertFinite, assertFiniteText, numberIn } from "../llm/bounds.js";
import { printJson } from "./run.js";

/** A positive integer up to `max` (flags: BOUNDS in src/llm/bounds.ts). */
export const positiveInt = (flag: string, max: number) => numberIn(flag, 1, max, { integer: true, what: "an integer" });
export const gpuCount = (flag: string) => positiveInt(flag, BOUNDS.maxGpus);

export const choice = <T extends string>(flag: string, values: readonly T[]) => (v: string): T => {
  if (!(values as readonly string[]).includes(v)) throw new UserError(`${flag}: expected one of ${values.join(", ")}, found ${JSON.stringify(v)}`);
  return v as T;
};

/** Print JSON after checking that no number in it is NaN or infinite (JSON.stringify would print null). */
export function printFinite(value: unknown): void {
  assertFinite(value);
  printJson(value);
}

/** Write text after checking that it shows no NaN or Infinity. */
export function writeFinite(text: string): void {
  assertFiniteText(text);
  process.stdout.write(text);
}
