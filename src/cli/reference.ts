/** docs/cli.md: every command and flag, from the command tree itself (test/cli-doc.test.ts keeps the file in step). */
import type { Command } from "commander";

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function rows(cmd: Command, prefix: string): string[] {
  const name = `${prefix}${cmd.name()}`;
  const out: string[] = [];
  const sub = cmd.commands;
  if (!sub.length || cmd.options.length || cmd.registeredArguments.length) {
    const args = cmd.registeredArguments.map((a) => (a.required ? `<${a.name()}${a.variadic ? "..." : ""}>` : `[${a.name()}${a.variadic ? "..." : ""}]`)).join(" ");
    const flags = cmd.options.filter((o) => !o.hidden).map((o) => `\`${o.flags}\``).join(", ");
    out.push(`| \`${name}${args ? ` ${args}` : ""}\` | ${cell(cmd.description())} | ${flags || "-"} |`);
  }
  for (const c of sub) out.push(...rows(c, `${name} `));
  return out;
}

export function cliReference(program: Command): string {
  return [
    "# Command line",
    "",
    "Generated from the command tree (`src/cli/reference.ts`; `npm test` checks it is current). Every command",
    "also takes `-h, --help` and `--debug` (stack traces on errors).",
    "",
    "Exit codes: **0** success; **2** the input or the command line is wrong (the message, starting",
    "`strata: `, names the file, the field or flag, what was expected and what was found); **1** an",
    "internal error (a bug: please report it with `--debug`). Output files (`-o, --out FILE`) are written",
    "to a temporary file and renamed into place, and an output that is one of the inputs is refused;",
    "without `-o` (or with `-o -`) text goes to stdout.",
    "",
    "| command | what it does | flags |",
    "|---|---|---|",
    ...program.commands.flatMap((c) => rows(c, "strata ")),
    "",
  ].join("\n");
}
