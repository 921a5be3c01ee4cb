import { CodedError } from "@mzku/errors";
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Hex } from "viem";
import { protocolAbi } from "./abis.js";

/** Stable codes used in logs, metrics and CLI exit messages. */
export type MzkuErrorCode =
  | "CONTRACT_REVERTED"
  | "TRANSACTION_REVERTED"
  | "NO_ACCOUNT"
  | "RPC_FAILED"
  | "DEPLOYMENT_INVALID"
  | "DEVNET_FAILED"
  | "EVENT_NOT_FOUND"
  | "MARKET_SPLIT_PRICE_ABOVE_FP"
  | "MARKET_SPLIT_RATE_TOO_HIGH"
  | "MARKET_SPLIT_NEGATIVE"
  | "MARKET_DRAW_MISSING_EVALUATION"
  | "MARKET_DRAW_BAD_INPUT"
  | "MARKET_QUOTE_TYPE_DISABLED"
  | "MARKET_QUOTE_ZERO_DURATION"
  | "BEACON_UNREACHABLE"
  | "BEACON_REFUSED"
  | "SIGNER_UNREACHABLE"
  | "SIGNER_UNKNOWN_KEY"
  | "SIGNER_REFUSED"
  | "EXIT_POOL_NOT_ACTIVE"
  | "EXIT_NOT_DUE"
  | "EXIT_DEPOSIT_DATA_NOT_FOUND"
  | "EXIT_UNKNOWN_VALIDATOR"
  | "EXIT_VALIDATOR_NOT_ACTIVE"
  | "EXIT_SIGNATURE_INVALID"
  | "EXIT_REQUEST_UNAVAILABLE"
  | "REPORTS_BAD_SLOT"
  | "REPORTS_NO_ASSIGNMENT"
  | "REPORTS_NOT_AUDITOR"
  | "REPORTS_DUPLICATE_VERDICT"
  | "REPORTS_BAD_LEAF"
  | "REPORTS_BAD_DECISIONS"
  | "VALIDATOR_DKG_BAD_INPUT";

/**
 * Base of every error the sdk throws: the shared {@link CodedError} (a stable `code`, a one-line
 * `shortMessage`, structured `details`, `cause`) narrowed to the sdk's codes.
 */
export class MzkuError<C extends MzkuErrorCode = MzkuErrorCode> extends CodedError<C> {
  override name = "MzkuError";
}

/**
 * A protocol contract reverted with one of its custom errors, decoded: `errorName` is the Solidity
 * error (for example `ProviderRegistryCollateralTooLow`) and `args` its values.
 */
export class MzkuContractError extends MzkuError {
  override name = "MzkuContractError";
  readonly errorName: string;
  readonly args: readonly unknown[];
  readonly functionName: string;

  constructor(functionName: string, errorName: string, args: readonly unknown[], cause?: unknown) {
    super("CONTRACT_REVERTED", `${functionName} reverted with ${formatRevert(errorName, args)}`, {
      details: { functionName, errorName },
      cause,
    });
    this.functionName = functionName;
    this.errorName = errorName;
    this.args = args;
  }
}

/**
 * Why a mined transaction reverted, found after the fact (see `explainMinedRevert`): a decoded error
 * (`errorName`, `args`), running out of gas (`gasUsed` of `gasLimit`), or `unknown`. `text` says it in
 * a few words for the error message.
 */
export type MinedRevertReason =
  | { kind: "error"; errorName: string; args: readonly unknown[]; text: string }
  | { kind: "outOfGas"; gasUsed: bigint; gasLimit: bigint; text: string }
  | { kind: "unknown"; text: string };

/**
 * A mined transaction reverted (status 0) after its simulation succeeded: the state changed between
 * the two, or the gas limit was too low. `reason` says why, when it could be found.
 */
export class MzkuTransactionRevertedError extends MzkuError {
  override name = "MzkuTransactionRevertedError";
  readonly reason: MinedRevertReason | undefined;
  constructor(functionName: string, hash: string, reason?: MinedRevertReason, cause?: unknown) {
    super("TRANSACTION_REVERTED", `${functionName} transaction ${hash} reverted${reason ? `: ${reason.text}` : ""}`, {
      details: {
        functionName,
        hash,
        ...(reason ? { reason: reason.kind } : {}),
        ...(reason?.kind === "error" ? { errorName: reason.errorName } : {}),
        ...(reason?.kind === "outOfGas" ? { gasUsed: reason.gasUsed, gasLimit: reason.gasLimit } : {}),
      },
      cause,
    });
    this.reason = reason;
  }
}

/**
 * Decodes revert data with every protocol ABI (plus Solidity's `Error(string)` and `Panic(uint256)`);
 * undefined for an unknown selector or no data.
 */
export function decodeRevertData(data: Hex): { errorName: string; args: readonly unknown[] } | undefined {
  if (data.length < 10) return undefined;
  try {
    const decoded = decodeErrorResult({ abi: protocolAbi, data });
    return { errorName: decoded.errorName, args: decoded.args ?? [] };
  } catch {
    return undefined;
  }
}

/** What each Solidity `Panic(uint256)` code means (the Solidity documentation's list). */
const PANIC_MEANINGS: Record<number, string> = {
  1: "assertion failed",
  17: "arithmetic underflow or overflow",
  18: "division or modulo by zero",
  33: "enum conversion out of range",
  34: "bad storage byte array encoding",
  49: "pop from an empty array",
  50: "array index out of bounds",
  65: "too much memory allocated",
  81: "call to an uninitialized function",
};

/** `Name(arg, …)`; a panic also names its code's meaning (`Panic(17: arithmetic underflow or overflow)`). */
export function formatRevert(errorName: string, args: readonly unknown[]): string {
  if (errorName === "Panic" && typeof args[0] === "bigint") {
    const meaning = PANIC_MEANINGS[Number(args[0])];
    return `Panic(${args[0]}${meaning ? `: ${meaning}` : ""})`;
  }
  return `${errorName}(${args.map(formatArg).join(", ")})`;
}

/** Narrows `error` to a decoded protocol error, optionally of one given name. */
export function isContractError(error: unknown, errorName?: string): error is MzkuContractError {
  return error instanceof MzkuContractError && (errorName === undefined || error.errorName === errorName);
}

/** Turns whatever viem threw for a contract call into a typed sdk error. */
export function toMzkuError(functionName: string, error: unknown): MzkuError {
  if (error instanceof MzkuError) return error;
  if (error instanceof BaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError && reverted.data) {
      return new MzkuContractError(functionName, reverted.data.errorName, reverted.data.args ?? [], error);
    }
    // A revert raised by another contract on the way (e.g. the token under a registry) is not in the
    // called contract's ABI: decode it with every protocol ABI.
    const raw = revertData(error);
    const decoded = raw ? decodeRevertData(raw) : undefined;
    if (decoded) return new MzkuContractError(functionName, decoded.errorName, decoded.args, error);
    if (reverted instanceof ContractFunctionRevertedError) {
      return new MzkuContractError(functionName, reverted.reason ?? "unknown", [], error);
    }
    return new MzkuError("RPC_FAILED", `${functionName}: ${error.shortMessage}`, { cause: error });
  }
  return new MzkuError("RPC_FAILED", `${functionName}: ${String(error)}`, { cause: error });
}

function revertData(error: BaseError): Hex | undefined {
  let found: Hex | undefined;
  error.walk((e) => {
    const data = (e as { data?: unknown }).data;
    if (typeof data === "string" && /^0x[0-9a-fA-F]{8}/.test(data)) found = data as Hex;
    else if (e instanceof ContractFunctionRevertedError && e.raw) found = e.raw;
    return false;
  });
  return found;
}

function formatArg(arg: unknown): string {
  return typeof arg === "bigint" ? arg.toString() : typeof arg === "string" ? arg : JSON.stringify(arg);
}
