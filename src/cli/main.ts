#!/usr/bin/env node
/** The strata command line: one small file per command (registered in program.ts); each parses, calls the library, prints. */
import { runCli } from "./program.js";

// A reader that stops early (`strata ... | head`) closes the pipe: that is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

process.exitCode = await runCli(process.argv);
