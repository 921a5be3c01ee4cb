#!/usr/bin/env node
/** `mzku-sidecar start ...`: the sidecar on its own (the same as `mzku sidecar start`). */
import { cliFailure } from "@mzku/errors";
import { createLogger, resolveLogLevel } from "@mzku/log";
import { runSidecar, sidecarUsage } from "../run.js";

const argv = process.argv.slice(2);
if (argv.length === 0 || argv.includes("--help")) {
  process.stdout.write(`${sidecarUsage}\n`);
  process.exit(0);
}
const log = createLogger({ component: "sidecar", level: resolveLogLevel({ env: process.env }) });
runSidecar(argv, log).then(
  () => process.exit(0),
  (error) => {
    const failure = cliFailure("mzku-sidecar", error);
    process.stderr.write(failure.line);
    process.exit(failure.exitCode);
  },
);
