/**
 * The node's capacity as the sidecar reports it to the NodeRegistry (`setNodeResources`): what the
 * operator configured, and for every component it left out what the host measures — CPU cores
 * (`os.availableParallelism`), RAM (GiB, rounded), the size of the disk holding the node's data
 * (GB, `statfs`). Bandwidth cannot be measured locally: the configured value or the one on-chain.
 */
import { statfsSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";

export interface Resources {
  readonly cpuCores: number;
  readonly ramGb: number;
  readonly storageGb: number;
  readonly bandwidthMbps: number;
}

/** `node.capacity` in the config: a component given is declared, one left out is measured. */
export type CapacityConfig = Partial<Resources>;

export function measureCapacity(config: CapacityConfig, dataDir: string, onChain: Resources): Resources {
  const disk = statfsSync(dataDir);
  return {
    cpuCores: config.cpuCores ?? availableParallelism(),
    ramGb: config.ramGb ?? Math.max(1, Math.round(totalmem() / 2 ** 30)),
    storageGb: config.storageGb ?? Math.max(1, Math.floor((disk.blocks * disk.bsize) / 1e9)),
    bandwidthMbps: config.bandwidthMbps ?? onChain.bandwidthMbps,
  };
}

export function sameResources(a: Resources, b: Resources): boolean {
  return (
    a.cpuCores === b.cpuCores &&
    a.ramGb === b.ramGb &&
    a.storageGb === b.storageGb &&
    a.bandwidthMbps === b.bandwidthMbps
  );
}
