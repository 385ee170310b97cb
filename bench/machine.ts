/**
 * Wall-clock benchmarks of whole command lines on a shared machine: other work only ever adds
 * time, so runs wait for idle CPUs (Linux /proc/stat) and the best of several counts.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";

/** Busy and total CPU ticks of the whole machine so far (undefined off Linux). */
function cpuTicks(): { busy: number; total: number } | undefined {
  if (!existsSync("/proc/stat")) return undefined;
  const [, ...f] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal
  const idle = f[3]! + f[4]!;
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** The machine's busy share over `ms` (0..1; 0 off Linux). */
export async function busyShare(ms = 2000): Promise<number> {
  const a = cpuTicks();
  await new Promise((r) => setTimeout(r, ms));
  const b = cpuTicks();
  return a && b && b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : 0;
}

/** Wait until the CPUs are idle (under 10% busy over 2 s), at most `maxMs`; whether they were. */
export async function waitForIdle(maxMs = 120_000): Promise<boolean> {
  const until = Date.now() + maxMs;
  for (;;) {
    if ((await busyShare()) < 0.1) return true;
    if (Date.now() > until) return false;
  }
}

/** Run a command with stdout to `outFile` (large outputs), stderr kept; wall seconds and exit code. */
export function timed(cmd: string, args: string[], outFile: string, cwd?: string, env?: NodeJS.ProcessEnv): Promise<{ seconds: number; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const fd = openSync(outFile, "w");
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", fd, "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      closeSync(fd);
      resolve({ seconds: (performance.now() - t0) / 1000, code, stderr });
    });
  });
}

/** How a table names another checkout (SWEEP_BEFORE, STARTUP_BEFORE): BEFORE_LABEL, else its path. */
export function checkoutLabel(root: string): string {
  return process.env.BEFORE_LABEL ?? `\`${root}\``;
}
