/** The host options every step-predicting command takes: --host, --host-speed, --calibration. */
import type { Command } from "commander";
import type { HostOverheadTable } from "../graph/host-overheads.js";
import { loadCalibration } from "../host/calibration.js";
import type { HostSetting } from "../host/setting.js";
import { hostOf, type HostRequest } from "../commands/host.js";
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

/** The flags as the commands' library calls take them (src/commands/host.ts), the calibration file read. */
export function hostRequest(flags: HostFlags): HostRequest {
  return { host: flags.host, hostSpeed: flags.hostSpeed, calibration: flags.calibration ? loadCalibration(flags.calibration) : undefined };
}

export function hostFromFlags(flags: HostFlags): { host: HostSetting; hostOverheads?: HostOverheadTable } {
  return hostOf(hostRequest(flags));
}
