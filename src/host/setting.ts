/**
 * Which host a prediction is for, as factors of the calibration host's speed (sim/simulate.ts
 * HostFactors): the calibration host itself, a catalog host (estimated from its single-thread
 * index: a range, since the index is not a measurement of PyTorch's dispatch), or factors
 * fitted from the user's own measured steps (`strata calibrate --measured`). `--host-speed`
 * multiplies whichever applies.
 */
import { getHost, referenceHostId } from "../catalog/hosts.js";
import type { HostFactors } from "../sim/simulate.js";
import { UserError } from "../spec/errors.js";

export interface HostSetting {
  /** A catalog id, or the label of a measured calibration. */
  id: string;
  /** reference: the bundled calibration's host; catalog: estimated from the catalog; measured: fitted from timed steps. */
  basis: "reference" | "catalog" | "measured";
  factors: HostFactors;
  /** For an estimated host: the factors at the fast and slow ends of what it may be. */
  range?: { fast: HostFactors; slow: HostFactors };
}

const scaled = (f: HostFactors, k: number): HostFactors => ({ dispatch: f.dispatch * k, sync: f.sync * k });

export interface HostChoice {
  /** `--host ID` (data/catalog/hosts.json). */
  host?: string;
  /** `--host-speed F`: host work takes F times as long. */
  hostSpeed?: number;
  /** Factors fitted by `strata calibrate --measured`, with the label it gave them. */
  measured?: { id: string; factors: HostFactors };
}

export function resolveHost(choice: HostChoice = {}): HostSetting {
  const k = choice.hostSpeed ?? 1;
  if (choice.measured && choice.host) throw new UserError(`--host ${choice.host}: the calibration file already describes the host (${choice.measured.id}); give one of them`);
  if (choice.measured) return { id: choice.measured.id, basis: "measured", factors: scaled(choice.measured.factors, k) };
  const id = choice.host ?? referenceHostId();
  const host = getHost(id);
  if (id === referenceHostId()) return { id, basis: "reference", factors: scaled({ dispatch: 1, sync: 1 }, k) };
  // Dispatch is single-threaded CPU work; a synchronisation's own cost is the driver's CPU work
  // too (the link's latency is a few us of it, the same PCIe class on these hosts).
  const at = (index: number): HostFactors => scaled({ dispatch: 1 / index, sync: 1 / index }, k);
  const [lo, hi] = host.singleThreadRange;
  return { id, basis: "catalog", factors: at(host.singleThreadIndex), range: { fast: at(hi), slow: at(lo) } };
}
