// `node --import ./bench/thread-cpu.mjs ...` (Linux): at exit, writes the CPU seconds of the
// process's threads to the file named by STRATA_THREAD_CPU, as {"main", "v8", "workers"}: the main
// thread; the threads that exist before the command starts (V8's platform threads: its concurrent
// compiler and GC helpers); the threads started later (worker threads, and libuv's pool, idle here).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import { setInterval } from "node:timers";

const out = process.env.STRATA_THREAD_CPU;
const pid = String(process.pid);
const ticksPerSecond = 100;
const cpuOf = (tid) => {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
};
if (out) {
  const before = new Set(readdirSync("/proc/self/task"));
  const last = new Map();
  // Worker threads end before the process does: their last figures are kept from the samples.
  const sample = () => {
    for (const tid of readdirSync("/proc/self/task")) {
      try {
        last.set(tid, cpuOf(tid));
      } catch {
        // The thread ended between the listing and the read.
      }
    }
  };
  setInterval(sample, 50).unref();
  process.on("exit", () => {
    sample();
    const sum = { main: 0, v8: 0, workers: 0 };
    for (const [tid, s] of last) sum[tid === pid ? "main" : before.has(tid) ? "v8" : "workers"] += s;
    writeFileSync(out, JSON.stringify(sum));
  });
}
