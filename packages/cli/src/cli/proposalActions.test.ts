import { UsageError } from "@mzku/errors";
import { type Deployment, GovernanceParam, proposals, protocolContractNames, TrustTier } from "@mzku/sdk";
import { devAccount } from "@mzku/sdk/devnet";
import { getAddress } from "viem";
import { describe, expect, it } from "vitest";
import { governedFunctions, parseProposalAction } from "./proposalActions.js";

// Distinct fake addresses per contract: parsing needs no chain.
const deployment = {
  chainId: 31337,
  startBlock: 0n,
  contracts: Object.fromEntries(
    protocolContractNames.map((name, i) => [name, `0x${(i + 1).toString(16).padStart(40, "0")}` as `0x${string}`]),
  ),
} as Deployment;
const c = deployment.contracts;

describe("typed governance actions from the command line", () => {
  it("builds the same action as the sdk's builder: units, enum names, contract and account names, tuples", () => {
    expect(parseProposalAction("projectMarket.confirmCompletion(1, 300mzku)", deployment, true)).toEqual(
      proposals.projectMarket.confirmCompletion({ address: c.ProjectMarket, args: [1n, 300n * 10n ** 18n] }),
    );
    expect(parseProposalAction("governance.setParam(QuorumBps, 6000)", deployment, true)).toEqual(
      proposals.governance.setParam({ address: c.Governance, args: [GovernanceParam.QuorumBps, 6000n] }),
    );
    expect(parseProposalAction("providerRegistry.setTrustTier(3, Trusted, 0)", deployment, true)).toEqual(
      proposals.providerRegistry.setTrustTier({ address: c.ProviderRegistry, args: [3n, TrustTier.Trusted, 0n] }),
    );
    expect(parseProposalAction("governance.setStakeObserver(RewardPool)", deployment, true)).toEqual(
      proposals.governance.setStakeObserver({ address: c.Governance, args: [c.RewardPool] }),
    );
    expect(parseProposalAction("rewardPool.setTreasury(treasury)", deployment, true)).toEqual(
      proposals.rewardPool.setTreasury({ address: c.RewardPool, args: [devAccount(19).address] }),
    );
    const terms = '{"enabled": true, "vickrey": false, "expectedAprBps": 400, "principalWei": "32eth"}';
    expect(parseProposalAction(`pricingPolicy.setTypeTerms(2, ${terms})`, deployment, true)).toEqual(
      proposals.pricingPolicy.setTypeTerms({
        address: c.PricingPolicy,
        args: [2, { enabled: true, vickrey: false, expectedAprBps: 400, principalWei: 32n * 10n ** 18n }],
      }),
    );
    const pool = "0x00000000000000000000000000000000000000aa";
    expect(parseProposalAction(`microPool@${pool}.complete()`, deployment, true)).toEqual(
      proposals.microPool.complete({ address: getAddress(pool) }),
    );
    expect(governedFunctions()).toContain("providerRegistry.qualify");
  });

  it("refuses what is not a governance-only function, a wrong argument count or value", () => {
    const refused = (text: string, devnet = true) => {
      try {
        parseProposalAction(text, deployment, devnet);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as UsageError).message;
      }
      throw new Error(`accepted ${text}`);
    };
    expect(refused("providerRegistry.applyAsProvider()")).toContain("is not a governance-only function");
    expect(refused("providerRegistry.qualify()")).toContain("takes 1 argument(s) (uint256 providerId), got 0");
    expect(refused("governance.setParam(Loudness, 1)")).toContain('"Loudness" is not a value of Governance.Param');
    expect(refused("microPool.complete()")).toContain("has no fixed address; write microPool@<address>.complete(...)");
    expect(refused("rewardPool.setTreasury(treasury)", false)).toContain('"treasury" is not an address');
    expect(refused("qualify 3")).toContain("expected contract.function(args)");
  });
});
