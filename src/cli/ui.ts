/** strata ui [--port N] [--open] [--host H]: the local web dashboard and its JSON API (docs/ui-api.md). */
import { spawn } from "node:child_process";
import type { Command } from "commander";
import { UserError } from "../spec/errors.js";
import { parseBoundedInteger } from "./cache.js";

/** Open `url` in the desktop's browser if there is one; a failure (no display, no opener) is ignored. */
function openBrowser(url: string): void {
  const opener = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  try {
    const child = spawn(opener, [url], { stdio: "ignore", detached: true });
    child.on("error", () => {});
    child.unref();
  } catch {
    // No opener: the printed address is enough.
  }
}

export function registerUi(program: Command): void {
  program
    .command("ui")
    .description("serve the dashboard and its JSON API on 127.0.0.1 (predict, plan, tier, llm, cache curves, traces, sweeps; docs/ui-api.md)")
    .option("--port <n>", "port (0: a free one)", parseBoundedInteger("--port", 0, 65535, "a TCP port"), 8470)
    .option("--host <address>", "interface to bind instead of 127.0.0.1 (anyone who reaches it can use the API)")
    .option("--open", "open the dashboard in the browser")
    .action(async (o: { port: number; host?: string; open?: boolean }) => {
      const { startServer } = await import("../server/server.js");
      if (o.host !== undefined && o.host !== "127.0.0.1") {
        process.stderr.write(`strata: warning: --host ${o.host}: the dashboard and its API (no authentication) are open to anyone who can reach ${o.host}\n`);
      }
      // SIGINT or SIGTERM, from the start on, closes the server and its threads; the command then exits 0.
      let signalled!: () => void;
      const stopped = new Promise<void>((resolve) => (signalled = resolve));
      const stop = () => signalled();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      try {
        const server = await startServer({ host: o.host, port: o.port }).catch((err: NodeJS.ErrnoException) => {
          if (err.code === "EADDRINUSE") throw new UserError(`--port ${o.port}: in use on ${o.host ?? "127.0.0.1"}; give another port, or --port 0 for a free one`);
          if (err.code === "EADDRNOTAVAIL" || err.code === "ENOTFOUND" || err.code === "EACCES") throw new UserError(`--host ${o.host ?? "127.0.0.1"} --port ${o.port}: cannot listen there (${err.code})`);
          throw err;
        });
        process.stdout.write(`Strata dashboard: ${server.url}\n`);
        if (o.open) openBrowser(server.url);
        await stopped;
        await server.close();
      } finally {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
      }
    });
}
