import { describe, expect, it } from "vitest";
import { importDlrmArgs, splitArgs } from "../src/spec/dlrm-args.js";
import { UserError } from "../src/spec/errors.js";
import { strata } from "./helpers.js";

const KAGGLE = '--arch-sparse-feature-size=16 --arch-embedding-size="1460-583-10131227" --arch-mlp-bot="13-512-256-64-16" --arch-mlp-top="512-256-1" --num-indices-per-lookup 1 --mini-batch-size=2048 --print-freq=1024';

describe("import dlrm-args", () => {
  it("splits quoted arguments", () => {
    expect(splitArgs(`--a="x y" --b 'z' c`)).toEqual(["--a=x y", "--b", "z", "c"]);
  });

  it("builds the workload from the reference's flags", () => {
    const { workload, ignored } = importDlrmArgs(KAGGLE);
    expect(workload.model.kind).toBe("dlrm");
    if (workload.model.kind !== "dlrm") return;
    expect(workload.model.embeddingDim).toBe(16);
    expect(workload.model.tables.map((t) => t.rows)).toEqual([1460, 583, 10131227]);
    expect(workload.model.tables.every((t) => t.pooling === 1)).toBe(true);
    expect(workload.model.bottomMlp).toEqual([13, 512, 256, 64, 16]);
    expect(workload.model.topMlp).toEqual([512, 256, 1]);
    expect(workload.training.batchSize).toBe(2048);
    expect(ignored).toEqual(["--print-freq=1024"]);
  });

  it("rejects a bottom MLP that does not end at the embedding size", () => {
    expect(() => importDlrmArgs("--arch-sparse-feature-size=16 --arch-embedding-size=10 --arch-mlp-bot=13-32 --arch-mlp-top=1")).toThrow(UserError);
  });

  it("rejects malformed lists", () => {
    expect(() => importDlrmArgs("--arch-sparse-feature-size=16 --arch-embedding-size=10-x --arch-mlp-bot=13-16 --arch-mlp-top=1")).toThrow(/arch-embedding-size/);
  });

  it("prints a workload that predict accepts", () => {
    const r = strata(["import", "dlrm-args", KAGGLE]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).model.tables).toHaveLength(3);
  });
});
