import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Address, getAddress, type Hex, isHex } from "viem";
import { MzkuError } from "../errors.js";
import { contractsDir } from "./foundry.js";

/** The EIP-7002 withdrawal request contract as the EIP's deployment transaction creates it. */
export type Eip7002Contract = { address: Address; initCode: Hex; runtimeCode: Hex };

/**
 * Reads `contracts/config/eip7002.json` (the init code of EIP-7002's deployment transaction). The init code
 * stores the excess inhibitor in slot 0, then returns `CODECOPY(0x2d, 0x1f8)`: the runtime is the 504 bytes
 * after the first 45.
 */
export function eip7002Contract(): Eip7002Contract {
  const file = join(contractsDir(), "config", "eip7002.json");
  const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (typeof parsed !== "object" || parsed === null) throw new MzkuError("DEVNET_FAILED", `${file}: not an object`);
  const { address, initCode } = parsed as { address?: unknown; initCode?: unknown };
  if (
    typeof address !== "string" ||
    typeof initCode !== "string" ||
    !isHex(initCode) ||
    initCode.length !== 2 + 2 * 549
  )
    throw new MzkuError("DEVNET_FAILED", `${file}: expected an address and the 549-byte init code`);
  const runtimeCode: Hex = `0x${initCode.slice(2 + 2 * 0x2d, 2 + 2 * (0x2d + 0x1f8))}`;
  return { address: getAddress(address), initCode, runtimeCode };
}

async function rpc(rpcUrl: string, method: string, params: unknown[]): Promise<unknown> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { message?: string } };
  if (body.error) throw new MzkuError("DEVNET_FAILED", `${method}: ${body.error.message ?? "failed"}`);
  return body.result;
}

/**
 * Devnet only: installs the EIP-7002 withdrawal request contract at its mainnet address if the chain has
 * no code there (anvil's Prague does not pre-install it), with empty storage as mainnet has it after the
 * fork (excess 0, so the fee is 1 wei). Returns whether it installed the code.
 */
export async function installEip7002(rpcUrl: string): Promise<boolean> {
  const { address, runtimeCode } = eip7002Contract();
  const code = await rpc(rpcUrl, "eth_getCode", [address, "latest"]);
  if (typeof code === "string" && code !== "0x") return false;
  await rpc(rpcUrl, "anvil_setCode", [address, runtimeCode]);
  return true;
}
