/**
 * Asks a Web3Signer-compatible signer — MZKU's threshold combiner, which gathers t partial signatures
 * from the co-signers — for a `VOLUNTARY_EXIT` signature (`POST /api/v1/eth2/sign/{pubkey}`).
 */
import { MzkuError } from "../../errors.js";
import type { BeaconFork } from "./beaconApi.js";

export type ExitSignRequest = {
  /** The validator's BLS public key (0x + 96 hex digits). */
  pubkey: string;
  fork: BeaconFork;
  genesisValidatorsRoot: string;
  epoch: bigint;
  validatorIndex: bigint;
  /** The root the caller computed; the signer refuses (400) if it computes another one. */
  signingRoot?: string;
};

export type ExitSignerOptions = {
  /** Base URL of the signer (the combiner), e.g. `http://127.0.0.1:9000`. */
  url: string;
  /** Bearer token, when the signer was started with `--token-file`. */
  token?: string;
  timeoutMs?: number;
};

/** The Web3Signer body of a `VOLUNTARY_EXIT` request. */
export function voluntaryExitRequestBody(request: ExitSignRequest): Record<string, unknown> {
  return {
    type: "VOLUNTARY_EXIT",
    fork_info: { fork: request.fork, genesis_validators_root: request.genesisValidatorsRoot },
    ...(request.signingRoot === undefined ? {} : { signingRoot: request.signingRoot }),
    voluntary_exit: { epoch: request.epoch.toString(), validator_index: request.validatorIndex.toString() },
  };
}

/** The exit signature (0x hex), or an `MzkuError` naming why the signer did not give one. */
export async function requestExitSignature(signer: ExitSignerOptions, request: ExitSignRequest): Promise<string> {
  const base = signer.url.replace(/\/+$/, "");
  const path = `/api/v1/eth2/sign/${request.pubkey}`;
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method: "POST",
      headers: {
        accept: "application/json",
        "content-type": "application/json",
        ...(signer.token === undefined ? {} : { authorization: `Bearer ${signer.token}` }),
      },
      body: JSON.stringify(voluntaryExitRequestBody(request)),
      signal: AbortSignal.timeout(signer.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new MzkuError("SIGNER_UNREACHABLE", `signer ${base} unreachable`, { details: { url: base }, cause: error });
  }
  const text = await response.text();
  let body: { signature?: unknown; code?: unknown; message?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // a text/plain answer: the bare hex signature
    if (response.ok && /^0x[0-9a-fA-F]{192}$/.test(text.trim())) return text.trim();
  }
  if (response.ok && typeof body.signature === "string" && /^0x[0-9a-fA-F]{192}$/.test(body.signature)) {
    return body.signature;
  }
  const code = typeof body.code === "string" ? body.code : undefined;
  const reason = typeof body.message === "string" ? body.message : text.slice(0, 300);
  if (response.status === 404 && code === "SIGNER_UNKNOWN_KEY") {
    throw new MzkuError("SIGNER_UNKNOWN_KEY", `signer ${base} does not serve validator ${request.pubkey}`, {
      details: { url: base, pubkey: request.pubkey, status: response.status },
    });
  }
  throw new MzkuError(
    "SIGNER_REFUSED",
    `signer ${base} refused the exit of ${request.pubkey}: ${response.status}${code ? ` ${code}` : ""}${reason ? `: ${reason}` : ""}`,
    { details: { url: base, pubkey: request.pubkey, status: response.status, ...(code ? { signerCode: code } : {}) } },
  );
}
