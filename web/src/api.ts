/** The dashboard's calls to `strata ui`'s JSON API (docs/ui-api.md): same origin, JSON in and out. */

export interface ApiError {
  path: string;
  message: string;
}

/** A failed call: the server's `{"error": {"path", "message"}}`, or what went wrong on the way. */
export class ApiFailure extends Error {
  constructor(readonly status: number, readonly error: ApiError) {
    super(error.path ? `${error.path}: ${error.message}` : error.message);
  }
}

async function answer<T>(r: Response): Promise<T> {
  const text = await r.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiFailure(r.status, { path: "", message: `the server answered ${r.status} with something other than JSON` });
  }
  if (!r.ok) {
    const e = (body as { error?: ApiError } | undefined)?.error;
    throw new ApiFailure(r.status, e ?? { path: "", message: `the server answered ${r.status}` });
  }
  return body as T;
}

export async function getJson<T>(route: string): Promise<T> {
  return answer<T>(await fetch(route, { headers: { Accept: "application/json" } }));
}

export async function postJson<T>(route: string, body: unknown): Promise<T> {
  return answer<T>(await fetch(route, { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(body) }));
}

/** A file as the body (trace uploads): the bytes as they are. */
export async function postFile<T>(route: string, file: Blob): Promise<T> {
  return answer<T>(await fetch(route, { method: "POST", headers: { "Content-Type": "application/octet-stream", Accept: "application/json" }, body: file }));
}

/** GET /api/catalog: the pick lists. */
export interface Catalog {
  gpus: Array<{ id: string; name: string; hbmBytes: number }>;
  hosts: Array<{ id: string; name: string }>;
  referenceHost: string;
  clusters: Array<{ id: string; name: string; gpu: string; hosts: number; gpusPerHost: number }>;
  nodes: Array<{ id: string; name?: string; mode?: string }>;
  implementations: string[];
  strategies: string[];
  commPrecisions: string[];
  tierPolicies: string[];
  cachePolicies: string[];
  llmModels: Array<{ id: string; name: string; partial?: boolean }>;
  weights: string[];
  kv: string[];
  workloads: Array<{ name: string; kind: "preset" | "example" }>;
  sweepCommands: string[];
}

export const getCatalog = (): Promise<Catalog> => getJson<Catalog>("/api/catalog");

/** A job's progress as its events tell it: `done` of `total` (null: not known until the end), and the planner stage. */
export interface JobProgress {
  done: number;
  total: number | null;
  stage?: string;
}

/**
 * A long call as a job (docs/ui-api.md, "Jobs and server-sent events"): POST /api/jobs/ROUTE with
 * the route's body (JSON, or a file as it is), then follow its events, calling `onProgress` with
 * each `progress`, until `result` (the route's answer) or `error`.
 */
export async function runJob<T>(route: string, body: unknown, onProgress: (p: JobProgress) => void): Promise<T> {
  const { events } = body instanceof Blob
    ? await postFile<{ events: string }>(`/api/jobs/${route}`, body)
    : await postJson<{ events: string }>(`/api/jobs/${route}`, body);
  return new Promise<T>((resolve, reject) => {
    const source = new EventSource(events);
    const data = (e: Event): unknown => JSON.parse((e as MessageEvent<string>).data);
    source.addEventListener("progress", (e) => onProgress(data(e) as JobProgress));
    source.addEventListener("result", (e) => {
      source.close();
      resolve(data(e) as T);
    });
    source.addEventListener("error", (e) => {
      source.close();
      // The job's own `error` event carries a body; a dropped connection carries none.
      const sent = (e as MessageEvent<string | undefined>).data;
      const error = sent ? (JSON.parse(sent) as { error?: ApiError }).error : undefined;
      reject(new ApiFailure(0, error ?? { path: "", message: `lost the events of job ${route}: the server closed the connection` }));
    });
  });
}
