/** strata worker --redis URL: process sweep chunks from Redis (docs/sweeps.md) until SIGTERM. */
import { Option, type Command } from "commander";
import { availableParallelism } from "node:os";
import { threadPool } from "../sweep/pool.js";
import { CHUNK_QUEUE, redisClient, redisConnection } from "../sweep/redis.js";
import type { PackedRow } from "../sweep/packed.js";
import type { SweepTask } from "../sweep/run.js";
import { parsePositiveInteger } from "./run.js";

export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description("process `strata sweep --redis` chunks from a Redis server; SIGTERM or SIGINT finishes the current chunks and exits 0 (docs/sweeps.md)")
    .requiredOption("--redis <url>", "Redis server, redis://[user:password@]host[:port][/db]")
    .option("--concurrency <n>", "chunks at once, each in its own worker thread (default: the available cores)", parsePositiveInteger("--concurrency"))
    // How long a dead worker's chunk stays locked, and how often this worker looks for such chunks (BullMQ: 30 s; tests shorten it).
    .addOption(new Option("--lock-ms <ms>").hideHelp().argParser(parsePositiveInteger("--lock-ms")))
    .action(async (opts: { redis: string; concurrency?: number; lockMs?: number }) => {
      const where = redisConnection(opts.redis);
      // From here on SIGTERM and SIGINT mean "finish and exit 0".
      const stopped = new Promise<void>((resolve) => {
        process.once("SIGTERM", () => resolve());
        process.once("SIGINT", () => resolve());
      });
      const concurrency = opts.concurrency ?? availableParallelism();
      const connection = await redisClient(opts.redis);
      const [{ Worker }, pool] = await Promise.all([import("bullmq"), threadPool(concurrency)]);
      const worker = new Worker(CHUNK_QUEUE, async (job) => {
        const started = Date.now();
        process.stderr.write(`strata worker: chunk ${job.id}: ${(job.data as SweepTask).configs.length} configurations started\n`);
        const rows = (await pool.run(job.data as SweepTask)) as PackedRow[];
        process.stderr.write(`strata worker: chunk ${job.id}: ${rows.length} configurations in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        return rows;
      }, { connection, concurrency, ...(opts.lockMs ? { lockDuration: opts.lockMs, stalledInterval: opts.lockMs } : {}) });
      await worker.waitUntilReady();
      process.stderr.write(`strata worker: ${CHUNK_QUEUE} on ${where.host}:${where.port}, ${concurrency} at once\n`);
      await stopped;
      // close() waits for the chunks in hand to finish; a chunk a killed worker held goes back
      // to the queue when its lock lapses (BullMQ's stalled-job check) and another worker runs it.
      await worker.close();
      await pool.destroy();
      await connection.quit();
    });
}
