/**
 * Output files that are never lost or half written: every writer writes a temporary file in the
 * destination's folder and renames it into place (atomic on POSIX), so an interrupted run leaves
 * the old file (or none); and an output that is one of the command's inputs (under any spelling
 * or through a link) is refused before anything is opened for writing.
 */
import { accessSync, closeSync, constants, openSync, realpathSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UserError } from "../spec/errors.js";

/** The file's canonical path; for a file not there yet, its folder's canonical path joined with its name. */
function canonical(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    try {
      return join(realpathSync(dirname(resolve(file))), basename(file));
    } catch {
      return resolve(file);
    }
  }
}

/** Refuse an output path that names one of the inputs. */
export function assertNotInput(output: string, inputs: readonly string[], flag = "--out"): void {
  const out = canonical(output);
  for (const input of inputs) {
    if (canonical(input) === out) throw new UserError(`${flag} ${output}: is the input ${input}; writing it would destroy the input (choose another file)`);
  }
}

/** Fail before long work when an output could not be written: its folder must exist and be writable, and it must not be a folder. */
export function assertWritable(file: string, flag: string): void {
  const dir = dirname(resolve(file));
  let ok: boolean;
  try {
    accessSync(dir, constants.W_OK);
    ok = statSync(dir).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw new UserError(`${flag} ${file}: cannot write there (the folder ${dir} does not exist or is not writable)`);
  try {
    if (statSync(file).isDirectory()) throw new UserError(`${flag} ${file}: is a folder; expected a file name`);
  } catch (err) {
    if (err instanceof UserError) throw err;
  }
}

export interface AtomicFile {
  fd: number;
  /** Close and rename into place. */
  commit(): void;
  /** Close and remove the temporary file (the destination is untouched). */
  abort(): void;
}

let counter = 0;

export function openAtomic(file: string): AtomicFile {
  const tmp = join(dirname(resolve(file)), `.${basename(file)}.${process.pid}.${counter++}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, "wx");
  } catch (err) {
    throw new UserError(`${file}: cannot write: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let open = true;
  const close = (): void => {
    if (open) closeSync(fd);
    open = false;
  };
  return {
    fd,
    commit() {
      close();
      try {
        renameSync(tmp, file);
      } catch (err) {
        rmSync(tmp, { force: true });
        throw new UserError(`${file}: cannot write: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    },
    abort() {
      close();
      rmSync(tmp, { force: true });
    },
  };
}

/** Run `write` on an atomic file: committed when it returns, removed when it throws. */
export function withAtomicFile<T>(file: string, write: (fd: number) => T): T {
  const f = openAtomic(file);
  try {
    const result = write(f.fd);
    f.commit();
    return result;
  } catch (err) {
    f.abort();
    throw err;
  }
}

export function writeTextAtomic(file: string, text: string): void {
  withAtomicFile(file, (fd) => {
    writeSync(fd, text);
  });
}
