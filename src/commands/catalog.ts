/** What the dashboard's pick lists offer: the catalogs as `strata catalog --json` and `strata clusters --json` print them, and the bundled workloads. */
import { readdirSync, readFileSync } from "node:fs";
import { POLICIES } from "../cache/policies/index.js";
import { listClusters } from "../catalog/clusters.js";
import { dataPath } from "../catalog/data-path.js";
import { dlrmPreset, PRESETS } from "../catalog/dlrm-presets.js";
import { listGpus } from "../catalog/gpus.js";
import { listHosts, referenceHostId } from "../catalog/hosts.js";
import { listNodes } from "../catalog/tiers.js";
import { listLlmPresets } from "../llm/presets.js";
import { COMM_BYTES } from "../perf/collectives.js";
import { STRATEGIES } from "../shard/planner.js";
import { KvPrecision, WeightPrecision } from "../spec/moe-transformer.js";
import { CACHE_POLICIES, IMPLEMENTATIONS, type WorkloadInput } from "../spec/workload.js";
import { COMMANDS } from "../sweep/spec.js";

/** The example workloads in data/examples/ (file names without .json). */
function examples(): string[] {
  return readdirSync(dataPath("examples")).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -".json".length)).sort();
}

export function catalogJson() {
  return {
    gpus: listGpus(),
    hosts: listHosts(),
    referenceHost: referenceHostId(),
    clusters: listClusters(),
    nodes: listNodes(),
    implementations: IMPLEMENTATIONS,
    strategies: STRATEGIES,
    commPrecisions: Object.keys(COMM_BYTES),
    tierPolicies: CACHE_POLICIES,
    cachePolicies: POLICIES,
    llmModels: listLlmPresets().map((p) => ({ id: p.id, name: p.name, partial: p.partial })),
    weights: WeightPrecision.options,
    kv: KvPrecision.options,
    workloads: [...PRESETS.map((name) => ({ name, kind: "preset" as const })), ...examples().map((name) => ({ name, kind: "example" as const }))],
    sweepCommands: COMMANDS,
  };
}

/** A bundled workload by name: a DLRM preset (as `strata preset NAME` prints it) or an example; undefined if none. */
export function bundledWorkload(name: string): WorkloadInput | undefined {
  if ((PRESETS as readonly string[]).includes(name)) return dlrmPreset(name);
  if (examples().includes(name)) return JSON.parse(readFileSync(dataPath(`examples/${name}.json`), "utf8")) as WorkloadInput;
  return undefined;
}
