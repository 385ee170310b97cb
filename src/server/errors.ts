/** The API's one error shape, `{"error": {"path", "message"}}`, and the status of each kind of failure. Never a stack trace. */
import { UserError } from "../spec/errors.js";

export interface ErrorBody {
  error: { path: string; message: string };
}

/** A failure with its HTTP status (4xx: the client's to fix). */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly path = "") {
    super(message);
  }
}

const camel = (flag: string): string => flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * The status and body of an error. A user error is a 400 at its field: the one a schema names,
 * else the flag its message starts with (`--tp 3: ...` is field `tp`; `fields` renames flags
 * whose body field is spelled otherwise); anything else is a 500 saying only its message.
 */
export function errorOf(err: unknown, fields: Record<string, string> = {}, scrub: (s: string) => string = (s) => s): { status: number; body: ErrorBody } {
  if (err instanceof HttpError) return { status: err.status, body: { error: { path: err.path, message: scrub(err.message) } } };
  if (err instanceof UserError) {
    if (err.field) return { status: 400, body: { error: { path: err.field.path, message: scrub(err.field.message) } } };
    const flag = /^--([a-z][a-z0-9-]*)/.exec(err.message)?.[0];
    const path = flag ? (fields[flag] ?? camel(flag.slice(2))) : "";
    return { status: 400, body: { error: { path, message: scrub(err.message) } } };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, body: { error: { path: "", message: `internal error: ${scrub(message)}` } } };
}
