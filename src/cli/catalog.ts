/** strata catalog [--json]: the GPU and host catalogs with their figures. */
import type { Command } from "commander";
import { listGpus } from "../catalog/gpus.js";
import { listHosts, referenceHostId } from "../catalog/hosts.js";
import { table } from "../report/format.js";
import { printJson } from "./run.js";

export function registerCatalog(program: Command): void {
  program
    .command("catalog")
    .description("list the GPU catalog (peak FLOP/s, HBM, L2, SMs, host link, launch overhead) and the host CPUs for --host (sources with --json)")
    .option("--json", "print the full catalog with sources as JSON")
    .action((opts: { json?: boolean }) => {
      const gpus = listGpus();
      const hosts = listHosts();
      if (opts.json) return printJson({ gpus, hosts, referenceHost: referenceHostId() });
      const t = (x?: number): string => (x === undefined ? "-" : (x / 1e12).toFixed(0));
      process.stdout.write(
        table(
          ["id", "name", "fp32 TF", "tf32 TF", "bf16 TF", "fp8 TF", "HBM GiB", "HBM TB/s", "L2 MiB", "SMs", "host GB/s", "launch us"],
          gpus.map((g) => [
            g.id, g.name, t(g.peakFlopsPerSec.fp32), t(g.peakFlopsPerSec.tf32), t(g.peakFlopsPerSec.bf16), t(g.peakFlopsPerSec.fp8),
            (g.hbmBytes / 2 ** 30).toFixed(0), (g.hbmBandwidthBytesPerSec / 1e12).toFixed(2), (g.l2Bytes / 2 ** 20).toFixed(0),
            String(g.smCount), (g.hostLink.bandwidthBytesPerSecPerDirection / 1e9).toFixed(0), String(g.launchOverheadUs),
          ]),
          [false, false, true, true, true, true, true, true, true, true, true, true],
        ) + "\n\nDense (no sparsity) peaks. Every figure's source: strata catalog --json\n\n" +
        table(
          ["host (--host)", "name", "cores", "boost GHz", "single-thread index", "range", "link"],
          hosts.map((h) => [h.id, h.name.length > 60 ? `${h.name.slice(0, 57)}...` : h.name, h.cores === null ? "-" : String(h.cores), h.boostClockGHz === null ? "-" : h.boostClockGHz.toFixed(1), h.singleThreadIndex.toFixed(2), `${h.singleThreadRange[0].toFixed(2)}-${h.singleThreadRange[1].toFixed(2)}`, h.hostLink]),
          [false, false, true, true, true, false, false],
        ) + `\n\nSingle-thread index relative to the calibration host (${referenceHostId()}); a catalog host's step comes with the range (docs/hosts-sources.md).\n`,
      );
    });
}
