/** The API's bodies for `strata cache mrc|simulate` on a generated trace: the `cache gen` flags as a generator, then the command's flags. */
import { z } from "zod";
import { MAX_REQUESTS } from "../cache/generate.js";
import { resolveFormat } from "../cache/open.js";
import type { TraceFormat } from "../cache/trace.js";
import { UserError } from "../spec/errors.js";
import type { DlrmWorkload } from "../spec/workload.js";
import { parseMixTables, parsePolicies, parseSizes, U32, type GeneratorSpec, type MrcRequest } from "./cache.js";
import { DlrmWorkloadField } from "./plan.js";
import { queryFlag, resolvedBy } from "./workload.js";

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const requests = int(1, MAX_REQUESTS).default(1_000_000);
const seed = int(0, U32).default(1);
const MixTables = z.array(z.strictObject({ rows: int(1, U32), alpha: z.number().positive(), weight: z.number().positive() })).min(1);

/** `strata cache gen`'s defaults for the fields a kind does not use. */
const UNUSED = { requests: 1_000_000, keys: 1_000_000, alpha: 1, objSize: 4096, tables: [], rowBytes: 128, steps: 1 };

export const Generator = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("zipf"), requests, keys: int(1, U32).default(1_000_000), alpha: z.number().positive().default(1), objSize: int(1, U32).default(4096), seed }),
  z.strictObject({
    kind: z.literal("dlrm-mix"), requests,
    tables: z.union([z.string().transform(resolvedBy((s) => parseMixTables(s as string))), MixTables]).default([{ rows: 1_000_000, alpha: 1.1, weight: 0.5 }, { rows: 100_000, alpha: 0.9, weight: 0.3 }, { rows: 10_000, alpha: 1.2, weight: 0.2 }]),
    rowBytes: int(1, U32).default(128), driftEvery: z.number().positive().optional(), tableShift: int(32, 63).default(32), seed,
  }),
  z.strictObject({ kind: z.literal("workload"), workload: DlrmWorkloadField("cache gen"), steps: int(1, MAX_REQUESTS).default(1), seed }),
]).transform((g): GeneratorSpec => ({ ...UNUSED, ...g, workload: "workload" in g ? (g.workload as DlrmWorkload) : undefined }));

const GENERATOR_FIELDS = ["kind", "requests", "keys", "alpha", "objSize", "tables", "rowBytes", "driftEvery", "tableShift", "workload", "steps", "seed"];

/**
 * A generator's fields may also sit at the top of the body (`{"kind": "zipf", "requests": ...,
 * "sizes": [...]}`, as `cache gen` and `cache mrc` flags on one line): they go under `generator`
 * (`seed` is then the trace's seed, as `cache gen --seed`).
 */
function nestGenerator(v: unknown): unknown {
  if (v === null || typeof v !== "object" || Array.isArray(v) || "generator" in v || !("kind" in v)) return v;
  const generator: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) (GENERATOR_FIELDS.includes(k) ? generator : rest)[k] = x;
  return { ...rest, generator };
}

/** Sizes as numbers of objects or strings with a unit ("64MiB"), as `--size` takes them comma-separated. */
const Sizes = z.array(z.union([z.number().int().positive(), z.string().min(1)])).min(1).transform(resolvedBy((list) => {
  const joined = (list as (string | number)[]).join(",");
  parseSizes(joined);
  return joined;
}));

export const MrcBody = z.preprocess(nestGenerator, z.strictObject({
  generator: Generator,
  sample: z.number().positive().max(1).optional(),
  maxObjects: int(1, MAX_REQUESTS).optional(),
  seed: int(0, U32).optional(),
  sizes: Sizes.optional(),
  bytes: z.boolean().optional(),
}).refine((b) => b.sample === undefined || b.maxObjects === undefined, { path: ["maxObjects"], message: "expected one of sample and maxObjects (a fixed sampling rate, or a fixed number of sampled objects whose rate adapts), found both" })
  .transform((b): { generator: GeneratorSpec; mrc: MrcRequest } => ({ generator: b.generator, mrc: { sample: b.sample, maxObjects: b.maxObjects, seed: b.seed, size: b.sizes, bytes: b.bytes } })));

export const SimulateBody = z.preprocess(nestGenerator, z.strictObject({
  generator: Generator,
  policies: z.array(z.string().min(1)).min(1).transform(resolvedBy((list) => {
    const joined = (list as string[]).join(",");
    parsePolicies(joined);
    return joined;
  })),
  sizes: Sizes,
  bytes: z.boolean().optional(),
}).transform((b) => ({ generator: b.generator, policy: b.policies, size: b.sizes, bytes: b.bytes, timing: false })));

const queryNumber = (schema: z.ZodNumber) => z.coerce.number().pipe(schema).optional();

/**
 * `POST /api/cache/mrc/upload`'s flags, in the query string (the body is the access trace, as
 * `strata cache mrc FILE` reads it): the format from `format`, else from `name` as from a file name.
 */
export const MrcUploadQuery = z.strictObject({
  name: z.string().min(1).max(255).optional(),
  format: z.string().min(1).optional(),
  sample: queryNumber(z.number().positive().max(1)),
  maxObjects: queryNumber(int(1, MAX_REQUESTS)),
  seed: queryNumber(int(0, U32)),
  sizes: z.string().min(1).transform(resolvedBy((s) => {
    parseSizes(s as string);
    return s as string;
  })).optional(),
  bytes: queryFlag.optional(),
}).refine((q) => q.sample === undefined || q.maxObjects === undefined, { path: ["maxObjects"], message: "expected one of sample and maxObjects, found both" })
  .transform(resolvedBy((doc) => {
    const q = doc as { name?: string; format?: string; sample?: number; maxObjects?: number; seed?: number; sizes?: string; bytes?: boolean };
    const name = q.name ?? "upload";
    let format: TraceFormat;
    try {
      format = resolveFormat(name, q.format, "format");
    } catch (err) {
      throw err instanceof UserError ? new UserError(err.message, { path: q.format === undefined ? "name" : "format", message: err.message }) : err;
    }
    return { name, format, mrc: { sample: q.sample, maxObjects: q.maxObjects, seed: q.seed, size: q.sizes, bytes: q.bytes } satisfies MrcRequest };
  }));
