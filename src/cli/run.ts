/** Shared CLI plumbing: user errors exit 2 without a stack trace unless --debug. */
import { Option, type Command } from "commander";
import { assertNotInput, writeTextAtomic } from "../io/output.js";
import { UserError } from "../spec/errors.js";

export function isDebug(): boolean {
  return process.argv.includes("--debug") || process.env.STRATA_DEBUG === "1";
}

export function reportError(err: unknown): number {
  if (err instanceof UserError) {
    process.stderr.write(`strata: ${err.message}\n`);
    if (isDebug()) process.stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  process.stderr.write(`strata: internal error: ${e?.message ?? String(err)}\n`);
  process.stderr.write(isDebug() ? `${e?.stack}\n` : "(run again with --debug for the stack trace)\n");
  return 1;
}

/**
 * Write a command's output file atomically (src/io/output.ts), refusing one that is an input;
 * `-` writes to stdout. A failure is the user's to fix (path, permissions).
 */
export function writeOutput(file: string, text: string, inputs: readonly string[] = []): void {
  if (file === "-") {
    process.stdout.write(text);
    return;
  }
  assertNotInput(file, inputs);
  writeTextAtomic(file, text);
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + "\n");
}

export function parsePositiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new UserError(`${flag}: expected a positive number, found ${JSON.stringify(value)}`);
    return n;
  };
}

export function parsePositiveInteger(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n <= 0) throw new UserError(`${flag}: expected a positive integer, found ${JSON.stringify(value)}`);
    return n;
  };
}

/** The one spelling of an output file: `-o, --out FILE` (`--output` still read, unlisted); none or `-` is stdout. */
export function addOutOption(command: Command, what: string): Command {
  return command.option("-o, --out <file>", `${what} (default or -: stdout)`).addOption(new Option("--output <file>").hideHelp());
}

export const outOf = (opts: { out?: string; output?: string }): string => opts.out ?? opts.output ?? "-";
