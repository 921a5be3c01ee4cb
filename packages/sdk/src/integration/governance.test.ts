// Governance through the sdk on a real anvil, deployed by the production deploy script:
// Initialization → Transition election → Automated re-election, with a governor slashed for missing
// three consecutive votes [3.1 Government, 3.6, 5.3].
import { getBlock } from "viem/actions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { governance, mzkuToken, nodeRegistry, providerRegistry, sidecarStaking } from "../actions/index.js";
import { advanceTimeTo, passProposal, seatInvitedGovernors } from "../devnet/governance.js";
import { qualifyActions, registerProvider } from "../devnet/providers.js";
import { GovernanceParam, GovernanceSupport, GovernancePhase as Phase } from "../enums.js";
import { isContractError } from "../errors.js";
import * as proposals from "../proposals/index.js";
import { startTestProtocol, type TestProtocol } from "../test/protocol.js";

describe("governance lifecycle through the sdk", () => {
  let p: TestProtocol;
  beforeAll(async () => {
    p = await startTestProtocol();
  });
  afterAll(async () => p?.stop());

  it("seats invited governors, elects by stake + delegated votes, re-elects, and slashes an absentee", async () => {
    const c = p.deployment.contracts;
    const gov = c.Governance;
    const reader = p.wallet(0);
    const founders = [p.wallet(1), p.wallet(2), p.wallet(3)];
    const [alice, bob, carol, dave] = [p.wallet(4), p.wallet(5), p.wallet(6), p.wallet(7)];
    const staker = p.wallet(8);
    const min = await governance.minGovernorStake(reader, { address: gov });

    // --- Initialization: the n+1 = 3 invited governors lock the minimum and take their seats.
    expect(await governance.phase(reader, { address: gov })).toBe(Phase.Initialization);
    const notInvited = await governance.acceptInvitation(alice, { address: gov, args: [min] }).catch((e) => e);
    expect(isContractError(notInvited, "GovernanceNotInvited")).toBe(true);
    await seatInvitedGovernors(p.deployment, founders);
    expect(await governance.governorCount(reader, { address: gov })).toBe(3n);
    // Locked stake sits in the stake vault, which no proposal may call; Governance itself holds none.
    const vault = await governance.stakeVault(reader, { address: gov });
    expect(await mzkuToken.balanceOf(reader, { address: c.MzkuToken, args: [vault] })).toBe(3n * min);
    expect(await mzkuToken.balanceOf(reader, { address: c.MzkuToken, args: [gov] })).toBe(0n);

    // They govern already: qualify a provider, whose node's sidecar then receives delegating stake.
    const provider = p.wallet(9);
    const providerId = await registerProvider(p.deployment, provider, { brandName: "Acme Nodes" });
    expect(await providerRegistry.isEligible(reader, { address: c.ProviderRegistry, args: [providerId] })).toBe(false);
    await passProposal(
      p.deployment,
      founders,
      p.testClient,
      qualifyActions(p.deployment, [providerId]),
      "qualify Acme",
    );
    expect(await providerRegistry.isEligible(reader, { address: c.ProviderRegistry, args: [providerId] })).toBe(true);
    const sidecar = p.wallet(10).account.address;
    await nodeRegistry.registerNode(provider, {
      address: c.NodeRegistry,
      args: [sidecar, { cpuCores: 4, ramGb: 16, storageGb: 2000, bandwidthMbps: 25 }],
    });

    // --- Transition: candidates lock stake and apply; a sidecar staker delegates its votes to alice.
    const transitionStart = await governance.transitionStart(reader, { address: gov });
    await advanceTimeTo(p.testClient, transitionStart);
    expect(await governance.phase(reader, { address: gov })).toBe(Phase.Transition);
    for (const [wallet, amount] of [
      [alice, min],
      [bob, min * 2n],
      [carol, min + 1n],
    ] as const) {
      await mzkuToken.approve(wallet, { address: c.MzkuToken, args: [gov, amount] });
      await governance.applyAsCandidate(wallet, { address: gov, args: [amount] });
    }
    await mzkuToken.approve(staker, { address: c.MzkuToken, args: [c.SidecarStaking, 5n * min] });
    await sidecarStaking.stake(staker, { address: c.SidecarStaking, args: [sidecar, 5n * min] });
    const delegated = await sidecarStaking.delegate(staker, {
      address: c.SidecarStaking,
      args: [alice.account.address],
    });
    const delegatedAt = (await getBlock(reader, { blockNumber: delegated.blockNumber })).timestamp;

    // Delegated votes count as their average over the window before the snapshot: held from
    // `delegatedAt`, they weigh (snapshot - delegatedAt) / window of the 5 * min delegated.
    const snapshot = await governance.nextElectionAt(reader, { address: gov });
    const window = await governance.param(reader, { address: gov, args: [10] });
    await advanceTimeTo(p.testClient, snapshot + 1n);
    const held = snapshot - delegatedAt;
    expect(held <= window, "delegated within the window before the snapshot").toBe(true);
    expect(await governance.electionVotesAt(reader, { address: gov, args: [alice.account.address, snapshot] })).toBe(
      min + (5n * min * held) / window,
    );
    await governance.runElection(reader, { address: gov });
    expect(await governance.phase(reader, { address: gov })).toBe(Phase.Automated);
    expect(await governance.governorCount(reader, { address: gov })).toBe(5n);
    expect(await governance.isGovernor(reader, { address: gov, args: [alice.account.address] })).toBe(true);
    expect(await governance.isGovernor(reader, { address: gov, args: [bob.account.address] })).toBe(true);
    expect(await governance.isGovernor(reader, { address: gov, args: [carol.account.address] })).toBe(false);

    // One governor, one vote: bob locked twice alice's stake, yet both votes weigh the same.
    const seated = await governance.governors(reader, { address: gov });
    const absentee = founders[2];
    if (!absentee) throw new Error("no absentee");
    const voters = seated.filter((g) => g !== absentee.account.address);
    const setQuorum = proposals.governance.setParam({ address: gov, args: [GovernanceParam.QuorumBps, 6000n] }).data;
    let firstMissed = 0n;
    const walletOf = (address: string) => {
      const wallet = [...founders, alice, bob].find((w) => w.account.address === address);
      if (!wallet) throw new Error(`no wallet for governor ${address}`);
      return wallet;
    };
    for (let k = 0; k < 3; k++) {
      // One open proposal per governor: three governors propose one each.
      const proposer = walletOf(voters[k] ?? "");
      const { proposalId: id } = await governance.propose(proposer, {
        address: gov,
        args: [[gov], [0n], [setQuorum], `quorum ${k}`],
      });
      if (k === 0) firstMissed = id;
      for (const address of voters) {
        await governance.castVote(walletOf(address), { address: gov, args: [id, GovernanceSupport.For] });
      }
      const proposal = await governance.proposal(reader, { address: gov, args: [id] });
      expect(Number(proposal.forVotes), `proposal ${k} counts one vote per governor`).toBe(voters.length);
    }

    // --- the absentee missed 3 consecutive votes: slashed to the Insurance Pool, under the minimum, unseated.
    const votingPeriod = await governance.param(reader, { address: gov, args: [3] });
    const { timestamp } = await getBlock(reader);
    await advanceTimeTo(p.testClient, timestamp + votingPeriod + 1n);
    const insuranceBefore = await mzkuToken.balanceOf(reader, { address: c.MzkuToken, args: [c.InsurancePool] });
    await governance.slashAbsentee(reader, { address: gov, args: [absentee.account.address, firstMissed] });
    const slash = await governance.missedVoteSlash(reader, { address: gov });
    expect(await mzkuToken.balanceOf(reader, { address: c.MzkuToken, args: [c.InsurancePool] })).toBe(
      insuranceBefore + slash,
    );
    expect(await governance.isGovernor(reader, { address: gov, args: [absentee.account.address] })).toBe(false);
    const removedVote = await governance
      .castVote(absentee, { address: gov, args: [firstMissed + 2n, GovernanceSupport.For] })
      .catch((e: unknown) => e);
    expect(isContractError(removedVote)).toBe(true);

    // --- Automated: at the next election the whole list is re-elected the same way.
    await mzkuToken.approve(dave, { address: c.MzkuToken, args: [gov, 3n * min] });
    await governance.applyAsCandidate(dave, { address: gov, args: [3n * min] });
    await advanceTimeTo(p.testClient, (await governance.nextElectionAt(reader, { address: gov })) + 1n);
    await governance.runElection(reader, { address: gov });
    expect(await governance.electionCount(reader, { address: gov })).toBe(2n);
    expect(await governance.governorCount(reader, { address: gov })).toBe(5n);
    for (const w of [dave, alice, bob, carol]) {
      expect(await governance.isGovernor(reader, { address: gov, args: [w.account.address] }), w.account.address).toBe(
        true,
      );
    }
    expect(await governance.isGovernor(reader, { address: gov, args: [absentee.account.address] })).toBe(false);
  });
});
