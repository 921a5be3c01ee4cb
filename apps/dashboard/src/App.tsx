import { lazy, Suspense, useMemo, useState } from "react";
import { Api } from "./api.js";
import { AccountPicker } from "./components/AccountPicker.js";
import type { DashboardConfig } from "./config.js";
import { AppContext, type AppState } from "./context.js";
import { Marketplace } from "./pages/Marketplace.js";
import { useRoute } from "./router.js";
import { TxLog, TxProvider } from "./tx.js";
import { type Connected, readClient } from "./wallet.js";

// Everything but the marketplace loads on first visit: the first page's bundle stays small.
const ProviderPage = lazy(() => import("./pages/ProviderPage.js"));
const Request = lazy(() => import("./pages/Request.js"));
const ProjectPage = lazy(() => import("./pages/ProjectPage.js"));
const Provide = lazy(() => import("./pages/Provide.js"));
const Invest = lazy(() => import("./pages/Invest.js"));
const Govern = lazy(() => import("./pages/Govern.js"));

const NAV = [
  ["", "Marketplace"],
  ["request", "Request"],
  ["invest", "Invest"],
  ["provide", "Provide"],
  ["govern", "Stake & govern"],
] as const;

function Page({ route }: { route: string[] }) {
  const [top, id] = route;
  switch (top) {
    case undefined:
    case "providers":
      return id ? <ProviderPage id={Number(id)} /> : <Marketplace />;
    case "request":
      return <Request />;
    case "projects":
      return <ProjectPage id={Number(id)} />;
    case "provide":
      return <Provide />;
    case "invest":
      return <Invest />;
    case "govern":
      return <Govern />;
    default:
      return <p role="alert">No page at #{route.join("/")}.</p>;
  }
}

export function App({ config }: { config: DashboardConfig }) {
  const route = useRoute();
  const [account, setAccount] = useState<Connected>();
  const [version, setVersion] = useState(0);
  const state = useMemo<AppState>(
    () => ({
      config,
      api: new Api(config.apiUrl),
      reader: readClient(config),
      account,
      setAccount,
      version,
      bump: () => setVersion((v) => v + 1),
    }),
    [config, account, version],
  );
  const current = route[0] === "providers" ? "" : route[0] === "projects" ? "request" : (route[0] ?? "");
  return (
    <AppContext.Provider value={state}>
      <TxProvider>
        <button type="button" className="skip" onClick={() => document.getElementById("main")?.focus()}>
          Skip to content
        </button>
        <header className="top">
          <a className="brand" href="#/">
            MZKU
          </a>
          <nav aria-label="Main">
            <ul>
              {NAV.map(([path, label]) => (
                <li key={path}>
                  <a href={`#/${path}`} aria-current={current === path ? "page" : undefined}>
                    {label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <AccountPicker />
        </header>
        <main id="main" tabIndex={-1}>
          {config.apiUrl === null && (
            <p className="warning" data-testid="no-api">
              No read API: this page reads the chain only. Lists, history and charts need the indexer's API (
              <code>apiUrl</code> in config.json; <code>mzku devnet</code> without <code>--no-indexer</code>); quotes,
              stakes, bids, votes and elections work.
            </p>
          )}
          <Suspense fallback={<p className="loading">Loading…</p>}>
            <Page route={route} />
          </Suspense>
        </main>
        <TxLog />
      </TxProvider>
    </AppContext.Provider>
  );
}
