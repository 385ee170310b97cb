/** Where in a document an error is: the field path (`workloads[0].model.tables[2].rows`) and what is wrong there. */
export interface ErrorField {
  path: string;
  message: string;
}

/** An error the user can act on: printed without a stack trace, exit code 2; `field` when it is about one field of a document (the API answers with it). */
export class UserError extends Error {
  readonly exitCode = 2;
  constructor(message: string, readonly field?: ErrorField) {
    super(message);
    this.name = "UserError";
  }
}

/** Describe a value briefly for "found ..." in error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  return String(value);
}
