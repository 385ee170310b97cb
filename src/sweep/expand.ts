/**
 * A sweep's configurations: the grid's cartesian product (its first key varies slowest), each
 * combination paired with every point of a seeded Latin-hypercube sample. A configuration's
 * index is its position in that order, so the same spec always numbers them the same.
 */
import { rng } from "../catalog/dlrm-presets.js";

export type Params = Record<string, unknown>;
export interface Configuration {
  index: number;
  params: Params;
}

/** A numeric range of the sample: uniform in [min, max] (log-uniform with `log`), rounded with `integer`. */
export interface Range {
  min: number;
  max: number;
  integer?: boolean;
  log?: boolean;
}

/** A field path ("model.tables[0].pooling", "model.tables[*].dim") as keys and indices; "*" is every element. */
export type PathKey = string | number | "*";

export function parsePath(path: string): PathKey[] | undefined {
  const keys: PathKey[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === "[") {
      const end = path.indexOf("]", i);
      if (end < 0) return undefined;
      const inner = path.slice(i + 1, end);
      if (inner === "*") keys.push("*");
      else if (/^\d+$/.test(inner)) keys.push(Number(inner));
      else return undefined;
      i = end + 1;
      if (path[i] === ".") i++;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(path.slice(i));
    if (!m) return undefined;
    keys.push(m[0]);
    i += m[0].length;
    if (path[i] === ".") {
      i++;
      if (i >= path.length) return undefined;
    } else if (i < path.length && path[i] !== "[") return undefined;
  }
  return keys.length ? keys : undefined;
}

/**
 * Set `value` at `path` in `target` (in place); "*" sets it in every element of an array. The
 * parent of the last key must exist; returns where it did not, as a path prefix, else undefined.
 */
export function setPath(target: unknown, path: readonly PathKey[], value: unknown, at = ""): string | undefined {
  const [key, ...rest] = path;
  if (key === undefined) return undefined;
  if (key === "*") {
    if (!Array.isArray(target)) return at || "(top level)";
    for (const [i, el] of target.entries()) {
      if (rest.length === 0) target[i] = structuredClone(value);
      else {
        const missing = setPath(el, rest, value, `${at}[${i}]`);
        if (missing) return missing;
      }
    }
    return undefined;
  }
  const here = typeof key === "number" ? `${at}[${key}]` : at ? `${at}.${key}` : key;
  if (typeof key === "number" ? !Array.isArray(target) || key >= target.length : target === null || typeof target !== "object" || Array.isArray(target)) return here;
  const container = target as Record<string | number, unknown>;
  if (rest.length === 0) {
    container[key] = structuredClone(value);
    return undefined;
  }
  if (!(key in container) || container[key] === undefined) return here;
  return setPath(container[key], rest, value, here);
}

/** The grid's combinations in order: the last key varies fastest. */
export function gridCombinations(grid: Record<string, readonly unknown[]>): Params[] {
  let out: Params[] = [{}];
  for (const [key, values] of Object.entries(grid)) out = out.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  return out;
}

/** Six significant digits: sampled values print plainly and stay the same on every platform. */
const tidy = (x: number): number => Number(x.toPrecision(6));

/**
 * A Latin-hypercube sample of `count` points over `ranges`: each range is cut into `count`
 * equal strata and every stratum is used exactly once, in an order shuffled by `seed`.
 */
export function latinHypercube(ranges: Record<string, Range>, count: number, seed: number): Params[] {
  const random = rng(seed);
  const columns = Object.entries(ranges).map(([key, r]) => {
    const strata = Array.from({ length: count }, (_, i) => i);
    for (let i = count - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [strata[i], strata[j]] = [strata[j]!, strata[i]!];
    }
    const values = strata.map((s) => {
      const u = (s + random()) / count;
      const x = r.log ? Math.exp(Math.log(r.min) + u * (Math.log(r.max) - Math.log(r.min))) : r.min + u * (r.max - r.min);
      return r.integer ? Math.min(r.max, Math.max(r.min, Math.round(x))) : tidy(x);
    });
    return { key, values };
  });
  return Array.from({ length: count }, (_, i) => Object.fromEntries(columns.map((c) => [c.key, c.values[i]])));
}

/** Every configuration of a grid and an optional sample, numbered from 0. */
export function configurations(grid: Record<string, readonly unknown[]>, sample?: { count: number; seed: number; ranges: Record<string, Range> }): Configuration[] {
  const combos = gridCombinations(grid);
  const points = sample ? latinHypercube(sample.ranges, sample.count, sample.seed) : [{}];
  return combos.flatMap((c) => points.map((p) => ({ ...c, ...p }))).map((params, index) => ({ index, params }));
}
