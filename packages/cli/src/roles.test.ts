// Every role's job through the built `mzku`, against one devnet `mzku devnet` started for this file.
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { microPool, mzkuToken } from "@mzku/sdk";
import { devWallet } from "@mzku/sdk/devnet";
import { freePorts, keysDkgArgs, runSignerBin } from "@mzku/signer/testing";
import { Keystore } from "ox";
import { createTestClient, http, parseEther } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mzku, startDevnet, type TestDevnet } from "./test/cli.js";

const E = 10n ** 18n;

describe("mzku for every role", () => {
  let d: TestDevnet;
  let run: (...args: string[]) => ReturnType<typeof mzku>;
  /** Runs a command that must succeed and returns its --json document. */
  let ok: <T = Record<string, string>>(...args: string[]) => Promise<T>;
  const mzkuOf = (name: string) =>
    mzkuToken.balanceOf(devWallet(d.rpcUrl, 0), {
      address: d.ready.contracts.MzkuToken as `0x${string}`,
      args: [d.ready.accounts[name] ?? "0x"],
    });

  beforeAll(async () => {
    d = await startDevnet(["--no-indexer"]);
    // "provider bid" as the first argument is the command: split it.
    run = (...args) => mzku([...(args[0] ?? "").split(" "), ...args.slice(1)], d.env);
    ok = async <T>(...args: string[]) => {
      const r = await run(...args, "--json");
      if (r.code !== 0) throw new Error(`mzku ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
      return r.json<T>();
    };
  }, 300_000);
  afterAll(async () => {
    await d?.stop();
  });

  it("requester, providers, governors: the worked example from the command line", async () => {
    expect((await ok("project quote")).fixedPrice).toBe((100n * E).toString());
    const requesterBefore = await mzkuOf("requester");
    const opened = await ok("project request", "-a", "requester");
    expect(opened.projectId).toBe("1");
    for (const [who, price] of [
      ["provider1", "60mzku"],
      ["provider2", "70"],
      ["provider3", "75mzku"],
    ] as const) {
      expect((await ok("provider bid", "1", price, "-a", who)).projectId).toBe("1");
    }
    // Reveal too early: a clear refusal, nothing sent.
    const early = await run("provider reveal", "1", "--no-wait", "-a", "provider1");
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(
      /^mzku: WRONG_PHASE: The reveal window of project 1 opens at block \d+ \(now \d+, \d+ blocks to go\)\n$/,
    );
    // A late bid is refused once the commit window is over.
    await ok("devnet mine", "--to", String(opened.commitEndBlock));
    const late = await run("provider bid", "1", "50mzku", "-a", "provider4");
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/^mzku: WRONG_PHASE: the commit window of project 1 closed at block \d+/);
    for (const who of ["provider1", "provider2", "provider3"]) await ok("provider reveal", "1", "-a", who);
    // The settlement window opens by itself a minute later (a block a second): mine to it instead.
    await ok("devnet mine", "--to", String(opened.revealEndBlock));
    const settled = await ok("project settle", "1", "-a", "requester");
    expect(settled).toMatchObject({ status: "Assigned", providerId: "1", price: (60n * E).toString() });
    const started = await ok("provider start", "1", "-a", "provider1");
    expect(started.nodeId).toBe("1");
    const tooSoon = await run("provider complete", "1", "--profit", "300mzku", "-a", "provider1");
    expect(tooSoon.code).toBe(1);
    expect(tooSoon.stderr).toMatch(/^mzku: WRONG_PHASE: project 1 runs until /);
    await ok("devnet advance", "1d");
    await ok("provider complete", "1", "--profit", "300mzku", "-a", "provider1");
    const p1Before = await mzkuOf("provider1");
    const proposal = await ok(
      "gov propose",
      "-a",
      "gov1",
      "--description",
      "confirm project 1",
      "--action",
      "projectMarket.confirmCompletion(1, 300mzku)",
    );
    for (const g of ["gov1", "gov2", "gov3"])
      expect((await ok("gov vote", String(proposal.proposalId), "for", "-a", g)).support).toBe("for");
    const early2 = await run("gov execute", String(proposal.proposalId), "-a", "gov1");
    expect(early2.code).toBe(1);
    expect(early2.stderr).toMatch(/^mzku: WRONG_PHASE: proposal \d+ is (Active|Queued): executable from /);
    await ok("devnet advance", "5d");
    expect((await ok("gov execute", String(proposal.proposalId), "-a", "gov1")).state).toBe("Executed");
    expect(await mzkuOf("provider1"), "provider gets its bid").toBe(p1Before + 60n * E);
    expect(await mzkuOf("requester"), "requester paid 100, gets 260").toBe(requesterBefore + 160n * E);
    const status = await ok("project status", "1");
    expect(status.status).toBe("Completed");
    const mine = await ok<{ projects: { projectId: string }[] }>("project list", "--mine", "-a", "requester");
    expect(mine.projects.map((p) => p.projectId)).toEqual(["1"]);
  }, 300_000);

  it("governance: typed actions, status, and a bad action refused before anything is sent", async () => {
    const bad = await run(
      "gov propose",
      "-a",
      "gov1",
      "--description",
      "x",
      "--action",
      "providerRegistry.qualify(1, 2)",
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'mzku: BAD_ACTION: --action "providerRegistry.qualify(1, 2)": providerRegistry.qualify takes 1 argument(s) (uint256 providerId), got 2\n',
    );
    const notGov = await ok<{ proposalId: string }>(
      "gov propose",
      "-a",
      "gov1",
      "--description",
      "quorum 60%",
      "--action",
      "governance.setParam(QuorumBps, 6000)",
    );
    const status = await ok<{
      phase: string;
      governors: unknown[];
      proposals: { proposalId: string; state: string }[];
    }>("gov status");
    expect(status.phase).toBe("Initialization");
    expect(status.governors).toHaveLength(3);
    expect(status.proposals.at(-1)).toMatchObject({ proposalId: notGov.proposalId, state: "Active" });
    const stranger = await run(
      "gov propose",
      "-a",
      "investor1",
      "--description",
      "x",
      "--action",
      "providerRegistry.qualify(1)",
    );
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toMatch(/^mzku: NOT_GOVERNOR: 0x[0-9a-fA-F]{40} is not a seated governor\n$/);
    const elect = await run("gov elect", "-a", "candidate");
    expect(elect.code).toBe(1);
    expect(elect.stderr).toMatch(/^mzku: WRONG_PHASE: the next election is due after /);
    const apply = await run("gov apply", "10000mzku", "-a", "candidate");
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/^mzku: WRONG_PHASE: candidates apply from the Transition phase, which starts /);
  }, 300_000);

  it("investors: a pool opened, staked, withdrawn, listed; sidecar stake with delegation; rewards", async () => {
    const pool = await ok("pool open", "-a", "provider2");
    expect(pool.poolId).toBe("1");
    expect(pool.providerEth).toBe((16n * E).toString()); // an untrusted provider's share k
    const staked = await ok("pool stake", "1", "4eth", "-a", "investor1");
    expect(staked.aEth).toBe((4n * E).toString());
    expect(BigInt(String(staked.mzkuPaid))).toBe((BigInt(String(pool.fixedPrice)) * 4n + 31n) / 32n);
    const full = await run("pool stake", "1", "20eth", "-a", "investor2");
    expect(full.code).toBe(1);
    expect(full.stderr).toBe("mzku: POOL_FULL: pool 1 takes at most 12 ETH more\n");
    await ok("pool withdraw", "1", "1.5eth", "-a", "investor1");
    const status = await ok("pool status", pool.pool ?? "", "-a", "investor1");
    expect(status).toMatchObject({
      state: "Open",
      aEth: ((25n * E) / 10n).toString(),
      staked: ((25n * E) / 10n).toString(),
    });
    expect((await ok<{ pools: unknown[] }>("pool list")).pools).toHaveLength(1);
    const nothing = await run("pool claim", "1", "-a", "investor1");
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/^mzku: NOTHING_TO_CLAIM: /);

    const stake = await ok("stake", "sidecar1", "1000mzku", "--delegate", "gov1", "-a", "investor3");
    expect(stake).toMatchObject({ position: (1000n * E).toString(), delegate: d.ready.accounts.gov1 });
    const unstaked = await ok("stake", "--unstake", "sidecar1", "400mzku", "-a", "investor3");
    expect(unstaked).toMatchObject({ unstaked: (400n * E).toString(), position: (600n * E).toString() });
    const unknown = await run("stake", "investor5", "1mzku", "-a", "investor3");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/is not the sidecar of a registered node\n$/);

    // The worked example paid the Reward Pool 40 MZKU; a period later the stakes can claim it.
    await ok("devnet advance", "8d");
    const due = await ok<{ positions: { class: string; mzku: string }[]; periodDue: boolean }>(
      "rewards status",
      "-a",
      "provider1",
    );
    expect(due.positions.map((p) => p.class)).toContain("Provider");
    expect(due.periodDue, "claims never start a period: a sync is due").toBe(true);
    const synced = await ok<{ started: string }>("rewards sync", "-a", "investor8");
    expect(Number(synced.started)).toBeGreaterThan(0);
    expect((await ok<{ periodDue: boolean }>("rewards status", "-a", "provider1")).periodDue).toBe(false);
    await ok("devnet advance", "1d"); // a day of the period streams
    const streaming = await ok<{ positions: { class: string; mzku: string }[] }>("rewards status", "-a", "provider1");
    const provider = BigInt(streaming.positions.find((p) => p.class === "Provider")?.mzku ?? "0");
    expect(provider, "the worked example's 40 MZKU streams to the providers' collateral").toBeGreaterThan(0n);
    const mzkuBefore = await mzkuOf("provider1");
    const claimed = await ok<{ totalMzku: string }>("rewards claim", "-a", "provider1");
    // Claimed a block after the status was read: at least what it showed, and what the balance got.
    expect(BigInt(claimed.totalMzku)).toBeGreaterThanOrEqual(provider);
    expect(await mzkuOf("provider1")).toBe(mzkuBefore + BigInt(claimed.totalMzku));
    const nothing2 = await run("rewards claim", "-a", "investor8");
    expect(nothing2.code).toBe(1);
    expect(nothing2.stderr).toMatch(/^mzku: NOTHING_TO_CLAIM: /);
  }, 300_000);

  it("a provider activates its full pool with a threshold key: DKG with mzku-signer processes, co-signer, deposit", async () => {
    const reader = devWallet(d.rpcUrl, 0);
    const sent = () => reader.getTransactionCount({ address: d.ready.accounts.provider3 ?? "0x" });
    const opened = await ok("pool open", "-a", "provider3");
    const id = String(opened.poolId);
    const pool = opened.pool as `0x${string}`;
    const before = await sent();
    const notFull = await run(
      "pool activate",
      id,
      "--deposit-data",
      "none.json",
      "--cosigner",
      "cosigner",
      "-a",
      "provider3",
    );
    expect(notFull.code).toBe(1);
    expect(notFull.stderr).toBe(
      `mzku: POOL_NOT_FULL: pool ${id} holds 16 ETH of 32: investors stake the missing 16 ETH first (mzku pool stake ${id} <eth>)\n`,
    );
    await ok("pool stake", id, "10eth", "-a", "investor4");
    await ok("pool stake", id, "6eth", "-a", "investor5");
    const neither = await run("pool activate", id, "--cosigner", "cosigner", "-a", "provider3");
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/^mzku: BAD_ARGUMENT: give --definition \(run the DKG\) or --deposit-data/);
    const stranger = await run("pool activate", id, "--deposit-data", "x", "--cosigner", "cosigner", "-a", "provider4");
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toBe(
      `mzku: NOT_OPERATOR: pool ${id} is operated by ${d.ready.accounts.provider3}, not ${d.ready.accounts.provider4}\n`,
    );
    const wrongCosigner = await run(
      "pool activate",
      id,
      "--deposit-data",
      "x",
      "--cosigner",
      "investor1",
      "-a",
      "provider3",
    );
    expect(wrongCosigner.code).toBe(2);
    expect(wrongCosigner.stderr).toMatch(
      new RegExp(
        `^mzku: BAD_COSIGNER: ${d.ready.accounts.investor1} is not the pool factory's co-signer \\(${d.ready.accounts.cosigner}\\)`,
      ),
    );
    const noCosigner = await run("pool activate", id, "--deposit-data", "x", "-a", "provider3");
    expect(noCosigner.code).toBe(2);
    expect(noCosigner.stderr).toMatch(
      /^mzku: NO_ACCOUNT: the activation needs the platform co-signer's approval: pass --cosigner/,
    );
    expect(await sent(), "nothing sent on bad input").toBe(before);

    // A 2-of-3 ceremony: the provider's party runs inside `mzku pool activate`, two co-signer parties
    // run `mzku-signer keys dkg` in their own processes with the pool as withdrawal address.
    const dir = mkdtempSync(join(tmpdir(), "mzku-activate-"));
    writeFileSync(join(dir, "pw"), "share password\n");
    const identities: string[] = [];
    for (const i of [1, 2, 3]) {
      const made = await mzku(["keys", "identity", "--out", join(dir, `id${i}.json`)]);
      expect(made.code, made.stderr).toBe(0);
      identities.push(made.stdout.trim());
    }
    const ports = await freePorts(3);
    const definition = await mzku([
      "keys",
      "definition",
      "--identities",
      identities.join(","),
      "--urls",
      ports.map((p) => `http://127.0.0.1:${p}`).join(","),
      "--threshold",
      "2",
      "--validators",
      "1",
      "--out",
      join(dir, "def.json"),
    ]);
    expect(definition.code, definition.stderr).toBe(0);
    const children = new Set<ChildProcess>();
    const deposit = { withdrawalAddress: pool, forkVersion: "0x00000000" };
    const depositBefore = await reader.getBalance({ address: d.ready.contracts.DepositContract ?? "0x" });
    try {
      const [activated, party2, party3] = await Promise.all([
        run(
          "pool activate",
          id,
          "--definition",
          join(dir, "def.json"),
          "--identity",
          join(dir, "id1.json"),
          "--index",
          "1",
          "--out",
          join(dir, "out1"),
          "--share-password-file",
          join(dir, "pw"),
          "--cosigner",
          "cosigner",
          "-a",
          "provider3",
          "--json",
        ),
        runSignerBin(keysDkgArgs(2, deposit), { cwd: dir, children }),
        runSignerBin(keysDkgArgs(3, deposit), { cwd: dir, children }),
      ]);
      expect(activated.code, activated.stderr).toBe(0);
      expect([party2.code, party3.code], party2.stderr + party3.stderr).toEqual([0, 0]);
      const result = activated.json<Record<string, string>>();
      const [theirs] = JSON.parse(readFileSync(join(dir, "out2", "deposit-data.json"), "utf8")) as {
        pubkey: string;
        deposit_data_root: string;
      }[];
      expect(result).toMatchObject({
        pool,
        poolId: id,
        state: "Active",
        pubkey: `0x${theirs?.pubkey}`,
        depositDataRoot: `0x${theirs?.deposit_data_root}`,
        coSigner: d.ready.accounts.cosigner,
        shareDir: join(dir, "out1"),
      });
      expect(existsSync(join(dir, "out1", "dkg-output.json")), "the provider's key share is kept").toBe(true);
      expect(await reader.getBalance({ address: d.ready.contracts.DepositContract ?? "0x" })).toBe(
        depositBefore + 32n * E,
      );
      expect((await ok("pool status", id)).state).toBe("Active");
      // Rewards arrive (a withdrawal sweep; here set directly), anyone distributes, an investor claims.
      await ok("devnet advance", "1h");
      const test = createTestClient({ chain: foundry, mode: "anvil", transport: http(d.rpcUrl) });
      await test.setBalance({
        address: pool,
        value: (await reader.getBalance({ address: pool })) + parseEther("0.01"),
      });
      await microPool.distribute(reader, { address: pool });
      const holder = await ok("pool status", id, "-a", "investor4");
      expect(BigInt(holder.claimable ?? "0")).toBeGreaterThan(0n);
      const investorBefore = await reader.getBalance({ address: d.ready.accounts.investor4 ?? "0x" });
      const claim = await run("pool claim", id, "-a", "investor4", "--json");
      expect(claim.code, claim.stderr).toBe(0);
      expect(claim.json()).toMatchObject({ pool, claimed: holder.claimable });
      const receipt = await reader.getTransactionReceipt({
        hash: claim.json<{ transactionHash: `0x${string}` }>().transactionHash,
      });
      expect(await reader.getBalance({ address: d.ready.accounts.investor4 ?? "0x" })).toBe(
        investorBefore + BigInt(holder.claimable ?? "0") - receipt.gasUsed * receipt.effectiveGasPrice,
      );
    } finally {
      for (const c of children) c.kill("SIGKILL");
    }
    const again = await run(
      "pool activate",
      id,
      "--deposit-data",
      join(dir, "out2", "deposit-data.json"),
      "--cosigner",
      "cosigner",
      "-a",
      "provider3",
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`mzku: WRONG_PHASE: pool ${id} is Active, not Open\n`);
  }, 300_000);

  it("providers: apply, collateral, nodes, status, withdrawal", async () => {
    const key = generatePrivateKey();
    const me = privateKeyToAccount(key);
    const test = createTestClient({ chain: foundry, mode: "anvil", transport: http(d.rpcUrl) });
    await test.setBalance({ address: me.address, value: parseEther("10") });
    const poor = await run("provider", "apply", "--name", "Newco", "--collateral", "10000mzku", "--private-key", key);
    expect(poor.code).toBe(1);
    expect(poor.stderr).toBe(`mzku: INSUFFICIENT_FUNDS: the collateral needs 10000 MZKU; ${me.address} holds 0 MZKU\n`);
    expect(await devWallet(d.rpcUrl, 0).getTransactionCount({ address: me.address }), "nothing sent").toBe(0);
    const applied = await ok(
      "provider apply",
      "--name",
      "Candidate Nodes",
      "-a",
      "candidate",
      "--collateral",
      "10000mzku",
    );
    expect(applied.providerId).toBe("5");
    const more = await ok("provider collateral", "500mzku", "-a", "candidate");
    expect(more.collateral).toBe((10_500n * E).toString());
    const status = await ok("provider status", "-a", "candidate");
    expect(status).toMatchObject({ providerId: "5", qualified: false, tier: "Untrusted" });
    const notQualified = await run("provider nodes", "--add", "--sidecar", "investor8", "-a", "candidate");
    expect(notQualified.code).toBe(1);
    expect(notQualified.stderr).toMatch(/^mzku: CONTRACT_REVERTED: .*ProviderRegistryNotEligible/);
    const nodes = await ok<{ nodes: { nodeId: string; status: string }[] }>("provider nodes", "-a", "provider4");
    expect(nodes.nodes).toEqual([expect.objectContaining({ nodeId: "4", status: "Active" })]);
    const added = await ok<{ added: string; nodes: { nodeId: string; status: string }[] }>(
      "provider nodes",
      "--add",
      "--sidecar",
      "investor7",
      "--cpu",
      "4",
      "-a",
      "provider4",
    );
    expect(added.nodes.map((n) => [n.nodeId, n.status])).toEqual([
      ["4", "Active"],
      [added.added, "Active"],
    ]);
    const requested = await ok("provider withdraw", "500mzku", "-a", "candidate");
    expect(requested.requested).toBe((500n * E).toString());
    const early = await run("provider withdraw", "--complete", "-a", "candidate");
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/^mzku: WRONG_PHASE: the withdrawal of 500 MZKU is ready at /);
  }, 300_000);

  it("accounts: EIP-2335 and v3 keystores sign; unknown accounts, bad amounts and no node are one-line errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mzku-keys-"));
    writeFileSync(join(dir, "pw"), "correct horse battery\n");
    const created = await mzku([
      "keys",
      "account",
      "new",
      "--out",
      join(dir, "me.json"),
      "--password-file",
      join(dir, "pw"),
      "--json",
    ]);
    expect(created.code).toBe(0);
    const { address } = created.json<{ address: `0x${string}` }>();
    const test = createTestClient({ chain: foundry, mode: "anvil", transport: http(d.rpcUrl) });
    await test.setBalance({ address, value: parseEther("1") });
    const delegated = await ok(
      "stake",
      "--delegate",
      "gov2",
      "--keystore",
      join(dir, "me.json"),
      "--password-file",
      join(dir, "pw"),
    );
    expect(delegated).toMatchObject({ staker: address, delegate: d.ready.accounts.gov2 });
    writeFileSync(join(dir, "bad"), "wrong\n");
    const wrong = await run(
      "stake",
      "--delegate",
      "gov2",
      "--keystore",
      join(dir, "me.json"),
      "--password-file",
      join(dir, "bad"),
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^mzku: BAD_KEYSTORE: .*cannot decrypt/);

    // A Web3 Secret Storage v3 keystore (what geth, cast wallet and wallets export), password from the
    // environment; a wrong one is one line, exit 2, and nothing is sent.
    const v3Key = generatePrivateKey();
    const v3Address = privateKeyToAccount(v3Key).address;
    const [derived, kdf] = Keystore.scrypt({ password: "v3 password", n: 1024 });
    writeFileSync(
      join(dir, "v3.json"),
      JSON.stringify({ ...Keystore.encrypt(v3Key, derived, kdf), address: v3Address.slice(2).toLowerCase() }),
    );
    await test.setBalance({ address: v3Address, value: parseEther("1") });
    const v3Wrong = await mzku(["stake", "--delegate", "gov3", "--keystore", join(dir, "v3.json"), "--json"], {
      ...d.env,
      MZKU_KEYSTORE_PASSWORD: "not it",
    });
    expect(v3Wrong.code).toBe(2);
    expect(v3Wrong.stderr).toBe(`mzku: BAD_KEYSTORE: ${join(dir, "v3.json")}: cannot decrypt (wrong password?)\n`);
    expect(await devWallet(d.rpcUrl, 0).getTransactionCount({ address: v3Address }), "nothing sent").toBe(0);
    const v3 = await mzku(["stake", "--delegate", "gov3", "--keystore", join(dir, "v3.json"), "--json"], {
      ...d.env,
      MZKU_KEYSTORE_PASSWORD: "v3 password",
    });
    expect(v3.code, v3.stderr).toBe(0);
    expect(v3.json()).toMatchObject({ staker: v3Address, delegate: d.ready.accounts.gov3 });

    const unknown = await run("project", "request", "-a", "bob");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^mzku: UNKNOWN_ACCOUNT: unknown account "bob" \(devnet names: /);
    const amount = await run("pool", "stake", "1", "2.5btc", "-a", "investor1");
    expect(amount.code).toBe(2);
    expect(amount.stderr).toBe('mzku: BAD_AMOUNT: amount: unknown unit "btc" (eth, gwei, mzku or wei)\n');
    const currency = await run("provider", "collateral", "2eth", "-a", "provider1");
    expect(currency.code).toBe(2);
    expect(currency.stderr).toBe('mzku: BAD_AMOUNT: amount is in MZKU, got "2eth"\n');
    const noNode = await mzku(["gov", "status", "--rpc", "http://127.0.0.1:9"], { MZKU_LOG_LEVEL: "warn" });
    expect(noNode.code).toBe(1);
    expect(noNode.stderr).toBe(
      "mzku: RPC_UNREACHABLE: no node answers at http://127.0.0.1:9 (start one with mzku devnet, or pass --rpc)\n",
    );
    const help = await run("provider", "bid", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Example:\n  mzku provider bid 1 60mzku -a provider1");
    const keysDkg = await mzku(["keys", "dkg", "--bogus"]);
    expect(keysDkg.code).toBe(2);
    expect(keysDkg.stderr).toMatch(/^mzku: USAGE: /);
  }, 300_000);

  it("an election from the command line: a candidate applies, a staker delegates, the election seats it", async () => {
    // Past transitionStart (30 days after the deployment) and the first election (7 days later): that
    // one reads votes before anyone applied, so it runs first and seats nobody new.
    await ok("devnet advance", "31d");
    const first = await ok<{ governors: string[] }>("gov elect", "-a", "investor5");
    expect(first.governors).toHaveLength(3);
    const applied = await ok("gov apply", "10000mzku", "-a", "investor6");
    expect(applied.locked).toBe((10_000n * E).toString());
    await ok("stake", "sidecar2", "2000mzku", "--delegate", "investor6", "-a", "investor5");
    const status = await ok<{ phase: string; candidates: string[] }>("gov status");
    expect(status).toMatchObject({ phase: "Automated", candidates: [d.ready.accounts.investor6] });
    const early = await run("gov elect", "-a", "investor5");
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/^mzku: WRONG_PHASE: the next election is due after /);
    await ok("devnet advance", "91d"); // the election period is 90 days
    const elected = await ok<{ governors: string[] }>("gov elect", "-a", "investor5");
    expect(elected.governors).toContain(d.ready.accounts.investor6);
    expect(elected.governors).toHaveLength(4);

    // The elected candidate's stake: more of it, a refused withdrawal while seated, resignation, withdrawal.
    const stranger = await run("gov add-stake", "1mzku", "-a", "investor7");
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toBe(
      `mzku: NOT_CANDIDATE: ${d.ready.accounts.investor7} is neither a governor nor a candidate (mzku gov apply first)\n`,
    );
    expect((await ok("gov add-stake", "1000mzku", "-a", "investor6")).locked).toBe((11_000n * E).toString());
    const seated = await run("gov withdraw", "1mzku", "-a", "investor6");
    expect(seated.code).toBe(1);
    expect(seated.stderr).toMatch(/^mzku: WRONG_PHASE: 0x[0-9a-fA-F]{40} is seated: resign first/);
    const resigned = await ok<{ governors: string[] }>("gov resign", "-a", "investor6");
    expect(resigned.governors).not.toContain(d.ready.accounts.investor6);
    const again = await run("gov resign", "-a", "investor6");
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`mzku: NOT_GOVERNOR: ${d.ready.accounts.investor6} is not a seated governor\n`);
    const requested = await ok("gov withdraw", "11000mzku", "-a", "investor6");
    expect(requested.pending).toBe((11_000n * E).toString());
    const notYet = await run("gov withdraw", "--complete", "-a", "investor6");
    expect(notYet.code).toBe(1);
    expect(notYet.stderr).toMatch(/^mzku: WRONG_PHASE: the withdrawal of 11000 MZKU is ready at /);
    const mzkuBefore = await mzkuOf("investor6");
    await ok("devnet advance", "60d");
    expect((await ok("gov withdraw", "--complete", "-a", "investor6")).withdrawn).toBe((11_000n * E).toString());
    expect(await mzkuOf("investor6")).toBe(mzkuBefore + 11_000n * E);
  }, 300_000);
});
