/**
 * Import a workload from the DLRM reference's command line (facebookresearch/dlrm,
 * dlrm_s_pytorch.py): --arch-sparse-feature-size, --arch-embedding-size, --arch-mlp-bot,
 * --arch-mlp-top, --num-indices-per-lookup, --mini-batch-size (and a few optional ones).
 */
import { UserError } from "./errors.js";
import { Workload } from "./workload.js";
import { validate } from "./load.js";

/** Split a shell-like argument string, honouring single and double quotes (--a="x y"). */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let current = "";
  let inToken = false;
  let quote: string | undefined;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inToken = true;
    } else if (/\s/.test(ch)) {
      if (inToken) out.push(current);
      current = "";
      inToken = false;
    } else {
      current += ch;
      inToken = true;
    }
  }
  if (inToken) out.push(current);
  return out;
}

function dashList(name: string, value: string): number[] {
  const parts = value.split("-").map((s) => Number(s));
  if (parts.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new UserError(`dlrm-args: --${name}: expected dash-separated positive integers like 512-256-64, found ${JSON.stringify(value)}`);
  }
  return parts;
}

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UserError(`dlrm-args: --${name}: expected a positive integer, found ${JSON.stringify(value)}`);
  return n;
}

const KNOWN = new Set([
  "arch-sparse-feature-size", "arch-embedding-size", "arch-mlp-bot", "arch-mlp-top",
  "num-indices-per-lookup", "mini-batch-size", "arch-interaction-op", "test-mini-batch-size",
  "optimizer", "name",
]);

/** Parse the reference's flags into a workload; unknown flags are returned so the caller can warn. */
export function importDlrmArgs(text: string, gpu = "h100-sxm-80gb"): { workload: Workload; ignored: string[]; defaults: string[] } {
  const args = splitArgs(text);
  const values = new Map<string, string>();
  const ignored: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--")) continue;
    const eq = arg.indexOf("=");
    const key = arg.slice(2, eq < 0 ? undefined : eq);
    let value = eq < 0 ? undefined : arg.slice(eq + 1);
    if (value === undefined && i + 1 < args.length && !args[i + 1]!.startsWith("--")) value = args[++i];
    if (!KNOWN.has(key)) ignored.push(arg);
    else values.set(key, value ?? "");
  }
  const defaults: string[] = [];
  const need = (key: string, fallback?: string): string => {
    const v = values.get(key);
    if (v !== undefined) return v;
    if (fallback === undefined) throw new UserError(`dlrm-args: --${key} is required`);
    defaults.push(`--${key}=${fallback}`);
    return fallback;
  };
  const dim = positive("arch-sparse-feature-size", need("arch-sparse-feature-size"));
  const rows = dashList("arch-embedding-size", need("arch-embedding-size"));
  const bottomMlp = dashList("arch-mlp-bot", need("arch-mlp-bot"));
  const topMlp = dashList("arch-mlp-top", need("arch-mlp-top"));
  // The reference's defaults: 10 indices per lookup, mini-batch 1.
  const pooling = positive("num-indices-per-lookup", need("num-indices-per-lookup", "10"));
  const batchSize = positive("mini-batch-size", need("mini-batch-size", "1"));
  if (bottomMlp[bottomMlp.length - 1] !== dim) {
    throw new UserError(`dlrm-args: --arch-mlp-bot must end with --arch-sparse-feature-size (${dim}), found ${bottomMlp.join("-")}`);
  }
  const interaction = need("arch-interaction-op", "dot");
  const optimizer = need("optimizer", "sgd");
  const optimizerName = optimizer === "rwsadagrad" ? "rowwise-adagrad" : optimizer;
  const raw = {
    name: values.get("name") ?? `dlrm-t${rows.length}-d${dim}-b${batchSize}`,
    model: {
      kind: "dlrm", bottomMlp, topMlp, interaction, embeddingDim: dim,
      tables: rows.map((r) => ({ rows: r, pooling })),
      indexDistribution: { kind: "uniform" },
    },
    training: { batchSize, optimizer: optimizerName, precision: "fp32", loss: "bce" },
    hardware: { gpu, count: 1 },
  };
  return { workload: validate(Workload, raw, "dlrm-args"), ignored, defaults };
}
