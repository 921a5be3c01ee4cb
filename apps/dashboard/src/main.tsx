import { createRoot } from "react-dom/client";
import { App } from "./App.js";
import { loadConfig } from "./config.js";
import { plainError } from "./errors.js";
import "./styles.css";

const root = createRoot(document.getElementById("root") as HTMLElement);
loadConfig()
  .then((config) => root.render(<App config={config} />))
  .catch((error: unknown) =>
    root.render(
      <main className="fatal" role="alert">
        <h1>The dashboard cannot start</h1>
        <p>{plainError(error)}</p>
      </main>,
    ),
  );
