import { mzkuToken } from "@mzku/sdk";
import { useState } from "react";
import { useApp, useLoad } from "../context.js";
import { plainError } from "../errors.js";
import { formatAmount } from "../units.js";
import { connectDevAccount, connectInjected, DEV_ACCOUNT_ROLES } from "../wallet.js";

const DEV_INDEXES = Array.from({ length: 20 }, (_, i) => i);

/** Chooses who signs: the browser's wallet, or (devnet mode) one of anvil's dev accounts. */
export function AccountPicker() {
  const { config, account, setAccount, reader } = useApp();
  const [error, setError] = useState<string>();
  const balances = useLoad(
    async () =>
      account
        ? {
            eth: await reader.getBalance({ address: account.address }),
            mzku: await mzkuToken.balanceOf(reader, {
              address: config.deployment.contracts.MzkuToken,
              args: [account.address],
            }),
          }
        : undefined,
    [account?.address],
  );
  const choose = async (value: string) => {
    setError(undefined);
    try {
      if (value === "") setAccount(undefined);
      else if (value === "wallet") setAccount(await connectInjected(config));
      else setAccount(await connectDevAccount(config, Number(value)));
    } catch (e) {
      setError(plainError(e));
    }
  };
  return (
    <div className="account">
      <label htmlFor="account-select">Account</label>
      <select id="account-select" onChange={(e) => void choose(e.target.value)} defaultValue="">
        <option value="">Read only</option>
        <option value="wallet">Browser wallet…</option>
        {config.devnet &&
          DEV_INDEXES.map((i) => (
            <option key={i} value={String(i)}>
              Dev account {i}
              {DEV_ACCOUNT_ROLES[i] ? ` (${DEV_ACCOUNT_ROLES[i]})` : ""}
            </option>
          ))}
      </select>
      {account && (
        <p className="account-info" data-testid="account">
          <code title={account.address}>{`${account.address.slice(0, 8)}…${account.address.slice(-6)}`}</code>{" "}
          {balances.data && (
            <span>
              {formatAmount(balances.data.eth, 3)} ETH · {formatAmount(balances.data.mzku, 2)} MZKU
            </span>
          )}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
