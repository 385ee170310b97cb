/** Where a worker thread's module is, compiled or from source. */
import { fileURLToPath } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * A worker thread's entry (`base`: its module's URL without the extension): the .js file when
 * running compiled (dist/), the .ts file through tsx when running from source (tests,
 * `node --import tsx src/cli/main.ts`).
 */
export function workerEntry(base: URL): { filename: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith(".ts");
  const filename = fileURLToPath(`${base.href}${fromSource ? ".ts" : ".js"}`);
  if (!fromSource) return { filename, execArgv: [] };
  const inherited = process.execArgv.some((a, i, all) => a === "--import" && /tsx/.test(all[i + 1] ?? "") || /^--import=.*tsx/.test(a));
  if (inherited) return { filename, execArgv: process.execArgv };
  let tsx = "tsx";
  try {
    tsx = import.meta.resolve("tsx");
  } catch {
    // Resolved from the working directory instead.
  }
  return { filename, execArgv: [...process.execArgv, "--import", tsx] };
}

/**
 * Start a plain worker thread on the module at `base` (its URL without the extension). From
 * source, tsx's ESM hooks are not yet in place when a worker loads its entry module, so the
 * thread registers tsx's CommonJS hooks itself and requires the .ts file (piscina's threads
 * load theirs later, once the hooks are in place).
 */
export function startWorker(base: URL, options: Omit<WorkerOptions, "eval" | "execArgv">): Worker {
  const { filename } = workerEntry(base);
  if (!filename.endsWith(".ts")) return new Worker(filename, options);
  const tsx = fileURLToPath(import.meta.resolve("tsx/cjs"));
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(filename)});`, { ...options, eval: true });
}
