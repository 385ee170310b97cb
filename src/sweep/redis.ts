/**
 * Sweeps over Redis with BullMQ (docs/sweeps.md): a flow of one parent job and one child job per
 * chunk of configurations; job ids come from the hash of the sweep and the chunk's index, so
 * enqueuing the same sweep again (a retry, a second host) adds nothing and reuses what finished.
 * `strata worker` processes chunks on any host that reaches the Redis server.
 */
import { createHash } from "node:crypto";
import { UserError } from "../spec/errors.js";
import { tasks } from "./pool.js";
import { pack, type PackedRow } from "./packed.js";
import type { SweepTask } from "./run.js";
import type { SweepPlan } from "./spec.js";

export const CHUNK_QUEUE = "strata-sweep-chunks";
export const PARENT_QUEUE = "strata-sweeps";
/** Finished chunks stay a day: the same sweep run again within it is answered from them. */
const KEEP_SECONDS = 86400;

export interface RedisConnection {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: object;
  maxRetriesPerRequest: null;
}

/** redis://[user:password@]host[:port][/db] (rediss:// for TLS) as BullMQ's connection options. */
export function redisConnection(url: string): RedisConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`--redis: expected a URL such as redis://127.0.0.1:6379, found ${JSON.stringify(url)}`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") throw new UserError(`--redis: expected a redis:// or rediss:// URL, found ${JSON.stringify(url)}`);
  const db = u.pathname.replace(/^\//, "");
  if (db && !/^\d+$/.test(db)) throw new UserError(`--redis: expected a database number after the host, found ${JSON.stringify(db)}`);
  return {
    host: u.hostname || "127.0.0.1",
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    // BullMQ workers block on Redis: they must not give up after a few retries.
    maxRetriesPerRequest: null,
  };
}

/** A client for BullMQ (which takes ioredis as a peer: in ESM it wants a client, not options). */
export async function redisClient(url: string) {
  const connection = redisConnection(url);
  const { Redis } = await import("ioredis");
  return new Redis(connection);
}

/** The sweep's identity: its tasks (command, base workload, flags, configurations, chunking). */
export function sweepHash(all: readonly SweepTask[]): string {
  return createHash("sha256").update(JSON.stringify(all)).digest("hex").slice(0, 32);
}

/**
 * Enqueue the sweep's chunks (idempotently) and wait for workers to finish them; rows in index
 * order. A chunk that failed every attempt becomes error rows for its configurations.
 */
export async function runSweepOnRedis(plan: SweepPlan, url: string, onChunk: (done: number) => void = () => {}, pollMs = 200): Promise<PackedRow[]> {
  const connection = await redisClient(url);
  const { FlowProducer, Queue } = await import("bullmq");
  // Chunks for many hosts: about 64 tasks, at most 256 configurations each (fewer jobs to poll).
  const all = tasks(plan, plan.spec.chunk ?? Math.max(1, Math.min(256, Math.ceil(plan.configs.length / 64))));
  const hash = sweepHash(all);
  const flow = new FlowProducer({ connection });
  const queue = new Queue(CHUNK_QUEUE, { connection });
  try {
    await flow.add({
      name: "sweep",
      queueName: PARENT_QUEUE,
      data: { hash, chunks: all.length, file: plan.file },
      opts: { jobId: hash, removeOnComplete: { age: KEEP_SECONDS } },
      children: all.map((t, i) => ({
        name: "chunk",
        queueName: CHUNK_QUEUE,
        data: t,
        opts: { jobId: `${hash}-${i}`, attempts: 3, backoff: { type: "fixed", delay: 1000 }, removeOnComplete: { age: KEEP_SECONDS }, removeOnFail: { age: KEEP_SECONDS }, failParentOnFailure: false, ignoreDependencyOnFailure: true },
      })),
    });
    const results: (PackedRow[] | undefined)[] = new Array(all.length);
    let left = all.length;
    while (left > 0) {
      for (const [i, t] of all.entries()) {
        if (results[i]) continue;
        const job = await queue.getJob(`${hash}-${i}`);
        if (!job) throw new UserError(`--redis: chunk ${i} of sweep ${hash} is gone from ${CHUNK_QUEUE} (removed while the sweep ran?); run the sweep again`);
        const state = await job.getState();
        if (state === "completed") results[i] = job.returnvalue as PackedRow[];
        else if (state === "failed" && job.attemptsMade >= (job.opts.attempts ?? 1)) {
          results[i] = t.configs.map((c) => pack({ index: c.index, params: c.params, error: `chunk ${i} failed on its workers: ${job.failedReason}` }, t));
        }
        if (results[i]) {
          left--;
          onChunk(t.configs.length);
        }
      }
      if (left > 0) await new Promise((r) => setTimeout(r, pollMs));
    }
    return results.flatMap((r) => r!);
  } finally {
    await flow.close();
    await queue.close();
    await connection.quit();
  }
}
