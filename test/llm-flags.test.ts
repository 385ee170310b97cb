/** Issue items 13 and 14 (llm part): output files and flag spellings (--out, --output-tokens, --count, --batch lists, --json). */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, expectNoBadNumbers, expectUserError, strata } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "strata-llm-flags-"));
const fixture = (n: string): string => `${ROOT}test/fixtures/llm/${n}`;

describe("item 13: output files", () => {
  it("llm import -o/--out writes atomically; --output still works (hidden, deprecated); - is stdout; the input is never overwritten", () => {
    const cfg = fixture("mixtral-config.json");
    const out = join(dir, "mix.json");
    const r = strata(["llm", "import", cfg, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8")).model.kind).toBe("moe-transformer");
    const old = join(dir, "mix-old.json");
    const o = strata(["llm", "import", cfg, "--output", old]);
    expect(o.code, o.stderr).toBe(0);
    expect(o.stderr).toContain("deprecated");
    expect(readFileSync(old, "utf8")).toBe(readFileSync(out, "utf8"));
    const dash = strata(["llm", "import", cfg, "-o", "-"]);
    expect(JSON.parse(dash.stdout).model.kind).toBe("moe-transformer");
    const copy = join(dir, "in.json");
    writeFileSync(copy, readFileSync(cfg));
    const self = strata(["llm", "import", copy, "-o", copy]);
    expect(self.code).toBe(2);
    expect(JSON.parse(readFileSync(copy, "utf8")).model_type).toBe("mixtral");
    expect(strata(["llm", "import", "--help"]).stdout).not.toContain("--output");
  });

  it("llm perf --output-tokens (generated tokens); --output is a deprecated alias", () => {
    const args = ["llm", "perf", "--model", "mixtral-8x7b", "--count", "2", "--prompt", "1000", "--json"];
    const r = strata([...args, "--output-tokens", "64"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).decode.context).toBe(1000 + 32);
    const o = strata([...args, "--output", "64"]);
    expect(o.code).toBe(0);
    expect(o.stderr).toContain("--output is deprecated, use --output-tokens");
    expect(JSON.parse(o.stdout)).toEqual(JSON.parse(r.stdout));
    expectUserError(strata([...args, "--output", "out.json"]), "--output", "--output-tokens", '"out.json"');
  });
});

describe("item 14: flag spellings", () => {
  it("llm train takes --count (--gpus kept as a hidden alias)", () => {
    const base = ["llm", "train", "--model", "llama4-scout-17b-16e", "--json"];
    const c = JSON.parse(strata([...base, "--count", "1000"]).stdout);
    expect(c.gpus).toBe(1000);
    const g = strata([...base, "--gpus", "1000"]);
    expect(g.code).toBe(0);
    expect(JSON.parse(g.stdout)).toEqual(c);
    expectUserError(strata([...base, "--count", "10", "--days", "30"]), "--days", "--count");
  });

  it("--batch is a list for perf and context; --json on every llm command that prints a table", () => {
    const perf = strata(["llm", "perf", "--model", "mixtral-8x7b", "--count", "2", "--batch", "1,4", "--json"]);
    expect(JSON.parse(perf.stdout).rows.map((x: { batch: number }) => x.batch)).toEqual([1, 4]);
    expectUserError(strata(["llm", "context", "--model", "mixtral-8x7b", "--batch", "1,0"]), "--batch", '"0"');
    expectUserError(strata(["llm", "perf", "--model", "mixtral-8x7b", "--batch", "2e6"]), "--batch", "1e6");
    for (const args of [["fit", "--model", "mixtral-8x7b", "--count", "2"], ["context", "--model", "mixtral-8x7b", "--count", "2"], ["info"], ["info", "mixtral-8x7b"]]) {
      const r = strata(["llm", ...args, "--json"]);
      expect(r.code, args.join(" ")).toBe(0);
      expect(() => JSON.parse(r.stdout)).not.toThrow();
      expectNoBadNumbers(r.stdout.replace(/"(spec|sources|facts|published)"[\s\S]*/, ""));
    }
  });
});
