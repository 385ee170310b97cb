/** The host options every step-predicting command takes: --host, --host-speed, --calibration. */
import type { Command } from "commander";
import type { HostOverheadTable } from "../graph/host-overheads.js";
import { loadCalibration } from "../host/calibration.js";
import { resolveHost, type HostSetting } from "../host/setting.js";
import { parsePositiveNumber } from "./run.js";

export interface HostFlags {
  host?: string;
  hostSpeed?: number;
  calibration?: string;
}

export function addHostOptions(command: Command, calibration = true): Command {
  command
    .option("--host <id>", "the host CPU (see `strata catalog`; default: the calibration host); an estimated host gives the step as a range")
    .option("--host-speed <factor>", "multiply host work (2 = a host twice as slow)", parsePositiveNumber("--host-speed"));
  if (calibration) command.option("--calibration <file>", "from `strata calibrate`: host overheads learned from traces, or host factors fitted from measured steps");
  return command;
}

export function hostFromFlags(flags: HostFlags): { host: HostSetting; hostOverheads?: HostOverheadTable } {
  const cal = flags.calibration ? loadCalibration(flags.calibration) : {};
  return { host: resolveHost({ host: flags.host, hostSpeed: flags.hostSpeed, measured: cal.measured }), ...(cal.hostOverheads ? { hostOverheads: cal.hostOverheads } : {}) };
}
