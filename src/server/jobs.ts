/**
 * Long calls as jobs: a job runs one route's call on a compute thread and keeps its latest
 * progress and its outcome; clients follow it as server-sent events (`progress`, then `result`
 * or `error`), late ones getting the latest progress and then the outcome at once.
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { Compute } from "./compute.js";
import type { ErrorBody } from "./errors.js";
import type { Progress } from "./routes.js";
import type { ComputeTask } from "./worker.js";

export type JobState = "running" | "done" | "failed" | "cancelled";
type ProgressData = Parameters<Progress>[0];
type JobEvent = { event: "progress"; data: ProgressData } | { event: "result"; json: string } | { event: "error"; data: ErrorBody };

interface Job {
  id: string;
  route: string;
  state: JobState;
  progress?: ProgressData;
  /** The answer as JSON text. */
  result?: string;
  error?: ErrorBody;
  finishedAt?: number;
  listeners: Set<(e: JobEvent) => void>;
  abort: AbortController;
}

/** Jobs running at once (each holds a compute thread or waits for one). */
export const MAX_RUNNING = 4;
/** Finished jobs are kept this long, and at most this many. */
const KEEP_MS = 15 * 60_000;
const KEEP_FINISHED = 100;
/** A comment line this often keeps an idle event stream open through proxies. */
const HEARTBEAT_MS = 15_000;

const CANCELLED: ErrorBody = { error: { path: "", message: "cancelled" } };

function frame(e: JobEvent): string {
  return `event: ${e.event}\ndata: ${e.event === "result" ? e.json : JSON.stringify(e.data)}\n\n`;
}

export class Jobs {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly compute: Compute) {}

  running(): number {
    return [...this.jobs.values()].filter((j) => j.state === "running").length;
  }

  /** Start a job; `cleanup` runs when it ends (an upload's temporary file). */
  start(route: string, input: unknown, o: { upload?: ComputeTask["upload"]; cleanup?: () => Promise<void> } = {}): string {
    this.prune();
    const job: Job = { id: randomUUID(), route, state: "running", listeners: new Set(), abort: new AbortController() };
    this.jobs.set(job.id, job);
    const emit = (e: JobEvent) => job.listeners.forEach((l) => l(e));
    const finish = (state: JobState, e: JobEvent) => {
      if (job.state !== "running") return;
      job.state = state;
      job.finishedAt = Date.now();
      if (e.event === "result") job.result = e.json;
      if (e.event === "error") job.error = e.data;
      emit(e);
      job.listeners.clear();
    };
    job.abort.signal.addEventListener("abort", () => finish("cancelled", { event: "error", data: CANCELLED }));
    const onProgress: Progress = (p) => {
      if (job.state !== "running") return;
      job.progress = p;
      emit({ event: "progress", data: p });
    };
    this.compute.run(route, input, { onProgress, signal: job.abort.signal, upload: o.upload })
      .then((out) => finish(out.ok ? "done" : "failed", out.ok ? { event: "result", json: out.json } : { event: "error", data: out.body }))
      .catch((err: unknown) => finish("failed", { event: "error", data: { error: { path: "", message: `internal error: ${(err as Error)?.message ?? String(err)}` } } }))
      .finally(() => void o.cleanup?.());
    return job.id;
  }

  /** `GET /api/jobs/ID`, or undefined for an unknown job. */
  status(id: string): Record<string, unknown> | undefined {
    const j = this.jobs.get(id);
    if (!j) return undefined;
    return { id: j.id, route: j.route, state: j.state, ...(j.progress ? { progress: j.progress } : {}), ...(j.result !== undefined ? { result: JSON.parse(j.result) as unknown } : {}), ...(j.error ? { error: j.error.error } : {}) };
  }

  /** Cancel a running job; false for an unknown one. */
  cancel(id: string): boolean {
    const j = this.jobs.get(id);
    if (!j) return false;
    if (j.state === "running") j.abort.abort();
    return true;
  }

  /** Stream a job's events on `res`; false for an unknown job. */
  follow(id: string, res: ServerResponse, headers: Record<string, string>): boolean {
    const j = this.jobs.get(id);
    if (!j) return false;
    res.writeHead(200, { ...headers, "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache", Connection: "keep-alive", "X-Accel-Buffering": "no" });
    if (j.progress) res.write(frame({ event: "progress", data: j.progress }));
    const final = j.result !== undefined ? { event: "result" as const, json: j.result } : j.error ? { event: "error" as const, data: j.error } : undefined;
    if (final) {
      res.end(frame(final));
      return true;
    }
    const heartbeat = setInterval(() => res.write(": heartbeat\n\n"), HEARTBEAT_MS);
    heartbeat.unref();
    const listener = (e: JobEvent) => {
      res.write(frame(e));
      if (e.event !== "progress") {
        clearInterval(heartbeat);
        res.end();
      }
    };
    j.listeners.add(listener);
    res.on("close", () => {
      clearInterval(heartbeat);
      j.listeners.delete(listener);
    });
    return true;
  }

  /** Cancel every running job (the server is closing). */
  cancelAll(): void {
    for (const j of this.jobs.values()) if (j.state === "running") j.abort.abort();
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.finishedAt !== undefined).sort((a, b) => a.finishedAt! - b.finishedAt!);
    const now = Date.now();
    finished.forEach((j, i) => {
      if (now - j.finishedAt! > KEEP_MS || finished.length - i > KEEP_FINISHED) this.jobs.delete(j.id);
    });
  }
}
