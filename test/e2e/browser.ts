/**
 * The browser tests' harness: Debian's chromium through playwright-core (never a downloaded
 * browser), `strata ui` started from the sources on a free port, every request that leaves
 * 127.0.0.1 blocked and recorded (the dashboard must work offline), screenshots under
 * test-artifacts/ui (and docs/ui with UPDATE_SCREENSHOTS=1).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { ROOT } from "../helpers.js";

export const CHROMIUM = process.env.STRATA_CHROMIUM ?? "/usr/bin/chromium";
export const ARTIFACTS = join(ROOT, "test-artifacts/ui");

/** Why the browser tests cannot run here, or undefined when they can. Under CI they must run. */
export function unavailable(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  return `${CHROMIUM} is missing: apt-get install chromium (Debian's package) to run the dashboard's browser tests`;
}

/** Newest modification time under a folder (the dashboard's sources), ms. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** dist/web as the sources are now: rebuilt when a source is newer (npm ci builds it in CI). */
export async function ensureBuilt(): Promise<void> {
  const index = join(ROOT, "dist/web/index.html");
  const sources = Math.max(newest(join(ROOT, "web")), newest(join(ROOT, "src/report/charts")));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const { build } = await import("vite");
  await build({ configFile: join(ROOT, "web/vite.config.ts"), logLevel: "error" });
}

export interface Dashboard {
  url: string;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Requests the page tried to send anywhere but 127.0.0.1. */
  offsite: string[];
  close: () => Promise<void>;
}

/** Start `strata ui --port 0` and wait for the address it prints. */
function startServer(): Promise<{ server: ChildProcess; url: string }> {
  const server = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/main.ts"), "ui", "--port", "0"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`strata ui printed no address in 30 s\n${out}${err}`)), 30000);
    server.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ server, url: m[0] });
      }
    });
    server.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    server.on("exit", (code) => reject(new Error(`strata ui exited with ${code}\n${out}${err}`)));
  });
}

export async function openDashboard(): Promise<Dashboard> {
  await ensureBuilt();
  // STRATA_UI_URL: drive a dashboard already running (while developing the pages) instead of starting one.
  const { server, url } = process.env.STRATA_UI_URL ? { server: undefined, url: process.env.STRATA_UI_URL } : await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"] });
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, acceptDownloads: true });
  const offsite: string[] = [];
  await context.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.hostname === "127.0.0.1" || u.protocol === "blob:" || u.protocol === "data:") return route.continue();
    offsite.push(route.request().url());
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  page.setDefaultTimeout(120000);
  return {
    url, browser, context, page, offsite,
    close: async () => {
      await browser.close().catch(() => undefined);
      server?.kill("SIGTERM");
    },
  };
}

/** A full-page screenshot in test-artifacts/ui, copied to docs/ui with UPDATE_SCREENSHOTS=1. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (process.env.UPDATE_SCREENSHOTS) {
    mkdirSync(join(ROOT, "docs/ui"), { recursive: true });
    copyFileSync(file, join(ROOT, "docs/ui", `${name}.png`));
  }
}

/** Controls without a label a screen reader would read (label element, aria-label or aria-labelledby). */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll("input, select, textarea, button")]
      .filter((el) => {
        const c = el as HTMLInputElement;
        if (c.type === "hidden") return false;
        const text = (el.tagName === "BUTTON" ? el.textContent?.trim() : "") || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
        return !text && !(c.labels && c.labels.length);
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}
