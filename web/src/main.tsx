/** The Strata dashboard: one page per capability, routed by the URL's hash, over `strata ui`'s API. */
import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { getCatalog, type Catalog } from "./api.js";
import { ErrorBox } from "./components.js";
import { CachePage } from "./pages/cache.js";
import { LlmPage } from "./pages/llm.js";
import { PlanPage } from "./pages/plan.js";
import { PredictPage } from "./pages/predict.js";
import { TiersPage } from "./pages/tiers.js";
import { TracePage } from "./pages/trace.js";
import "./style.css";

const PAGES = [
  { route: "predict", title: "Predict", Page: PredictPage },
  { route: "trace", title: "Trace", Page: TracePage },
  { route: "plan", title: "Plan", Page: PlanPage },
  { route: "tiers", title: "Tiers", Page: TiersPage },
  { route: "cache", title: "Cache", Page: CachePage },
  { route: "llm", title: "LLM", Page: LlmPage },
] as const;

const routeOf = (): string => location.hash.replace(/^#\/?/, "") || "predict";

function App() {
  const [route, setRoute] = useState(routeOf());
  const [catalog, setCatalog] = useState<Catalog>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    const onHash = () => setRoute(routeOf());
    addEventListener("hashchange", onHash);
    getCatalog().then(setCatalog, setError);
    return () => removeEventListener("hashchange", onHash);
  }, []);
  const page = PAGES.find((p) => p.route === route) ?? PAGES[0];
  const shown = useRef<string | undefined>(undefined);
  useEffect(() => {
    document.title = `${page.title} · Strata`;
    if (!catalog) return;
    // Another page: move focus to its heading, as a page load would (not on the first load).
    if (shown.current && shown.current !== page.route) {
      const h = document.querySelector<HTMLElement>("main h1");
      if (h) {
        h.tabIndex = -1;
        h.focus();
      }
    }
    shown.current = page.route;
  }, [page, catalog]);
  return (
    <>
      <a class="skip" href="#main">Skip to the page</a>
      <header>
        <span class="brand">Strata</span>
        <nav aria-label="Pages">
          {PAGES.map((p) => <a key={p.route} href={`#/${p.route}`} aria-current={p === page ? "page" : undefined}>{p.title}</a>)}
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <ErrorBox error={error} />
        {catalog ? <page.Page catalog={catalog} /> : error ? null : <p>Loading the catalog…</p>}
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
