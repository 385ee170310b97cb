/**
 * `strata ui`'s HTTP server: the dashboard's files and the JSON API (docs/ui-api.md) on
 * 127.0.0.1 unless told otherwise. Bodies are checked by the commands' schemas on this
 * thread; the calls run on compute threads; every error is `{"error": {"path", "message"}}`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { bundledWorkload, catalogJson } from "../commands/catalog.js";
import { readJson, saveUpload } from "./body.js";
import { Compute } from "./compute.js";
import { errorOf, HttpError } from "./errors.js";
import { Jobs, MAX_RUNNING } from "./jobs.js";
import { ROUTES } from "./routes.js";
import { SECURITY_HEADERS, serveStatic, WEB_ROOT } from "./static.js";

export const DEFAULT_HOST = "127.0.0.1";

export interface ServerOptions {
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: a free one). */
  port?: number;
  /** The dashboard's files (default: dist/web/ of the package). */
  webRoot?: string;
  /** Compute threads (default: the cores less one, at least 2). */
  threads?: number;
}

export interface UiServer {
  host: string;
  port: number;
  /** http://HOST:PORT/ */
  url: string;
  close(): Promise<void>;
}

const LOOPBACK = ["127.0.0.1", "localhost", "[::1]", "::1"];
const WILDCARD = ["0.0.0.0", "::", "[::]"];
const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const hostname = (hostHeader: string): string => hostHeader.replace(/:\d+$/, "").toLowerCase();

/**
 * Who may call: a Host naming this machine's loopback (or the --host bound: DNS rebinding
 * cannot reach the API), and an Origin, when sent, that is this server or a loopback page
 * (another web site cannot drive it from a browser).
 */
function checkCaller(req: IncomingMessage, bound: string): void {
  const host = String(req.headers.host ?? "");
  const allowed = [...LOOPBACK, bound.toLowerCase(), `[${bound.toLowerCase()}]`];
  if (!WILDCARD.includes(bound) && !allowed.includes(hostname(host))) throw new HttpError(403, `Host ${JSON.stringify(host)}: expected this machine (${LOOPBACK.slice(0, 3).join(", ")})`);
  const origin = req.headers.origin;
  if (origin === undefined) return;
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    url = undefined;
  }
  const same = url !== undefined && url.host.toLowerCase() === host.toLowerCase();
  const loopback = url !== undefined && url.protocol === "http:" && LOOPBACK.includes(url.hostname.toLowerCase());
  if (!same && !loopback) throw new HttpError(403, `Origin ${JSON.stringify(origin)}: the API answers this server's pages only`);
}

function send(res: ServerResponse, status: number, json: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers });
  res.end(json + "\n");
}

const methodNotAllowed = (allow: string): HttpError & { allow: string } => Object.assign(new HttpError(405, `method not allowed here; expected ${allow}`), { allow });

export async function startServer(o: ServerOptions = {}): Promise<UiServer> {
  const bound = o.host ?? DEFAULT_HOST;
  const webRoot = o.webRoot ?? WEB_ROOT;
  const compute = new Compute(o.threads);
  const jobs = new Jobs(compute);

  /** A route's input: the body checked (JSON), or the query checked and the trace saved. */
  async function inputOf(name: string, req: IncomingMessage, url: URL): Promise<{ input: unknown; upload?: { file: string; name: string; remove: () => Promise<void> } }> {
    const route = ROUTES[name]!;
    if (route.body === "json") return { input: route.parse(await readJson(req)) };
    const flags = route.parse(Object.fromEntries(url.searchParams)) as { name?: string };
    const upload = await saveUpload(req);
    return { input: { file: upload.file, flags }, upload: { ...upload, name: flags.name ?? "upload" } };
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.slice("/api/".length).replace(/\/+$/, "");
    const method = req.method ?? "GET";
    const only = (allow: string) => {
      if (!allow.split(", ").includes(method)) throw methodNotAllowed(allow);
    };
    if (path === "health") {
      only("GET");
      return send(res, 200, JSON.stringify({ ok: true }));
    }
    if (path === "catalog") {
      only("GET");
      return send(res, 200, JSON.stringify(catalogJson()));
    }
    const workload = /^workloads\/([^/]+)$/.exec(path);
    if (workload) {
      only("GET");
      const w = bundledWorkload(decodeURIComponent(workload[1]!));
      if (!w) throw new HttpError(404, `no bundled workload ${JSON.stringify(workload[1])}; GET /api/catalog lists them`);
      return send(res, 200, JSON.stringify(w));
    }
    const job = /^jobs\/([^/]+)(\/events)?$/.exec(path);
    if (job && JOB_ID.test(job[1]!)) {
      const id = job[1]!;
      if (job[2]) {
        only("GET");
        if (!jobs.follow(id, res, SECURITY_HEADERS)) throw new HttpError(404, `no job ${id}`);
        return;
      }
      only("GET, DELETE");
      if (method === "DELETE" && !jobs.cancel(id)) throw new HttpError(404, `no job ${id}`);
      const status = jobs.status(id);
      if (!status) throw new HttpError(404, `no job ${id}`);
      return send(res, 200, JSON.stringify(method === "DELETE" ? { id, state: status.state } : status));
    }
    const asJob = path.startsWith("jobs/");
    const name = asJob ? path.slice("jobs/".length) : path;
    if (!(name in ROUTES)) throw new HttpError(404, `no route /api/${path}; see docs/ui-api.md`);
    only("POST");
    if (asJob && jobs.running() >= MAX_RUNNING) throw new HttpError(429, `${MAX_RUNNING} jobs are running; wait for one to finish or cancel one (DELETE /api/jobs/ID)`);
    const { input, upload } = await inputOf(name, req, url);
    const shown = upload && { file: upload.file, name: upload.name };
    if (asJob) {
      const id = jobs.start(name, input, { upload: shown, cleanup: upload?.remove });
      return send(res, 202, JSON.stringify({ id, status: `/api/jobs/${id}`, events: `/api/jobs/${id}/events` }));
    }
    // A client that goes away stops its call.
    const abort = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) abort.abort();
    });
    try {
      const out = await compute.run(name, input, { signal: abort.signal, upload: shown });
      if (out.ok) send(res, 200, out.json);
      else send(res, out.status, JSON.stringify(out.body));
    } finally {
      await upload?.remove();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      checkCaller(req, bound);
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname === "/api" || url.pathname.startsWith("/api/")) return await api(req, res, url);
      if (req.method !== "GET" && req.method !== "HEAD") throw methodNotAllowed("GET, HEAD");
      if (!(await serveStatic(req, res, url.pathname, webRoot))) throw new HttpError(404, `no file ${url.pathname}`);
    } catch (err) {
      if (res.headersSent) return void res.destroy();
      const { status, body } = errorOf(err);
      const headers: Record<string, string> = {};
      if ("allow" in (err as object)) headers.Allow = (err as { allow: string }).allow;
      // A body left unread (refused early): read it away, then close, so the client sees the answer.
      if (!req.complete) {
        headers.Connection = "close";
        req.resume();
      }
      send(res, status, JSON.stringify(body), headers);
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(o.port ?? 0, bound, () => resolve());
    });
  } catch (err) {
    // A port in use, an address not this machine's: nothing may keep the process alive.
    await compute.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const shown = bound.includes(":") ? `[${bound}]` : bound;
  return {
    host: bound,
    port,
    url: `http://${shown}:${port}/`,
    async close() {
      jobs.cancelAll();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await compute.close();
    },
  };
}
