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
