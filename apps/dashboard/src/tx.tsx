import { waitForWrite } from "@mzku/sdk";
import { createContext, type ReactNode, useCallback, useContext, useState } from "react";
import type { Hash, TransactionReceipt } from "viem";
import type { Api } from "./api.js";
import { useApp } from "./context.js";
import { DashboardError, plainError } from "./errors.js";
import type { Signer } from "./wallet.js";

/** One transaction as the user sees it: what it does, where it is, and how it ended. */
export type TxEntry = {
  id: number;
  what: string;
  state: "signing" | "pending" | "confirmed" | "failed";
  hash?: Hash;
  block?: bigint;
  result?: string;
  error?: string;
};

/** A step of a user action: a sentence saying what it does, and the sdk `send…` call that sends it. */
export type TxStep = {
  what: string;
  send: (signer: Signer) => Promise<Hash>;
  /** Sentence for the result, from the receipt (default: the block it landed in). */
  result?: (receipt: TransactionReceipt) => string;
};

type TxApi = {
  entries: TxEntry[];
  /** Sends the steps in order, each after the previous one is mined; stops at the first failure. */
  run: (steps: TxStep[]) => Promise<TransactionReceipt[] | undefined>;
  busy: boolean;
};

const TxContext = createContext<TxApi | undefined>(undefined);

export function useTx(): TxApi {
  const tx = useContext(TxContext);
  if (!tx) throw new Error("useTx outside <TxProvider>");
  return tx;
}

/**
 * A form's error line and `attempt`: builds the form's steps, sends them through `useTx().run`, and
 * shows what went wrong (bad input or a refused transaction) in plain words.
 */
export function useAttempt(): {
  error: string | undefined;
  attempt: (build: () => Promise<TxStep[]>) => Promise<void>;
} {
  const { run } = useTx();
  const [error, setError] = useState<string>();
  const attempt = async (build: () => Promise<TxStep[]>) => {
    setError(undefined);
    try {
      await run(await build());
    } catch (e) {
      setError(plainError(e));
    }
  };
  return { error, attempt };
}

let nextId = 1;

/** Resolves once the read API has indexed `block` (or after 15 s: the views then show what it has). */
async function waitIndexed(api: Api, block: bigint): Promise<void> {
  if (api.baseUrl === null) return;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const health = await api.get<{ indexedBlock?: number }>("/health").catch(() => undefined);
    if (health?.indexedBlock !== undefined && BigInt(health.indexedBlock) >= block) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function TxProvider({ children }: { children: ReactNode }) {
  const { account, bump, api } = useApp();
  const [entries, setEntries] = useState<TxEntry[]>([]);
  const [busy, setBusy] = useState(false);
  const update = useCallback(
    (id: number, patch: Partial<TxEntry>) =>
      setEntries((list) => list.map((e) => (e.id === id ? { ...e, ...patch } : e))),
    [],
  );

  const run = useCallback(
    async (steps: TxStep[]) => {
      const receipts: TransactionReceipt[] = [];
      setBusy(true);
      try {
        for (const step of steps) {
          const id = nextId++;
          setEntries((list) => [{ id, what: step.what, state: "signing" as const }, ...list].slice(0, 30));
          try {
            if (!account) throw new DashboardError("NO_WALLET", "choose an account first");
            const hash = await step.send(account.signer);
            update(id, { state: "pending", hash });
            const receipt = await waitForWrite(account.signer, { hash });
            receipts.push(receipt);
            update(id, {
              state: "confirmed",
              block: receipt.blockNumber,
              result: step.result?.(receipt) ?? `Done in block ${receipt.blockNumber}.`,
            });
          } catch (error) {
            update(id, { state: "failed", error: plainError(error) });
            return undefined;
          }
        }
        return receipts;
      } finally {
        setBusy(false);
        bump();
        // Views read the indexer: refresh them again once it has indexed the last block we wrote.
        const last = receipts.at(-1)?.blockNumber;
        if (last !== undefined) void waitIndexed(api, last).then(bump);
      }
    },
    [account, bump, update, api],
  );
  return <TxContext.Provider value={{ entries, run, busy }}>{children}</TxContext.Provider>;
}

const STATE_TEXT: Record<TxEntry["state"], string> = {
  signing: "Waiting for signature",
  pending: "Sent, waiting to be mined",
  confirmed: "Confirmed",
  failed: "Failed",
};

/** The list of this session's transactions, newest first; announced to screen readers as it changes. */
export function TxLog() {
  const { entries } = useTx();
  if (entries.length === 0) return null;
  return (
    <section className="txlog" aria-labelledby="txlog-title">
      <h2 id="txlog-title">Transactions</h2>
      <ol aria-live="polite">
        {entries.map((e) => (
          <li key={e.id} className={`tx tx-${e.state}`} data-state={e.state}>
            <span className="tx-what">{e.what}</span>
            <span className="tx-state">{STATE_TEXT[e.state]}</span>
            {e.hash && <code className="tx-hash" title={e.hash}>{`${e.hash.slice(0, 10)}…`}</code>}
            {e.result && <span className="tx-result">{e.result}</span>}
            {e.error && (
              <span className="tx-error" role="alert">
                {e.error}
              </span>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** What a button will do, step by step, shown before anything is signed. */
export function TxPlan({
  steps,
  label,
  onRun,
  disabled,
}: {
  steps: string[];
  label: string;
  onRun: () => void;
  disabled?: boolean;
}) {
  const { busy } = useTx();
  const { account } = useApp();
  return (
    <div className="txplan">
      <p className="txplan-title">
        This will send {steps.length === 1 ? "one transaction" : `${steps.length} transactions`}:
      </p>
      <ol>
        {steps.map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ol>
      <button type="button" onClick={onRun} disabled={busy || disabled || !account}>
        {label}
      </button>
      {!account && <p className="hint">Choose an account (top right) to sign.</p>}
    </div>
  );
}
