#!/usr/bin/env node
// The benchmark's baseline: a plain remote signer holding whole keys (the test-only single-key
// backend) behind the same HTTP server, signing service and fsync'd SQLite slashing record as the
// threshold signer. Usage: baseline.mjs <secrets.json> <db.sqlite>; prints the same
// {"event":"listening",...} line as `mzku-signer signer start`. Never for real keys.
import { readFileSync } from "node:fs";
import { silentLogger } from "@mzku/log";
import { createSignerMetrics, SlashingProtectionDb, startSignerServer } from "@mzku/signer";
import { SingleKeyBackend } from "@mzku/signer/testing";

const [secretsFile, dbFile] = process.argv.slice(2);
if (secretsFile === undefined || dbFile === undefined) {
  console.error("usage: baseline.mjs <secrets.json> <db.sqlite>");
  process.exit(2);
}
const secrets = JSON.parse(readFileSync(secretsFile, "utf8")).map(
  (h) => new Uint8Array(Buffer.from(h.slice(2), "hex")),
);
const slashing = new SlashingProtectionDb(dbFile);
const server = await startSignerServer({
  backend: new SingleKeyBackend(secrets),
  slashing,
  signing: { slotsPerEpoch: 32, genesisForkVersion: new Uint8Array(4) },
  logger: silentLogger,
  metrics: createSignerMetrics(),
  port: 0,
});
process.stdout.write(
  `${JSON.stringify({ event: "listening", role: "baseline", url: server.url, port: server.port })}\n`,
);
const stop = async () => {
  await server.close();
  slashing.close();
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
