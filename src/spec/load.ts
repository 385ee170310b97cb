/** Loading and validating user files (JSON or YAML) at the edge, with actionable errors. */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { UserError, describeValue } from "./errors.js";
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

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : `${out ? "." : ""}${String(key)}`;
  return out || "(top level)";
}

/** Validate `data` against `schema`; on failure name the file, field path, expectation and what was found. */
export function validate<S extends z.ZodType>(schema: S, data: unknown, file: string, what = "workload"): z.infer<S> {
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  const lines = result.error.issues.slice(0, 8).flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      // A typo is the usual cause: name the nearest expected field.
      const known = expectedKeys(schema, issue.path, data);
      return issue.keys.map((key) => {
        const guess = nearest(key, known);
        return `  at ${formatPath([...issue.path, key])}: unknown field${guess ? `; did you mean "${guess}"?` : ""} (expected one of: ${known.join(", ")})`;
      });
    }
    const found = "input" in issue ? describeValue(issue.input) : "?";
    return [`  at ${formatPath(issue.path)}: ${issue.message}; found ${found}`];
  });
  const more = result.error.issues.length > 8 ? `\n  (${result.error.issues.length - 8} more)` : "";
  throw new UserError(`${file}: invalid ${what}\n${lines.join("\n")}${more}`);
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
