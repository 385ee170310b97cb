import { describe, expect, it } from "vitest";
import { listClusters, listNetworks, resolveCluster } from "../src/catalog/clusters.js";
import { listGpus } from "../src/catalog/gpus.js";
import { UserError } from "../src/spec/errors.js";

function userError(id: string): string {
  try {
    resolveCluster(id);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error(`${id} resolved`);
}

describe("generated cluster ids <hosts>x<gpusPerHost>-<gpu>", () => {
  it.each([
    ["1x1-h100-sxm-80gb", 1, 1, "h100-sxm-80gb"],
    ["2x4-h100-sxm-80gb", 2, 4, "h100-sxm-80gb"],
    ["16x8-h200-sxm-141gb", 16, 8, "h200-sxm-141gb"],
  ])("%s", (id, hosts, gpusPerHost, gpu) => {
    const c = resolveCluster(id);
    expect([c.id, c.hosts, c.gpusPerHost, c.ranks, c.gpu, c.gpuSpec.id]).toEqual([id, hosts, gpusPerHost, hosts * gpusPerHost, gpu, gpu]);
    expect(c.topology).toBe(hosts === 1 ? "single-host" : "rail-optimized");
  });

  it("takes NVLink and the NIC of the GPU's usual systems, host DRAM scaled to the host", () => {
    const c = resolveCluster("16x8-h200-sxm-141gb");
    expect(c.intraHost.bandwidthBytesPerSec).toBe(450e9); // 900 GB/s bidirectional / 2
    expect(c.interHost).toMatchObject({ nicsPerGpu: 1, bandwidthBytesPerSec: 50e9 }); // NDR 400 Gb/s per GPU
    expect(c.hostDramBytes).toBe(2e12); // DGX H200
    expect(resolveCluster("2x4-h100-sxm-80gb").hostDramBytes).toBe(1e12);
    expect(resolveCluster("4x8-v100-sxm2-32gb").interHost).toMatchObject({ nicsPerGpu: 0.5, bandwidthBytesPerSec: 12.5e9 }); // DGX-1
    expect(resolveCluster("2x72-gb200").intraHost.bandwidthBytesPerSec).toBe(900e9);
    // Bridged PCIe cards: NVLink only for a pair; L40S has none.
    expect(resolveCluster("1x2-h100-pcie-80gb").intraHost.kind).toBe("NVLink");
    expect(resolveCluster("1x8-h100-pcie-80gb").intraHost.bandwidthBytesPerSec).toBe(64e9);
    expect(resolveCluster("1x8-l40s").intraHost.bandwidthBytesPerSec).toBe(32e9);
    for (const s of Object.values(resolveCluster("2x8-b200").sources)) expect(s).not.toContain("undefined");
  });

  it("rejects bad ids with UserErrors naming the id, what was expected and what was found", () => {
    expect(userError("0x8-h100-sxm-80gb")).toMatch(/"0x8-h100-sxm-80gb".*hosts must be an integer from 1 to 4096.*found 0/);
    expect(userError("2x73-h100-sxm-80gb")).toMatch(/gpusPerHost must be an integer from 1 to 72.*found 73/);
    expect(userError("2x4-nope")).toMatch(/"2x4-nope".*catalog GPU \(.*h100-sxm-80gb.*\), found GPU "nope"/);
    expect(userError("2x-h100-sxm-80gb")).toMatch(/unknown cluster "2x-h100-sxm-80gb".*<hosts>x<gpusPerHost>-<gpu-id>/);
  });
});

describe("named presets and listings", () => {
  it("named presets are unchanged", () => {
    const z = resolveCluster("zionex-16x8-a100");
    expect([z.hosts, z.gpusPerHost, z.gpu, z.intraHost.bandwidthBytesPerSec, z.interHost.bandwidthBytesPerSec, z.interHost.latencyUs, z.hostDramBytes]).toEqual([16, 8, "a100-sxm-80gb", 300e9, 25e9, 8, 1.5e12]);
    const d = resolveCluster("dgx-h100-8");
    expect([d.hosts, d.gpusPerHost, d.intraHost.bandwidthBytesPerSec, d.interHost.bandwidthBytesPerSec, d.interHost.latencyUs, d.hostDramBytes]).toEqual([1, 8, 450e9, 50e9, 5, 2e12]);
    expect(resolveCluster("h100-16x8")).toMatchObject({ hosts: 16, gpusPerHost: 8, ranks: 128, topology: "rail-optimized" });
  });

  it("lists the named presets and a 1x8 example per catalog GPU", () => {
    const ids = listClusters().map((c) => c.id);
    expect(ids).toEqual(["zionex-16x8-a100", "dgx-h100-8", "h100-16x8", ...listGpus().map((g) => `1x8-${g.id}`)]);
  });

  it("every catalog GPU has a network entry with a source (document and year, or ASSUMED) for every figure", () => {
    const nets = listNetworks();
    for (const g of listGpus()) {
      const n = nets[g.id];
      expect(n, g.id).toBeDefined();
      for (const key of ["system", "nvlinkGpus", "interHost", "latencyUs", "hostDramBytes"]) expect(n!.sources[key], `${g.id}.${key}`).toMatch(/\b(19|20)\d\d\b|ASSUMED/);
    }
  });
});
