/**
 * Fit a host's speed from a few measured steps (`strata calibrate --measured`): the dispatch and
 * sync factors (sim/simulate.ts HostFactors) that make the one step model's predictions match
 * the timed steps, in least squares of log ratios. One number when the steps cannot tell the two
 * apart, two when they can; never one per workload. GPU-bound steps barely move with the host
 * and so weigh little, as they should.
 */
import { UserError } from "../spec/errors.js";
import type { HostFactors } from "../sim/simulate.js";

export interface MeasuredStep {
  name: string;
  measuredMs: number;
  /** The predicted step (ms) on this host speed. */
  predictMs: (host: HostFactors) => number;
}

export interface HostFit {
  factors: HostFactors;
  /** Root mean square of ln(predicted / measured) before (same host) and after. */
  rmsLogBefore: number;
  rmsLogAfter: number;
}

/** `measured.trainStepMs` as a number or as `{median}` (the format of our ground truth). */
export function measuredTrainStepMs(measured: unknown, file: string): number {
  const v = (measured as { trainStepMs?: unknown } | undefined)?.trainStepMs;
  const ms = typeof v === "number" ? v : typeof v === "object" && v !== null ? (v as { median?: unknown }).median : undefined;
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms <= 0) {
    throw new UserError(`${file}: at measured.trainStepMs: expected a positive number of milliseconds or {"median": ms}; found ${v === undefined ? "nothing" : JSON.stringify(v)}`);
  }
  return ms;
}

/** Golden-section search for the minimum of f on [a, b] (also the calibration fit's, bench/calibrate.ts). */
export function argmin(f: (x: number) => number, a: number, b: number, iterations = 48): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < iterations; i++) {
    if (fc < fd) { b = d; d = c; fd = fc; c = b - g * (b - a); fc = f(c); }
    else { a = c; c = d; fc = fd; d = a + g * (b - a); fd = f(d); }
  }
  return (a + b) / 2;
}

/** Factors between 1/8 and 8 of the calibration host: wider than any host in the catalog. */
const LOG_BOUND = Math.log(8);
/** Weight of the pull of ln(sync) towards ln(dispatch): the data must earn a second number. */
const TIE_WEIGHT = 0.05;
/** A faint pull towards the calibration host, so steps that cannot see the host (GPU-bound) leave it as it is. */
const PRIOR_WEIGHT = 1e-4;

export function fitHostFactors(steps: MeasuredStep[]): HostFit {
  if (!steps.length) throw new UserError("calibrate --measured: no measured steps");
  const misfit = (h: HostFactors): number => steps.reduce((s, x) => s + Math.log(x.predictMs(h) / x.measuredMs) ** 2, 0);
  const sse = (h: HostFactors): number => misfit(h) + PRIOR_WEIGHT * steps.length * (Math.log(h.dispatch) ** 2 + Math.log(h.sync) ** 2);
  const rms = (h: HostFactors): number => Math.sqrt(misfit(h) / steps.length);
  // One factor for all host work first, then sync apart from dispatch if the steps ask for it.
  const one = argmin((x) => sse({ dispatch: Math.exp(x), sync: Math.exp(x) }), -LOG_BOUND, LOG_BOUND);
  let d = one;
  let s = one;
  const tied = (ld: number, ls: number): number => sse({ dispatch: Math.exp(ld), sync: Math.exp(ls) }) + TIE_WEIGHT * steps.length * (ls - ld) ** 2;
  for (let sweep = 0; sweep < 4 && steps.length >= 3; sweep++) {
    s = argmin((x) => tied(d, x), -LOG_BOUND, LOG_BOUND);
    d = argmin((x) => tied(x, s), -LOG_BOUND, LOG_BOUND);
  }
  const r = (x: number): number => Number(Math.exp(x).toFixed(4));
  const factors = { dispatch: r(d), sync: r(s) };
  return { factors, rmsLogBefore: rms({ dispatch: 1, sync: 1 }), rmsLogAfter: rms(factors) };
}
