import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UserError } from "../src/spec/errors.js";
import { loadWorkload, parseDocument, validate } from "../src/spec/load.js";
import { Workload } from "../src/spec/workload.js";
import { example, strata } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "strata-spec-"));
const write = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe("workload spec", () => {
  it("loads the bundled examples, defaults filled in", () => {
    const w = loadWorkload(example("dlrm-kaggle-b2048"));
    expect(w.model.kind).toBe("dlrm");
    if (w.model.kind === "dlrm") expect(w.model.tables).toHaveLength(26);
    expect(w.training.optimizer).toBe("sgd");
  });

  it("accepts an unknown measured block and YAML", () => {
    const file = write("w.yaml", "name: y\nmodel:\n  kind: dlrm\n  bottomMlp: [4, 8]\n  topMlp: [1]\n  embeddingDim: 8\n  tables: [{rows: 10, pooling: 2}]\ntraining: {batchSize: 4}\nmeasured: {anything: [1, 2]}\n");
    expect(loadWorkload(file).name).toBe("y");
  });

  it("names the file, the field path, the expectation and what it found", () => {
    const file = write("bad.json", JSON.stringify({ name: "b", model: { kind: "dlrm", bottomMlp: [4, 8], topMlp: [1], embeddingDim: 8, tables: [{ rows: -5, pooling: 1 }] }, training: { batchSize: 4 } }));
    expect(() => loadWorkload(file)).toThrow(UserError);
    try {
      loadWorkload(file);
    } catch (err) {
      const msg = (err as Error).message;
      expect(msg).toContain("bad.json");
      expect(msg).toContain("model.tables[0].rows");
      expect(msg).toMatch(/expected|Too small|>0/i);
      expect(msg).toContain("found -5");
    }
  });

  it("the CLI exits 2 with the error and no stack trace", () => {
    const file = write("bad2.json", JSON.stringify({ name: "b", model: { kind: "dlrm" }, training: { batchSize: "big" } }));
    const r = strata(["predict", file, "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("bad2.json");
    expect(r.stderr).toContain("training.batchSize");
    expect(r.stderr).not.toContain("    at ");
  });

  it("syntax errors name the file", () => {
    const file = write("broken.json", "{\"name\": ");
    expect(() => loadWorkload(file)).toThrow(/broken\.json: not valid JSON/);
  });

  it("fuzz: any document either validates or fails with a UserError", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          validate(Workload, value, "fuzz.json");
        } catch (err) {
          expect(err).toBeInstanceOf(UserError);
          expect((err as Error).message).toContain("fuzz.json");
        }
      }),
      { numRuns: 300 },
    );
  });

  it("fuzz: arbitrary text never crashes the parser with anything but a UserError", () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom("x.json", "x.yaml"), (text, name) => {
        try {
          parseDocument(text, name);
        } catch (err) {
          expect(err).toBeInstanceOf(UserError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
