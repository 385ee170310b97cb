/** A compute thread of `strata ui`: runs one route's library call (routes.ts), telling its progress on a message port. */
import type { MessagePort } from "node:worker_threads";
import { errorOf, type ErrorBody } from "./errors.js";
import { ROUTES, type Progress } from "./routes.js";

export interface ComputeTask {
  route: string;
  input: unknown;
  port: MessagePort;
  /** An upload's temporary file, shown as the name the client gave it (answers and errors name their input). */
  upload?: { file: string; name: string };
}

/** The answer as JSON text (what the route sends), or the error's status and body. */
export type Outcome = { ok: true; json: string } | { ok: false; status: number; body: ErrorBody };

/** Progress as it changes by a percent (a known total) or as told (an unknown one: trace events, planner stages come seldom). */
function throttled(post: Progress): Progress {
  let last = -1;
  return (p) => {
    if (p.total !== null) {
      const percent = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100;
      if (percent === last) return;
      last = percent;
    }
    post(p);
  };
}

export default async function run(task: ComputeTask): Promise<Outcome> {
  const route = ROUTES[task.route];
  const { upload } = task;
  const scrub = (s: string): string => (upload ? s.split(upload.file).join(upload.name) : s);
  try {
    if (!route) throw new Error(`no route ${task.route}`);
    const result = await route.run(task.input as never, throttled((p) => task.port.postMessage(p)));
    const json = JSON.stringify(result);
    return { ok: true, json: upload ? json.split(JSON.stringify(upload.file).slice(1, -1)).join(JSON.stringify(upload.name).slice(1, -1)) : json };
  } catch (err) {
    return { ok: false, ...errorOf(err, route?.fields, scrub) };
  } finally {
    task.port.close();
  }
}
