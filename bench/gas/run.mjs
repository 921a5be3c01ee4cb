#!/usr/bin/env node
// Gas benchmarks: transaction gasUsed from receipts on a real anvil, the protocol deployed by the
// production deploy script and set up as `mzku devnet` leaves it (governors seated, bootstrap proposal
// passed), then brought to a steady state with rewards streaming (scenarios/deployed.mjs). Each call is
// made through the sdk; every scenario states the case it measures beside its code. Anvil starts at
// a fixed genesis time and mines every block a fixed interval after the previous one; measured calls
// and period boundaries get explicit timestamps relative to the Reward Pool's period start. So every
// block, hash and number is the same run to run, and no measured call shares a second with a setup
// call by chance. Writes bench/results/gas.json and bench/results/gas.raw.json.
// Run: npm run build && npm run bench -- gas
// (or `node bench/gas/run.mjs <scenario name>...` to re-run some scenarios and keep the others' numbers).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { arch, cpus, platform } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deployProtocol, devKey, devWallet, startAnvil } from "@mzku/sdk/devnet";
import { createTestClient, http } from "viem";
import { foundry } from "viem/chains";
import { steadyState } from "./scenarios/deployed.mjs";
import { scenarios } from "./scenarios/index.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const GENESIS = 1_767_225_600; // 2026-01-01T00:00:00Z
const BLOCK_SECONDS = 12;
const only = process.argv.slice(2);
for (const name of only) if (!scenarios.some((s) => s.name === name)) throw new Error(`gas: no scenario "${name}"`);
const previous = (file) => (only.length && existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined);
const resultsFile = join(here, "../results/gas.json");
const rawFile = join(here, "../results/gas.raw.json");
const results = previous(resultsFile) ?? {};
const raw = previous(rawFile) ?? { scenarios: {} };
raw.machine = { cpu: cpus()[0]?.model, cores: cpus().length, platform: platform(), arch: arch() };
// A fixed genesis time and a fixed interval between blocks: every block (and its hash, which the
// auction's draw reads) is the same run to run; measured calls also get explicit timestamps.
const anvil = await startAnvil({ accounts: 60, timestamp: GENESIS });
try {
  await createTestClient({ chain: foundry, mode: "anvil", transport: http(anvil.rpcUrl) }).setBlockTimestampInterval({
    interval: BLOCK_SECONDS,
  });
  const deployment = await deployProtocol({ rpcUrl: anvil.rpcUrl, privateKey: devKey(0), name: `bench-gas` });
  const ctx = {
    deployment,
    contracts: deployment.contracts,
    wallet: (i) => devWallet(anvil.rpcUrl, i),
    testClient: createTestClient({ chain: foundry, mode: "anvil", transport: http(anvil.rpcUrl) }),
  };
  console.error("gas: steady state");
  ctx.state = await steadyState(ctx);
  let snapshot = await ctx.testClient.snapshot();
  for (const scenario of scenarios.filter((s) => !only.length || only.includes(s.name))) {
    // Every scenario starts from the same steady state (anvil snapshot/revert): none warms another.
    await ctx.testClient.revert({ id: snapshot });
    snapshot = await ctx.testClient.snapshot();
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
