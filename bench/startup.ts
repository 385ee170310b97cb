/**
 * The start-up section of BENCHMARKS.md: wall clock of short command lines (best of RUNS,
 * interleaved) and the files each loads (test/fixtures/record-imports.mjs). STARTUP_BEFORE=DIR
 * (another checkout, built; BEFORE_LABEL names it) adds its figures side by side.
 * Run alone: `npm run build && node --import tsx bench/startup.ts`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { checkoutLabel, timed, waitForIdle } from "./machine.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const HOOK = pathToFileURL(join(ROOT, "test/fixtures/record-imports.mjs")).href;
const RUNS = Number(process.env.STARTUP_RUNS ?? 10);
const PREDICT = ["predict", "data/examples/dlrm-kaggle-b2048.json", "--json"];

interface Line {
  label: string;
  /** The command and its arguments, run in a checkout's root. */
  argv: (root: string) => [string, string[]];
  /** Count the files it loads (node commands only). */
  files?: boolean;
}

const node = (args: string[]) => (root: string): [string, string[]] => [process.execPath, [join(root, "dist/cli/main.js"), ...args]];
const LINES: Line[] = [
  { label: "`node -e 0` (Node alone)", argv: () => [process.execPath, ["-e", "0"]] },
  { label: "`node dist/cli/main.js --version`", argv: node(["--version"]), files: true },
  { label: "`node dist/cli/main.js catalog`", argv: node(["catalog"]), files: true },
  { label: `\`node dist/cli/main.js ${PREDICT.join(" ")}\``, argv: node(PREDICT), files: true },
  { label: "`npx strata --version`", argv: () => ["npx", ["strata", "--version"]] },
  { label: `\`npx strata ${PREDICT.join(" ")}\``, argv: () => ["npx", ["strata", ...PREDICT]] },
];

/** Files of the repository and packages one command line loads. */
function filesLoaded(root: string, args: string[]): number {
  const r = spawnSync(process.execPath, ["--import", HOOK, join(root, "dist/cli/main.js"), ...args], { cwd: root, encoding: "utf8" });
  return [...r.stderr.matchAll(/^loaded file:/gm)].length;
}

export async function startupSection(): Promise<string[]> {
  const build = spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`build failed: ${build.stdout}${build.stderr}`);
  const roots = [ROOT, ...(process.env.STARTUP_BEFORE ? [process.env.STARTUP_BEFORE] : [])];
  const dir = mkdtempSync(join(tmpdir(), "strata-bench-startup-"));
  // npx links the package into npm's cache (and builds it) on its first call: not start-up.
  for (const root of roots) spawnSync("npx", ["strata", "--version"], { cwd: root });
  const best = new Map<string, number>();
  let idle = 0;
  try {
    for (let r = 0; r < RUNS; r++) {
      for (const line of LINES) {
        for (const root of roots) {
          if (await waitForIdle(30_000)) idle++;
          const [cmd, args] = line.argv(root);
          const t = await timed(cmd, args, join(dir, "out"), root);
          if (t.code !== 0) throw new Error(`${cmd} ${args.join(" ")} failed in ${root}: ${t.stderr}`);
          const key = `${line.label}@${root}`;
          best.set(key, Math.min(best.get(key) ?? Infinity, t.seconds));
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const cell = (line: Line, root: string): string => {
    const ms = (best.get(`${line.label}@${root}`)! * 1000).toFixed(0);
    return line.files ? `${ms} ms, ${filesLoaded(root, line.argv(root)[1].slice(1))} files` : `${ms} ms`;
  };
  const before = roots[1];
  return [
    "## Start-up (`node dist/cli/main.js`, `npx strata`)",
    "",
    `Wall clock of short command lines, best of ${RUNS} (interleaved; ${idle} of ${RUNS * LINES.length * roots.length} runs found idle CPUs within 30 s), and the files each loads (ES modules of this package and its dependencies, counted by test/fixtures/record-imports.mjs).` +
      (before ? ` Before: the same lines in another checkout, ${checkoutLabel(before)}.` : ""),
    "",
    `| command line | ${before ? "before | " : ""}now |`,
    `|---|${before ? "---|" : ""}---|`,
    ...LINES.map((l) => `| ${l.label} | ${before ? `${cell(l, before)} | ` : ""}${cell(l, ROOT)} |`),
    "",
    "What a command costs beyond Node's own start-up is the modules it loads: each command line loads only its command's module (src/cli/program.ts; test/cli-imports.test.ts holds `--version` and `catalog` to it). The difference between the `npx strata` and `node dist/cli/main.js` lines is npx itself (npm's CLI starting and resolving the package's bin), the same for every command; an installed `strata` (`npm install -g`, `npm link`) starts as `node dist/cli/main.js` does.",
    "",
    `Machine: ${cpus()[0]?.model ?? "unknown CPU"} x ${cpus().length}, Node ${process.version}. Reproduce: \`npm run build && node --import tsx bench/startup.ts\`.`,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) console.log((await startupSection()).join("\n"));
