/**
 * Documented bounds on the llm commands' numeric flags (docs/llm.md, "Bounds"). They keep every
 * figure finite and meaningful; a value outside them exits 2 naming the flag, the range and the
 * value found.
 */
import { UserError } from "../spec/errors.js";

export const BOUNDS = {
  /** GPUs in one deployment or training run (--count, --tp, --pp, --ep, and what --days asks for): the largest clusters are ~1e5. */
  maxGpus: 1e7,
  /** Sequences served or held at once (--batch): vLLM's default max_num_seqs is 256. */
  maxBatch: 1e6,
  /** Training tokens (--tokens): the largest published budgets are ~4e13 (Llama 4 Scout 40T, Qwen3 36T). */
  tokens: { min: 1, max: 1e16 },
  /** Model FLOPs utilisation (--mfu): large runs report 0.2-0.5; below 1% is a typo. */
  mfu: { min: 0.01, max: 1 },
  /** Target wall-clock days (--days): 0.01 days = 14.4 minutes, up to 100 years. */
  days: { min: 0.01, max: 36500 },
  /** GPU-hours to derive an implied MFU from (--gpu-hours): published runs are 1e6-1e8. */
  gpuHours: { min: 1, max: 1e12 },
  /** Training sequence length (--seq-len): at most the model's maximum position, and this. */
  maxSeqLen: 1e8,
  /** Share of GPU memory the engine may use (--utilization). */
  utilization: { min: 0.01, max: 1 },
  /** $ per GPU-hour (--price). */
  price: { max: 1e4 },
  /** Requests one simulated benchmark run sends (--requests): trtllm-bench's published runs use 1,000-30,000. */
  maxRequests: 1e5,
  /** Requests in flight (--concurrency): published sweeps go to a few thousand. */
  maxConcurrency: 1e5,
  /** Poisson arrival rate, requests per second (--rate). */
  rate: { max: 1e6 },
} as const;

const show = (n: number): string => (Math.abs(n) >= 1e6 ? n.toExponential().replace("e+", "e") : String(n));

/** A number in [min, max] (integer if asked), or a UserError naming the flag, the range and what was found. */
export function numberIn(flag: string, min: number, max: number, o: { integer?: boolean; minExclusive?: boolean; what?: string } = {}) {
  return (value: string): number => {
    const n = Number(value.trim());
    const what = o.what ?? (o.integer ? "an integer" : "a number");
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${show(min)}` : `${o.minExclusive ? "above" : "from"} ${show(min)} ${o.minExclusive ? "and at most" : "to"} ${show(max)}`;
    const ok = value.trim() !== "" && Number.isFinite(n) && (o.minExclusive ? n > min : n >= min) && n <= max && (!o.integer || Number.isSafeInteger(n));
    if (!ok) throw new UserError(`${flag}: expected ${what} ${range}, found ${JSON.stringify(value)}`);
    return n;
  };
}

/** A comma-separated list, each entry parsed by `one` (for sweeps: --batch 1,8,64). */
export function listOf<T>(flag: string, one: (v: string) => T) {
  return (value: string): T[] => {
    const parts = value.split(",").map((s) => s.trim());
    if (parts.some((s) => s === "")) throw new UserError(`${flag}: expected a comma-separated list of values, found ${JSON.stringify(value)}`);
    return parts.map(one);
  };
}

/** Throw (an internal error: a missing bound) if `value` holds a number that is not finite; `where` names the first one. */
export function assertFinite(value: unknown, where = "output"): void {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`${where} is ${value}: a bound is missing (please report)`);
  } else if (Array.isArray(value)) value.forEach((x, i) => assertFinite(x, `${where}[${i}]`));
  else if (value && typeof value === "object") for (const [k, x] of Object.entries(value)) assertFinite(x, `${where}.${k}`);
}

/** Throw (internal error) if printed text shows NaN or Infinity. */
export function assertFiniteText(text: string): void {
  const m = /\b(NaN|Infinity)\b/.exec(text);
  if (m) throw new Error(`output shows ${m[1]}: a bound is missing (please report)\n${text.slice(Math.max(0, m.index - 120), m.index + 20)}`);
}
