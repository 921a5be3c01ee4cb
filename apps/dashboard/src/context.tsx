import { createContext, useCallback, useContext, useEffect, useRef, useState } from "react";
import type { PublicClient } from "viem";
import type { Api } from "./api.js";
import type { DashboardConfig } from "./config.js";
import { plainError } from "./errors.js";
import type { Connected } from "./wallet.js";

export type AppState = {
  config: DashboardConfig;
  api: Api;
  reader: PublicClient;
  account: Connected | undefined;
  setAccount: (account: Connected | undefined) => void;
  /** Bumped after every confirmed transaction: views reload. */
  version: number;
  bump: () => void;
};

export const AppContext = createContext<AppState | undefined>(undefined);

export function useApp(): AppState {
  const state = useContext(AppContext);
  if (!state) throw new Error("useApp outside <AppContext>");
  return state;
}

export type Loaded<T> = { data: T | undefined; error: string | undefined; loading: boolean; reload: () => void };

/**
 * Loads `load()` when `deps` or the app's version change, and every `pollMs` if given (live views).
 * Keeps the last data while reloading, so a view does not flicker.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[], pollMs?: number): Loaded<T> {
  const { version } = useApp();
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: deps are the caller's
  useEffect(() => {
    let live = true;
    setLoading(true);
    loadRef
      .current()
      .then((d) => {
        if (!live) return;
        setData(d);
        setError(undefined);
      })
      .catch((e: unknown) => live && setError(plainError(e)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [...deps, version, tick]);
  useEffect(() => {
    if (!pollMs) return;
    const timer = setInterval(() => setTick((t) => t + 1), pollMs);
    return () => clearInterval(timer);
  }, [pollMs]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}
