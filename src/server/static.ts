/** The dashboard's files (the Vite build in dist/web/), served with their types and a policy that allows no other origin. */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** dist/web/ of the package, from src/server/ (tsx, tests) and from dist/server/ (built). */
export const WEB_ROOT = fileURLToPath(new URL("../../dist/web/", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
};

/** Every answer's headers: the page may load nothing from another origin, so it behaves online as offline. */
export const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Strata dashboard</title></head>
<body><h1>Strata dashboard</h1>
<p>The dashboard's pages are not built. Run <code>npm run build</code> in the package folder, then start <code>strata ui</code> again.</p>
<p>The API works meanwhile: <a href="/api/health">/api/health</a>, <a href="/api/catalog">/api/catalog</a> (docs/ui-api.md).</p>
</body></html>
`;

async function fileAt(path: string): Promise<{ size: number } | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? s : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serve `pathname` from `root`: the file, else index.html for a path without an extension (the
 * pages' own routes); false when there is nothing to serve (a 404).
 */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string, root = WEB_ROOT): Promise<boolean> {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  if (relative.includes("\0")) return false;
  const target = normalize(join(root, relative));
  // Never outside the root (a "../" in the path).
  if (target !== normalize(root) && !target.startsWith(normalize(root + sep))) return false;
  const index = join(root, "index.html");
  let file = relative.endsWith("/") ? join(target, "index.html") : target;
  let info = await fileAt(file);
  if (!info && !extname(relative)) info = await fileAt((file = index));
  if (!info) {
    if (file !== index || (await fileAt(index))) return false;
    res.writeHead(200, { ...SECURITY_HEADERS, "Content-Type": TYPES[".html"]!, "Cache-Control": "no-cache" });
    res.end(req.method === "HEAD" ? undefined : NOT_BUILT);
    return true;
  }
  const hashed = relative.startsWith("/assets/");
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    "Content-Type": TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
    "Content-Length": String(info.size),
    "Cache-Control": hashed ? "public, max-age=31536000, immutable" : "no-cache",
  });
  if (req.method === "HEAD") {
    res.end();
    return true;
  }
  createReadStream(file).pipe(res);
  return true;
}
