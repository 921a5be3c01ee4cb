#!/usr/bin/env node
// Gas benchmarks: transaction gasUsed from receipts on a real anvil, the protocol deployed by the
// production deploy script, each call made through the sdk. Every scenario measures the common case
// (a user who is not the first ever to touch the contract) and says so beside its code.
// Writes bench/results/gas.json and bench/results/gas.raw.json. Run: npm run build && npm run bench -- gas
// (or `node bench/gas/run.mjs <scenario name>...` to re-run some scenarios and keep the others' numbers).
// (or `node bench/gas/run.mjs <scenario name>...` to re-run some scenarios and keep the others' numbers).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { arch, cpus, platform } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deployProtocol, devKey, devWallet, startAnvil } from "@mzku/sdk/devnet";
import { createTestClient, http } from "viem";
import { foundry } from "viem/chains";
import { scenarios } from "./scenarios/index.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
for (const name of only) if (!scenarios.some((s) => s.name === name)) throw new Error(`gas: no scenario "${name}"`);
const previous = (file) => (only.length && existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined);
const resultsFile = join(here, "../results/gas.json");
const rawFile = join(here, "../results/gas.raw.json");
const results = previous(resultsFile) ?? {};
const raw = previous(rawFile) ?? { scenarios: {} };
raw.machine = { cpu: cpus()[0]?.model, cores: cpus().length, platform: platform(), arch: arch() };
const anvil = await startAnvil({ accounts: 60 });
try {
  for (const scenario of scenarios.filter((s) => !only.length || only.includes(s.name))) {
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
writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(rawFile, `${JSON.stringify(raw, null, 2)}\n`);
console.error(`gas: ${Object.keys(results).length} metrics`);

function stringify(o) {
  return JSON.parse(JSON.stringify(o, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
}
