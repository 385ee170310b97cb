/** Request bodies under a size limit: JSON read into memory, trace uploads streamed to a temporary file. */
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { PassThrough, Transform, type Readable } from "node:stream";
import { parseDocument } from "../spec/load.js";
import { HttpError } from "./errors.js";

export const MiB = 2 ** 20;
/** JSON bodies: a workload of the largest shape (thousands of tables) is well under 1 MiB. */
export const JSON_LIMIT_BYTES = 8 * MiB;
/** Trace uploads: Kineto traces of a few steps run to tens of MiB, gzip a tenth of that. */
export const UPLOAD_LIMIT_BYTES = 256 * MiB;

const tooLarge = (limit: number): HttpError => new HttpError(413, `request body over the limit of ${limit / MiB} MiB`);

/** Refuse at once a body whose declared length is over the limit. */
function checkDeclared(req: IncomingMessage, limit: number): void {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
}

/**
 * The body as a stream of its own: a failure past the limit ends this stream, not the request,
 * so the server can still answer (and then close the connection).
 */
function detached(req: IncomingMessage): Readable {
  const pass = new PassThrough();
  req.pipe(pass);
  return pass;
}

/** Count the bytes going through, failing past `limit`. */
function limiter(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      done(seen > limit ? tooLarge(limit) : null, chunk);
    },
  });
}

/** The body as JSON (415 unless its type is JSON, 413 over the limit, 400 when not valid JSON). */
export async function readJson(req: IncomingMessage, limit = JSON_LIMIT_BYTES): Promise<unknown> {
  const type = String(req.headers["content-type"] ?? "");
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new HttpError(415, `expected Content-Type application/json, found ${type ? JSON.stringify(type) : "none"}`);
  checkDeclared(req, limit);
  const chunks: Buffer[] = [];
  let seen = 0;
  for await (const chunk of detached(req) as AsyncIterable<Buffer>) {
    seen += chunk.length;
    if (seen > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return parseDocument(Buffer.concat(chunks).toString("utf8"), "body");
}

/** The body saved to a new temporary file (plain or gzip, as sent); `remove` deletes it and its folder. */
export async function saveUpload(req: IncomingMessage, limit = UPLOAD_LIMIT_BYTES): Promise<{ file: string; remove: () => Promise<void> }> {
  checkDeclared(req, limit);
  const dir = await mkdtemp(join(tmpdir(), "strata-upload-"));
  const remove = () => rm(dir, { recursive: true, force: true });
  const file = join(dir, "trace.json");
  try {
    await pipeline(detached(req), limiter(limit), createWriteStream(file));
  } catch (err) {
    await remove();
    throw err;
  }
  return { file, remove };
}
