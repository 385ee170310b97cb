/** Loading and validating user files (JSON or YAML) at the edge, with actionable errors. */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { UserError, describeValue, type ErrorField } from "./errors.js";
import { expectedKeys, nearest } from "./suggest.js";
import { Workload } from "./workload.js";

/** Parse a JSON or YAML document; syntax errors name the file and the position. */
export function parseDocument(text: string, file: string): unknown {
  const isYaml = /\.ya?ml$/i.test(file);
  try {
    return isYaml ? parseYaml(text, { logLevel: "error" }) : JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file}: not valid ${isYaml ? "YAML" : "JSON"}: ${(err as Error).message}`);
  }
}

/** A field path as the errors print it: `workloads[0].model.tables[2].rows` ("" for the top level). */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : `${out ? "." : ""}${String(key)}`;
  return out;
}

/**
 * A custom issue's param: the issue is a nested document's own error (resolvedBy in
 * src/commands/workload.ts), the param its field path below the issue's.
 */
export const NESTED_ERROR = "nestedError";

const joinPath = (outer: string, inner: string): string => (!outer ? inner : !inner ? outer : inner.startsWith("[") ? outer + inner : `${outer}.${inner}`);

/** What is wrong at each field: a typo names the nearest expected field. */
function issueFields(schema: z.ZodType, data: unknown, issues: readonly z.core.$ZodIssue[]): ErrorField[] {
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      // A typo is the usual cause: name the nearest expected field.
      const known = expectedKeys(schema, issue.path, data);
      return issue.keys.map((key) => {
        const guess = nearest(key, known);
        return { path: formatPath([...issue.path, key]), message: `unknown field${guess ? `; did you mean "${guess}"?` : ""} (expected one of: ${known.join(", ")})` };
      });
    }
    // A nested document's own error (NESTED_ERROR) already says what it found.
    const nested: unknown = issue.code === "custom" ? issue.params?.[NESTED_ERROR] : undefined;
    if (typeof nested === "string") return [{ path: joinPath(formatPath(issue.path), nested), message: issue.message }];
    const found = "input" in issue ? describeValue(issue.input) : "?";
    return [{ path: formatPath(issue.path), message: `${issue.message}; found ${found}` }];
  });
}

/**
 * Validate `data` against `schema`; on failure name the file, field path, expectation and what
 * was found (the error's `field` is the first of them).
 */
export function validate<S extends z.ZodType>(schema: S, data: unknown, file: string, what = "workload"): z.infer<S> {
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  const fields = issueFields(schema, data, result.error.issues.slice(0, 8));
  const lines = fields.map((f) => `  at ${f.path || "(top level)"}: ${f.message}`);
  const more = result.error.issues.length > 8 ? `\n  (${result.error.issues.length - 8} more)` : "";
  // The field an API error names: a misspelt one first (its message says the right spelling).
  const first = fields.find((f) => f.message.startsWith("unknown field")) ?? fields[0];
  throw new UserError(`${file}: invalid ${what}\n${lines.join("\n")}${more}`, first);
}

export function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new UserError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function loadWorkload(file: string): Workload {
  return validate(Workload, parseDocument(readText(file), file), file);
}
