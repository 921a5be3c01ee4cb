/**
 * `mzku pool exit` end to end [3.2, 3.7]: micro-pools on anvil (deployed by the production deploy
 * script) whose validators are `lodestar dev` validators whose keys exist only as 2-of-3 shares in
 * co-signer processes behind a combiner. At the pool's end time the command reads the pool, has the
 * combiner sign the VOLUNTARY_EXIT, verifies it with Lodestar's libraries and submits it; Lodestar
 * verifies it against its state and includes it (the validator becomes `active_exiting`).
 *
 * Lodestar 1.5.1's dev chain runs phase0/Altair only (Bellatrix and later need an execution client),
 * so the exit it verifies is signed under the Altair domain, which is what EIP-7044 prescribes before
 * Deneb. The Capella domain (EIP-7044, Deneb and later) is checked here against the same combiner with
 * a Deneb fork info, over a root computed independently with @lodestar/types and verified with blst.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PublicKey, SecretKey, Signature, verify } from "@chainsafe/blst";
import { DOMAIN_VOLUNTARY_EXIT } from "@lodestar/params";
import { ssz } from "@lodestar/types";
import { depositContract, MicroPoolState, microPool, microPoolFactory, mzkuToken, TrustTier } from "@mzku/sdk";
import {
  type AnvilInstance,
  advanceTimeTo,
  type DevWallet,
  deployProtocol,
  devAccount,
  devKey,
  devWallet,
  passProposal,
  qualifyActions,
  registerProvider,
  seatInvitedGovernors,
  startAnvil,
  trustTierAction,
} from "@mzku/sdk/devnet";
import { BeaconApi, exitChainConfig, exitSigningRoot, requestExitSignature } from "@mzku/sdk/node";
import { buildDepositData, depositSigningRoot } from "@mzku/signer";
import { type Address, createTestClient, type Hex, http, keccak256, parseEther } from "viem";
import { foundry } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Cluster,
  freePort,
  headSlot,
  interopSecretKey,
  type Lodestar,
  startCluster,
  startLodestar,
  stopAll,
  waitFor,
} from "../../signer/test-e2e/harness.js";

const MZKU = resolve(import.meta.dirname, "..", "dist", "bin", "mzku.js");
const E = 10n ** 18n;
const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}` as Hex;
const bytes = (h: string) => new Uint8Array(Buffer.from(h.slice(2), "hex"));

/** Runs the built `mzku` and returns its exit code, stdout and stderr. */
function mzku(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [MZKU, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.once("exit", (code) => res({ code, stdout, stderr }));
  });
}

/** The one `mzku: CODE: reason` line a failing command ends with (logs come before it on stderr). */
const failure = (r: { stderr: string }) => `${r.stderr.trimEnd().split("\n").at(-1)}\n`;

const RUN = 4; // validators 0..3 sign through the combiner; validator 4 is in genesis but not served
let anvil: AnvilInstance;
let cluster: Cluster;
let lodestar: Lodestar;
let dir: string;
const pools: Address[] = [];

afterAll(async () => {
  await stopAll();
  await anvil?.stop();
});

describe("mzku pool exit", () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mzku-pool-exit-"));
    process.stdout.write(`[pool exit e2e] dir ${dir}\n`);
    anvil = await startAnvil();
    cluster = await startCluster(dir, 2, 3, RUN);
    lodestar = await startLodestar(dir, RUN, cluster.combiner.url, {
      genesisValidators: RUN + 1,
      // genesis validators may exit at once (mainnet: 256 epochs after activation)
      params: { SHARD_COMMITTEE_PERIOD: "0" },
    });
    const deployment = await deployProtocol({
      rpcUrl: anvil.rpcUrl,
      privateKey: devKey(0),
      name: `exit-${anvil.port}`,
    });
    const wallet = (i: number): DevWallet => devWallet(anvil.rpcUrl, i);
    const reader = wallet(0);
    const c = deployment.contracts;
    const governors = [wallet(1), wallet(2), wallet(3)];
    await seatInvitedGovernors(deployment, governors);
    const testClient = createTestClient({ chain: foundry, mode: "anvil", transport: http(anvil.rpcUrl) });
    const provider = wallet(9);
    const id = await registerProvider(deployment, provider, { brandName: "Exiter", priceCap: 10_000n * E });
    await passProposal(
      deployment,
      governors,
      testClient,
      [...qualifyActions(deployment, [id]), trustTierAction(deployment, id, TrustTier.Trusted, 0n)],
      "qualify a trusted provider",
    );
    // Pool A runs interop validator 0 (served by the signers), pool B validator 4 (not served).
    const { timestamp } = await reader.getBlock();
    const endTime = timestamp + 30n * 86_400n;
    for (const [n, validator] of [0, RUN].entries()) {
      const { pool } = await microPoolFactory.openPool(provider, {
        address: c.MicroPoolFactory,
        args: [Number(endTime)],
      });
      const fp = await microPool.fixedPrice(reader, { address: pool });
      const staker = wallet(4 + n);
      await mzkuToken.approve(staker, { address: c.MzkuToken, args: [pool, fp] });
      await microPool.stake(staker, { address: pool, value: parseEther("32") });
      const credentials = await microPool.withdrawalCredentials(reader, { address: pool });
      const sk = SecretKey.fromBytes(interopSecretKey(validator));
      const message = {
        pubkey: sk.toPublicKey().toBytes(),
        withdrawalCredentials: bytes(credentials),
        amountGwei: 32_000_000_000n,
      };
      const forkVersion = new Uint8Array(4);
      const signature = sk.sign(depositSigningRoot(message, forkVersion)).toBytes();
      const deposit = buildDepositData({ ...message, signature, forkVersion });
      const pubkey = `0x${deposit.pubkey}` as Hex;
      const sig = `0x${deposit.signature}` as Hex;
      const dataRoot = `0x${deposit.deposit_data_root}` as Hex;
      const keyDigest = await microPoolFactory.depositKeyDigest(reader, {
        address: c.MicroPoolFactory,
        args: [pool, keccak256(pubkey), dataRoot],
      });
      await microPool.setDepositData(provider, {
        address: pool,
        args: [pubkey, sig, dataRoot, await devAccount(18).sign({ hash: keyDigest })],
      });
      const depositRoot = await depositContract.get_deposit_root(reader, { address: c.DepositContract });
      const activationDigest = await microPoolFactory.activationDigest(reader, {
        address: c.MicroPoolFactory,
        args: [pool, keccak256(pubkey), depositRoot],
      });
      await microPool.activate(reader, {
        address: pool,
        args: [pubkey, sig, depositRoot, await devAccount(18).sign({ hash: activationDigest })],
      });
      expect(await microPool.state(reader, { address: pool })).toBe(MicroPoolState.Active);
      pools.push(pool);
    }
    // the dev chain runs: past epoch 1
    await waitFor("lodestar head slot >= 10", async () => (await headSlot(lodestar.rest)) >= 10, 120_000);
    // before the end time the command refuses
    const early = await mzku(exitArgs(pools[0] as Address, cluster.combiner.url));
    expect(early.code).toBe(1);
    expect(failure(early)).toMatch(/^mzku: EXIT_NOT_DUE: pool 0x[0-9a-fA-F]{40} ends at /);
    await advanceTimeTo(testClient, endTime);
  });

  const exitArgs = (pool: Address, signerUrl: string, extra: string[] = [], beaconUrl = lodestar.rest) => [
    "pool",
    "exit",
    "--pool",
    pool,
    "--rpc-url",
    anvil.rpcUrl,
    "--beacon-url",
    beaconUrl,
    "--signer-url",
    signerUrl,
    ...extra,
  ];

  it("refuses bad input with one line naming what was wrong", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const down = await mzku(exitArgs(pools[0] as Address, closed));
    expect(down.code).toBe(1);
    expect(failure(down)).toBe(`mzku: SIGNER_UNREACHABLE: signer ${closed} unreachable\n`);
    const beaconDown = await mzku(exitArgs(pools[0] as Address, cluster.combiner.url, [], closed));
    expect(beaconDown.code).toBe(1);
    expect(failure(beaconDown)).toMatch(/^mzku: BEACON_UNREACHABLE: beacon node http:\/\/127\.0\.0\.1:\d+ unreachable/);
    // pool B's validator is on the chain but its key is not served by these signers
    const unknown = await mzku(exitArgs(pools[1] as Address, cluster.combiner.url));
    expect(unknown.code).toBe(1);
    expect(failure(unknown)).toMatch(
      /^mzku: SIGNER_UNKNOWN_KEY: signer http:\/\/127\.0\.0\.1:\d+ does not serve validator 0x[0-9a-f]{96}\n$/,
    );
    const notPool = await mzku(exitArgs("0x000000000000000000000000000000000000dEaD", cluster.combiner.url));
    expect(notPool.code).toBe(1);
    expect(failure(notPool)).toMatch(/^mzku: /);
    const usage = await mzku(["pool", "exit", "--pool", "0x12", "--beacon-url", lodestar.rest, "--signer-url", closed]);
    expect(usage.code).toBe(2);
    expect(failure(usage)).toBe("mzku: BAD_POOL: --pool must be a 0x address, got 0x12\n");
  });

  it("falls back to the pool's EIP-7002 request when the signers cannot sign", async () => {
    const keyFile = join(dir, "payer.key");
    writeFileSync(keyFile, devKey(7), { mode: 0o600 });
    const reader = devWallet(anvil.rpcUrl, 0);
    expect(await microPool.exitRequested(reader, { address: pools[1] as Address })).toBe(false);
    const r = await mzku(
      exitArgs(pools[1] as Address, cluster.combiner.url, ["--request-exit", "--private-key-file", keyFile]),
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { method: string; fee: string; signerError: string };
    expect(out).toMatchObject({ method: "eip7002", fee: "1", signerError: "SIGNER_UNKNOWN_KEY" });
    expect(await microPool.exitRequested(reader, { address: pools[1] as Address })).toBe(true);
  });

  it("signs through the threshold signers, and Lodestar verifies and includes the exit", async () => {
    const r = await mzku(exitArgs(pools[0] as Address, cluster.combiner.url));
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      outcome: string;
      validatorIndex: string;
      pubkey: string;
      exit: { message: { epoch: string }; forkVersion: string; signature: string };
    };
    expect(out.outcome).toBe("submitted");
    expect(out.validatorIndex).toBe("0");
    expect(out.pubkey).toBe(cluster.pubkeys[0]);
    expect(out.exit.forkVersion).toBe("0x01000001"); // Altair (minimal config), the dev chain's fork
    const beacon = new BeaconApi(lodestar.rest);
    await waitFor(
      "validator 0 active_exiting",
      async () => (await beacon.validator(out.pubkey))?.status === "active_exiting",
      60_000,
    );
    const again = await mzku(exitArgs(pools[0] as Address, cluster.combiner.url));
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: "already_exiting", status: "active_exiting" });

    // the node refuses an exit whose signature is not over its message: a clear BEACON_REFUSED naming
    // what the node said (Lodestar 1.5.1 answers 500 for an invalid exit; current nodes 400)
    const refused = await beacon
      .submitVoluntaryExit({ message: { epoch: "0", validator_index: "1" }, signature: out.exit.signature })
      .then(
        () => undefined,
        (e: unknown) => e as { code: string; message: string; details: { status: number } },
      );
    expect(refused?.code).toBe("BEACON_REFUSED");
    expect(refused?.details.status).toBeGreaterThanOrEqual(400);
    expect(refused?.message).toMatch(
      /^beacon node http:\/\/127\.0\.0\.1:\d+ refused POST \/eth\/v1\/beacon\/pool\/voluntary_exits: [45]\d\d ./,
    );
    process.stdout.write(`[pool exit e2e] refused: ${refused?.message}\n`);
  });

  it("signs a Deneb-era exit under the Capella domain (EIP-7044), verified outside MZKU's code", async () => {
    const beacon = new BeaconApi(lodestar.rest);
    const gvr = await beacon.genesisValidatorsRoot();
    const pubkey = cluster.pubkeys[1] as string;
    const exit = { epoch: 3n, validatorIndex: 1n };
    // the fork info a validator client sends on a Deneb chain (minimal config fork versions)
    const fork = { previous_version: "0x03000001", current_version: "0x04000001", epoch: "2" };
    const signature = await requestExitSignature(
      { url: cluster.combiner.url },
      { pubkey, fork, genesisValidatorsRoot: gvr, ...exit },
    );
    // independently: VoluntaryExit and SigningData from @lodestar/types, the domain by the spec's
    // compute_domain over the Capella version, the pairing check by blst
    const domainAt = (version: string) => {
      const forkDataRoot = ssz.phase0.ForkData.hashTreeRoot({
        currentVersion: bytes(version),
        genesisValidatorsRoot: bytes(gvr),
      });
      return new Uint8Array([...DOMAIN_VOLUNTARY_EXIT, ...forkDataRoot.subarray(0, 28)]);
    };
    const root = (version: string) =>
      ssz.phase0.SigningData.hashTreeRoot({
        objectRoot: ssz.phase0.VoluntaryExit.hashTreeRoot({ epoch: 3, validatorIndex: 1 }),
        domain: domainAt(version),
      });
    const pk = PublicKey.fromHex(pubkey);
    const sig = Signature.fromHex(signature);
    expect(verify(root("0x03000001"), pk, sig), "valid under the Capella domain").toBe(true);
    expect(verify(root("0x04000001"), pk, sig), "not under the current (Deneb) domain").toBe(false);
    // the sdk's verification root (@lodestar/config's getDomainForVoluntaryExit) agrees for a Deneb chain
    const spec = {
      ...(await beacon.spec()),
      CAPELLA_FORK_EPOCH: "1",
      DENEB_FORK_EPOCH: "2",
      BELLATRIX_FORK_EPOCH: "0",
    };
    const sdkRoot = exitSigningRoot(exitChainConfig(spec, gvr), exit, 3n);
    expect(sdkRoot.forkVersion).toBe("0x03000001");
    expect(sdkRoot.signingRoot).toBe(hex(root("0x03000001")));
  });
});
