/** The host a step is predicted for, as every step-predicting command takes it (`--host`, `--host-speed`, `--calibration`). */
import { z } from "zod";
import { getHost } from "../catalog/hosts.js";
import type { HostOverheadTable } from "../graph/host-overheads.js";
import type { Calibration } from "../host/calibration.js";
import { resolveHost, type HostSetting } from "../host/setting.js";
import { catalogId } from "./workload.js";

export interface HostRequest {
  host?: string;
  hostSpeed?: number;
  /** A `strata calibrate` file's content (the CLI's --calibration; the API takes none). */
  calibration?: Calibration;
}

/** The host fields of an API body. */
export const HostFields = { host: catalogId(getHost).optional(), hostSpeed: z.number().positive().optional() };

export function hostOf(r: HostRequest): { host: HostSetting; hostOverheads?: HostOverheadTable } {
  const cal = r.calibration ?? {};
  return { host: resolveHost({ host: r.host, hostSpeed: r.hostSpeed, measured: cal.measured }), ...(cal.hostOverheads ? { hostOverheads: cal.hostOverheads } : {}) };
}
