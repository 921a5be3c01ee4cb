import type { Abi, Address, Hex } from "viem";
import { encodeFunctionData } from "viem";

/** One call a governance proposal makes when executed. */
export type ProposalAction = { target: Address; value?: bigint; data: Hex };

type ArgsField<TArgs> = readonly [] extends TArgs ? { args?: TArgs } : { args: TArgs };

/** Parameters of a generated proposal-action builder: the contract, the call's arguments, ETH sent. */
export type ProposalActionParameters<TArgs> = { address: Address; value?: bigint } & ArgsField<TArgs>;

/** Encodes one call as a proposal action (the generated builders in `proposals` are typed wrappers). */
export function proposalAction(
  abi: Abi,
  functionName: string,
  parameters: { address: Address; value?: bigint; args?: readonly unknown[] },
): ProposalAction {
  const data = encodeFunctionData({ abi, functionName, args: parameters.args ?? [] });
  return { target: parameters.address, data, ...(parameters.value === undefined ? {} : { value: parameters.value }) };
}

/** The `propose` arguments (targets, values, calldatas) of a list of actions. */
export function proposalCalls(actions: readonly ProposalAction[]): {
  targets: Address[];
  values: bigint[];
  calldatas: Hex[];
} {
  return {
    targets: actions.map((a) => a.target),
    values: actions.map((a) => a.value ?? 0n),
    calldatas: actions.map((a) => a.data),
  };
}
