#!/usr/bin/env node
// Gas benchmarks: transaction gasUsed from receipts on a real anvil, the protocol deployed by the
// production deploy script, each call made through the sdk. Every scenario measures the common case
// (a user who is not the first ever to touch the contract) and says so beside its code.
// Writes bench/results/gas.json and bench/results/gas.raw.json. Run: npm run build && npm run bench -- gas
import { writeFileSync } from "node:fs";
import { arch, cpus, platform } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deployProtocol, devKey, devWallet, startAnvil } from "@mzku/sdk/devnet";
import { createTestClient, http } from "viem";
import { foundry } from "viem/chains";
import { scenarios } from "./scenarios/index.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const anvil = await startAnvil({ accounts: 60 });
const results = {};
const raw = {
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, platform: platform(), arch: arch() },
  scenarios: {},
};
try {
  for (const scenario of scenarios) {
    // A fresh deployment per scenario (anvil snapshot/revert), so scenarios do not warm each other.
    const deployment = await deployProtocol({ rpcUrl: anvil.rpcUrl, privateKey: devKey(0), name: `bench-gas` });
    const ctx = {
      deployment,
      contracts: deployment.contracts,
      wallet: (i) => devWallet(anvil.rpcUrl, i),
      testClient: createTestClient({ chain: foundry, mode: "anvil", transport: http(anvil.rpcUrl) }),
    };
    console.error(`gas: ${scenario.name}`);
    const measured = await scenario.run(ctx);
    raw.scenarios[scenario.name] = { description: scenario.description, measured: stringify(measured) };
    for (const [key, value] of Object.entries(measured)) results[key] = Number(value);
  }
} finally {
  await anvil.stop();
}
writeFileSync(join(here, "../results/gas.json"), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(here, "../results/gas.raw.json"), `${JSON.stringify(raw, null, 2)}\n`);
console.error(`gas: ${Object.keys(results).length} metrics`);

function stringify(o) {
  return JSON.parse(JSON.stringify(o, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
}
