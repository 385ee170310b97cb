#!/usr/bin/env node
/** The strata command line: one small file per command (registered in program.ts); each parses, calls the library, prints. */
import { runCli } from "./program.js";

process.exitCode = await runCli(process.argv);
