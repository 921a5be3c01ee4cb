import { CodedError } from "@mzku/errors";
import { MzkuContractError, MzkuError } from "@mzku/sdk";

/** Codes of the dashboard's own errors. */
export type DashboardErrorCode =
  | "CONFIG_MISSING"
  | "CONFIG_INVALID"
  | "API_FAILED"
  | "NO_API"
  | "BAD_AMOUNT"
  | "BAD_INPUT"
  | "NO_WALLET";

export class DashboardError extends CodedError<DashboardErrorCode> {
  override name = "DashboardError";
}

/** Plain words for the reverts a user meets most; the rest are spelled out from the error's name. */
const PLAIN: Record<string, string> = {
  ERC20InsufficientBalance: "Not enough MZKU in this account.",
  ERC20InsufficientAllowance: "The contract may not take that much MZKU yet (the approval is too small).",
  ProjectMarketCommitmentMismatch: "The price, salt or account does not match the sealed bid.",
  ProjectMarketRevealNotOpen: "The reveal window is not open (too early or already closed).",
  ProjectMarketCommitClosed: "The commit window of this auction has closed.",
  ProjectMarketNotEligibleBidder: "Only a provider qualified by governance may bid.",
  ProjectMarketAlreadyBid: "This provider already bid on this auction (or a later one).",
  ProjectMarketBondTooLow: "The bid bond balance is too low: deposit a bond first.",
  ProjectMarketAboveLimits: "The duration or the fixed price is above the governance limits.",
  ProjectMarketPriceAboveMax: "The price went up since the quote: quote again.",
  ProjectMarketSettleTooEarly: "The reveal window has not ended yet: the auction cannot be settled.",
  PricingPolicyTypeDisabled: "This project type is not enabled by governance.",
  PricingPolicyZeroDuration: "The duration must be more than zero.",
  ProviderRegistryAlreadyApplied: "This account already applied as a provider.",
  ProviderRegistryNotProvider: "This account is not a provider: apply first.",
  GovernanceNotGovernor: "Only a seated governor may do this.",
  GovernanceAlreadyVoted: "This governor already voted on this proposal.",
  GovernanceVotingClosed: "Voting on this proposal has closed.",
  GovernanceInsufficientStake: "You asked for more MZKU than your governor stake locks.",
  GovernanceWithdrawalLocked:
    "The withdrawal is not ready yet: the withdrawal delay after your request has not passed.",
  GovernanceNothingToWithdraw: "There is no requested withdrawal to take.",
  GovernanceNotMember: "Only a seated governor or a candidate may add stake.",
  GovernanceAlreadyGovernor: "A seated governor cannot do this (resign first).",
  GovernanceZeroAmount: "The amount must be more than zero.",
  GovernanceNotExecutable: "This proposal cannot be executed now (vote not passed, or its delay not over).",
  MicroPoolStakeTooLow: "The stake is below the pool's minimum.",
  MicroPoolStakeTooHigh: "The pool does not need that much ETH any more.",
  MicroPoolNothingToClaim: "There are no rewards to claim yet.",
  MicroPoolInsufficientBalance: "Not enough aETH in this account.",
  SidecarStakingUnknownSidecar: "That address is not a sidecar of a registered node.",
  SidecarStakingInsufficientStake: "Less MZKU is staked to this sidecar than you asked to unstake.",
};

/** `ProjectMarketRevealNotOpen` → `Project market: reveal not open`. */
function spellOut(errorName: string): string {
  const words = errorName.replace(/([a-z0-9])([A-Z])/g, "$1 $2").split(" ");
  const contracts = ["ProjectMarket", "PricingPolicy", "ProviderRegistry", "NodeRegistry", "SidecarStaking"];
  const contract = contracts.find((c) => errorName.startsWith(c));
  if (contract) {
    const rest = errorName
      .slice(contract.length)
      .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
      .toLowerCase();
    return `${contract.replace(/([a-z])([A-Z])/g, "$1 $2")}: ${rest}.`;
  }
  return `${words.join(" ")}.`;
}

/** One sentence a user can act on, from whatever a call threw (decoded by the sdk when it reverted). */
export function plainError(error: unknown): string {
  if (error instanceof MzkuContractError) {
    const plain = PLAIN[error.errorName] ?? spellOut(error.errorName);
    const args = error.args.length
      ? ` (${error.errorName}: ${error.args.map(String).join(", ")})`
      : ` (${error.errorName})`;
    return `${plain}${args}`;
  }
  if (error instanceof MzkuError || error instanceof CodedError) return error.shortMessage;
  if (error instanceof Error) {
    const short = (error as { shortMessage?: unknown }).shortMessage;
    if (typeof short === "string") return /rejected/i.test(short) ? "You declined the request in your wallet." : short;
    return error.message.split("\n")[0] ?? error.message;
  }
  return String(error);
}
