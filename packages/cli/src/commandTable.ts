/**
 * Every `mzku` command: the raw ones (parse their own arguments: the devnet, the demo, keys and the
 * signer, the services) and the chain commands (global options, see `cli/command.ts`).
 */
import { createLogger, type LogLevel } from "@mzku/log";
import type { ChainCommand } from "./cli/command.js";
import { demo, demoUsage } from "./commands/demo.js";
import { devnet, devnetUsage } from "./commands/devnet.js";
import { govCommands } from "./commands/gov.js";
import { govStakeCommands } from "./commands/govStake.js";
import { apiUsage, indexerService, indexerUsage, serveUsage } from "./commands/indexer.js";
import { keysCommands, type RawCommand } from "./commands/keys.js";
import { poolCommands } from "./commands/pool.js";
import { poolActivateCommands } from "./commands/poolActivate.js";
import { pool as poolExit, poolUsage as poolExitUsage } from "./commands/poolExit.js";
import { projectCommands } from "./commands/project.js";
import { providerCommands } from "./commands/provider.js";
import { rewardsCommands } from "./commands/rewards.js";
import { sidecar, sidecarUsage } from "./commands/sidecar.js";
import { stakeCommands } from "./commands/stake.js";

export const rawCommands: RawCommand[] = [
  {
    name: "devnet",
    summary: "a local chain with the whole system (npm start)",
    usage: devnetUsage,
    run: (argv, level) => devnet(argv, createLogger({ component: "devnet", level: level as LogLevel })).then(() => 0),
  },
  {
    name: "demo",
    summary: "the seed's lifecycle on a fresh devnet, reconciled to the wei",
    usage: demoUsage,
    run: (argv, level) => demo(argv, level as LogLevel),
  },
  ...keysCommands,
  {
    name: "pool exit",
    summary: "exit a micro-pool's validator after its end time (threshold signer, EIP-7002 fallback)",
    usage: poolExitUsage,
    run: (argv, level) =>
      poolExit(["exit", ...argv], createLogger({ component: "pool", level: level as LogLevel })).then(() => 0),
  },
  {
    name: "indexer start",
    summary: "follow the protocol's events into a database",
    usage: indexerUsage,
    run: (argv, level) => indexerService("indexer", ["start", ...argv], level).then(() => 0),
  },
  {
    name: "api start",
    summary: "serve the read API over an indexer's database",
    usage: apiUsage,
    run: (argv, level) => indexerService("api", ["start", ...argv], level).then(() => 0),
  },
  {
    name: "sidecar start",
    summary: "the daemon beside a node: supervision, peer audits, libp2p mesh, uptime reports",
    usage: sidecarUsage,
    run: (argv, level) =>
      sidecar(["start", ...argv], createLogger({ component: "sidecar", level: level as LogLevel })).then(() => 0),
  },
  {
    name: "serve",
    summary: "the indexer and the read API in one process",
    usage: serveUsage,
    run: (argv, level) => indexerService("serve", argv, level).then(() => 0),
  },
];

export const chainCommands: ChainCommand[] = [
  ...providerCommands,
  ...projectCommands,
  ...poolCommands,
  ...poolActivateCommands,
  ...stakeCommands,
  ...rewardsCommands,
  ...govCommands,
  ...govStakeCommands,
];
