/**
 * `@mzku/sdk` — typed viem actions for every MZKU contract function, the protocol's enums, proposal
 * builders for governance-only calls, event decoding by contract, and the market's mirrors. Loads in
 * a browser; `@mzku/sdk/node` (deployment files) and `@mzku/sdk/devnet` (anvil, deploy script) need Node.
 */
export * from "./abis.js";
export * from "./actions/index.js";
export {
  type CreatedIds,
  GAS_MARGIN_BPS,
  type ReadParameters,
  type WriteParameters,
  waitForWrite,
  withGasMargin,
} from "./call.js";
export { currentBlock, type WaitForBlockOptions, waitForBlock } from "./chain.js";
export * from "./deployment.js";
export * from "./enums.js";
export * from "./errors.js";
export * from "./events.js";
export * from "./market/draw.js";
export * from "./market/drawLogs.js";
export * from "./market/quote.js";
export * from "./market/recomputeDrawFromChain.js";
export * from "./market/reputation.js";
export * from "./market/split.js";
export { explainMinedRevert } from "./minedRevert.js";
export { type ProposalAction, type ProposalActionParameters, proposalAction, proposalCalls } from "./proposal.js";
export * as proposals from "./proposals/index.js";
export * from "./reports/aggregate.js";
export * from "./reports/assignment.js";
export * from "./roles/index.js";
export * from "./validator/flow.js";
