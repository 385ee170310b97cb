/**
 * The dashboard in a real browser (Debian's chromium): `strata ui` serving the built pages, one
 * real interaction per page, what is drawn asserted, a screenshot of each, keyboard navigation
 * and labelled controls, and not one request off 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers.js";
import { openDashboard, screenshot, unavailable, unlabelledControls, type Dashboard } from "./browser.js";

const missing = unavailable();
/** Per test: the server computes what the page asks (a tier placement takes ~10 s on 2 cores). */
const TIMEOUT = 240000;
/** How long a poll waits for the page (vitest's default, 1 s, is too short on a loaded machine). */
const WAIT = { timeout: 120000, interval: 200 };
if (missing && !process.env.CI) console.warn(`skipping the dashboard's browser tests: ${missing}`);

describe.skipIf(Boolean(missing) && !process.env.CI)("dashboard in chromium", () => {
  let d: Dashboard;
  beforeAll(async () => {
    if (missing) throw new Error(missing);
    d = await openDashboard();
  }, 120000);
  afterAll(async () => {
    await d?.close();
  });

  const open = async (route: string, heading: string) => {
    await d.page.goto(`${d.url}#/${route}`);
    await d.page.getByRole("heading", { level: 1, name: heading }).waitFor();
    expect(await unlabelledControls(d.page)).toEqual([]);
  };
  /** The number of marks of a kind inside a chart (by its test id). */
  const count = (testId: string, selector: string) => d.page.locator(`[data-testid="${testId}"] ${selector}`).count();

  it("Predict: pick a second GPU; both steps drawn side by side, the timeline zooms, the trace downloads", async () => {
    await open("predict", "Predict");
    await expect.poll(() => d.page.locator("#predict-workload-text").inputValue(), WAIT).toContain("dlrm-kaggle-b2048");
    await d.page.getByLabel("b200", { exact: true }).check();
    await d.page.getByRole("button", { name: "Predict" }).click();
    const bar = d.page.getByTestId("predict-step-bar");
    await bar.locator("svg").first().waitFor();
    await expect.poll(() => bar.textContent(), WAIT).toContain("b200 · reference");
    expect(await bar.textContent()).toContain("h100-sxm-80gb · reference");
    expect(await d.page.getByTestId("cli").first().textContent()).toContain("strata predict dlrm-kaggle-b2048.json --gpu h100-sxm-80gb --implementation reference --json");
    const spans = await count("predict-timeline-chart", "rect");
    expect(spans).toBeGreaterThan(100);
    await d.page.getByRole("button", { name: "Zoom in" }).click();
    await d.page.getByRole("button", { name: "Zoom in" }).click();
    await expect.poll(() => count("predict-timeline-chart", "rect"), WAIT).toBeLessThan(spans);
    const download = d.page.waitForEvent("download");
    await d.page.getByRole("link", { name: "Download the Chrome trace" }).click();
    const trace = JSON.parse(await (await (await download).createReadStream()).toArray().then((b) => Buffer.concat(b).toString("utf8"))) as { traceEvents: unknown[] };
    expect(trace.traceEvents.length).toBeGreaterThan(100);
    expect(await d.page.getByRole("link", { name: /Open in Perfetto/ }).getAttribute("href")).toBe("https://ui.perfetto.dev/");
    await d.page.getByRole("button", { name: "Reset" }).focus();
    await screenshot(d.page, "predict");
  }, TIMEOUT);

  it("Trace: upload a Kineto trace; steps, idle causes, T1-T5 and predicted drawn", async () => {
    await open("trace", "Trace");
    await d.page.getByLabel("Kineto trace").setInputFiles(`${ROOT}test/fixtures/dev19-rand-t4-d16-b512.kineto.json.gz`);
    await expect.poll(() => d.page.getByTestId("trace-summary").textContent(), { timeout: 120000 }).toMatch(/^3 steps, mean 4\.30\d ms/);
    expect(await count("trace-steps", "svg [aria-label='bar'] rect")).toBe(9);
    const t = d.page.locator("table", { has: d.page.locator("caption", { hasText: "Host overheads T1-T5" }) });
    expect(await t.locator("tbody tr").count()).toBe(5);
    expect(await d.page.getByTestId("trace-compare").textContent()).toContain("predicted");
    await screenshot(d.page, "trace");
  }, TIMEOUT);

  it("Plan: type a cluster; per-rank bars, the rank x table heatmap and the tables", async () => {
    await open("plan", "Plan");
    await expect.poll(() => d.page.locator("#plan-workload-text").inputValue(), WAIT).toContain("dlrm-kaggle-b2048");
    await d.page.getByLabel("Cluster").fill("1x4-h100-sxm-80gb");
    await d.page.getByRole("button", { name: "Plan" }).click();
    await expect.poll(() => d.page.getByTestId("plan-summary").textContent(), { timeout: 120000 }).toMatch(/^Feasible: step/);
    // 4 ranks x 26 tables of the Criteo Kaggle model: one cell per rank holding a table's work.
    expect(await count("plan-heatmap", "svg [aria-label='cell'] rect")).toBeGreaterThanOrEqual(26);
    expect(await d.page.getByTestId("plan-rank-hbm").textContent()).toContain("capacity");
    const ranks = d.page.locator("table", { has: d.page.locator("caption", { hasText: "Per rank" }) });
    expect(await ranks.locator("tbody tr").count()).toBe(4);
    // Each table's reason, as strata plan's text output gives it.
    const shards = d.page.locator("table", { has: d.page.locator("caption", { hasText: "Sharding per table" }) });
    expect(await shards.locator("thead th").allTextContents()).toContain("why");
    expect(await shards.locator("tbody").textContent()).toMatch(/fits one GPU|replicas|rows split|columns split/);
    await screenshot(d.page, "plan");
  }, TIMEOUT);

  it("Tiers: place the tables of the ZionEX-scale model on an MTrainS node; homes, caches, hit rates, nodes and power", async () => {
    await open("tiers", "Tiers");
    await expect.poll(() => d.page.locator("#tier-workload-text").inputValue(), WAIT).toContain("zionex");
    await d.page.getByRole("button", { name: "Place tables" }).click();
    await expect.poll(() => d.page.getByTestId("tier-summary").textContent(), { timeout: 200000 }).toMatch(/mtrains-a100 \(train\)/);
    expect(await d.page.getByTestId("tier-baseline").textContent()).toContain("(baseline)");
    expect(await count("tier-tables", "svg [aria-label='bar'] rect")).toBeGreaterThan(10);
    await screenshot(d.page, "tiers");
  }, TIMEOUT);

  it("Cache: change the policies and sizes; one curve per policy on a log axis, markers at the sizes", async () => {
    await open("cache", "Cache");
    await d.page.getByLabel("Requests").fill("100000");
    await d.page.getByLabel("fifo", { exact: true }).check();
    await d.page.getByLabel("Cache sizes (objects, comma-separated)").fill("500,5000");
    await d.page.getByRole("button", { name: "Draw the curves" }).click();
    const chart = d.page.getByTestId("cache-mrc");
    await chart.locator("svg").first().waitFor({ timeout: 120000 });
    const legend = await chart.textContent();
    for (const p of ["lru", "s3fifo", "belady", "fifo"]) expect(legend).toContain(p);
    // A marker per policy at each of the two sizes.
    expect(await count("cache-mrc", "svg [aria-label='dot'] circle")).toBe(8);
    // Both ran as jobs: a labelled bar each, at its end (100000 requests of 100000) once the curves are drawn.
    for (const label of ["Exact LRU curve: requests", "Policies simulated: requests"]) {
      const bar = d.page.getByRole("progressbar", { name: label });
      await expect.poll(() => bar.getAttribute("data-state"), WAIT).toBe("done");
      expect(await bar.getAttribute("value")).toBe(await bar.getAttribute("max"));
    }
    expect(await d.page.getByTestId("job-progress").textContent()).toContain("done, 100,000 of 100,000");
    await screenshot(d.page, "cache");
    // An access trace of one's own: uploaded as a job, its exact LRU curve drawn in place of the others.
    await d.page.getByLabel("Or upload an access trace").setInputFiles(`${ROOT}test/fixtures/cloudPhysicsIO.head5000.reindexed.oracleGeneral.bin.zst`);
    await expect.poll(() => d.page.getByTestId("cli").first().textContent(), WAIT).toContain("strata cache mrc cloudPhysicsIO.head5000.reindexed.oracleGeneral.bin.zst --json");
    expect(await d.page.getByRole("progressbar", { name: "Exact LRU curve: trace read" }).getAttribute("data-state")).toBe("done");
    expect(await count("cache-mrc", "svg [aria-label='dot'] circle")).toBe(0);
    expect(await count("cache-mrc", "svg [aria-label='line'] path")).toBe(1);
  }, TIMEOUT);

  it("LLM: fit and serve, then sweep and change an axis of the Pareto chart", async () => {
    await open("llm", "LLM");
    await d.page.getByRole("button", { name: "Fit and serve" }).click();
    await expect.poll(() => d.page.getByTestId("llm-summary").textContent(), { timeout: 120000 }).toMatch(/^Fits/);
    // Per GPU (llm fit --detail): weights, KV, activations and reserve against usable memory and HBM.
    const memory = await d.page.getByTestId("llm-memory").textContent();
    for (const part of ["capacity", "usable", "GB per GPU", "activations", "runtime reserve"]) expect(memory).toContain(part);
    expect(await d.page.getByTestId("llm-context").textContent()).toContain("hybrid");
    await d.page.getByRole("button", { name: "Sweep" }).click();
    await expect.poll(() => d.page.getByTestId("sweep-summary").textContent(), { timeout: 200000 }).toMatch(/^10 configurations/);
    expect(await d.page.getByRole("progressbar", { name: "Sweep: configurations" }).getAttribute("data-state")).toBe("done");
    // No configuration failed (the page shows the first failure's message).
    expect(await d.page.getByRole("alert").allTextContents()).toEqual([]);
    const pareto = d.page.getByTestId("sweep-pareto");
    expect(await pareto.textContent()).toContain("tokensPerSecPerUser");
    await d.page.getByLabel("x axis").selectOption("decode.stepMs");
    await expect.poll(() => pareto.textContent(), WAIT).toContain("decode.stepMs (lower is better)");
    await screenshot(d.page, "llm");
  }, TIMEOUT);

  it("keyboard: Tab reaches the page links, Enter opens a page and focus lands on its heading", async () => {
    await d.page.goto("about:blank"); // a fresh load: focus starts at the top of the page
    await open("predict", "Predict");
    await d.page.keyboard.press("Tab"); // the skip link
    expect(await d.page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to the page");
    const names: string[] = [];
    for (let i = 0; i < 6; i++) {
      await d.page.keyboard.press("Tab");
      names.push((await d.page.evaluate(() => document.activeElement?.textContent)) ?? "");
    }
    expect(names).toEqual(["Predict", "Trace", "Plan", "Tiers", "Cache", "LLM"]);
    await d.page.keyboard.press("Enter");
    await d.page.getByRole("heading", { level: 1, name: "LLM" }).waitFor();
    expect(await d.page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
    expect(await d.page.locator("nav a[aria-current=page]").textContent()).toBe("LLM");
  }, TIMEOUT);

  it("offline: the page asked nothing of any host but 127.0.0.1", () => {
    expect(d.offsite).toEqual([]);
  });
});
