/**
 * The server's compute threads (piscina): every route's call runs off the main thread, so the
 * server keeps answering (health, static files, job events) while a sweep or a large curve runs.
 */
import { availableParallelism } from "node:os";
import { MessageChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import { workerEntry } from "../io/worker-entry.js";
import type { Progress } from "./routes.js";
import type { ComputeTask, Outcome } from "./worker.js";

export class Compute {
  private readonly pool: Piscina;

  /** `threads`: at most this many calls at once (default: the cores less one, at least 2). */
  constructor(threads = Math.max(2, availableParallelism() - 1)) {
    // One thread starts now, so the first call does not wait for the modules to load.
    this.pool = new Piscina({ ...workerEntry(new URL("./worker", import.meta.url)), minThreads: 1, maxThreads: threads, idleTimeout: 60_000, resourceLimits: { maxYoungGenerationSizeMb: 96 } });
  }

  /** Run a route's call; `onProgress` hears its progress; `signal` aborts it (the thread is ended). */
  async run(route: string, input: unknown, o: { onProgress?: Progress; signal?: AbortSignal; upload?: ComputeTask["upload"] } = {}): Promise<Outcome> {
    const { port1, port2 } = new MessageChannel();
    port1.on("message", (p: Parameters<Progress>[0]) => o.onProgress?.(p));
    const task: ComputeTask = { route, input, port: port2, upload: o.upload };
    try {
      return (await this.pool.run(task, { transferList: [port2], signal: o.signal })) as Outcome;
    } finally {
      port1.close();
    }
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
