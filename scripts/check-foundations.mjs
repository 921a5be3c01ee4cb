#!/usr/bin/env node
// Fails when a tracked TypeScript/JavaScript file grows a second copy of a shared building block:
// an error class outside @mzku/errors (`extends Error`, `extends TypeError`, ...) or a logger outside
// @mzku/log (a Logger type, a createLogger, hand-written JSON log lines, console.* or raw stderr
// writes in package code). Every package extends `CodedError` and takes a `Logger`
// (docs/errors-and-logging.md). Run by `npm test`; it checks its own rules on known samples first.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const isTest = (path) => /\.test\.|\/test-e2e\/|\/src\/test\//.test(path);
const inPackageSrc = (path) => /^(packages|apps)\/[^/]+\/src\//.test(path) && !isTest(path);
const commandLine = (path) => /\/src\/(bin|cli)\//.test(path);

/** Each rule: where it applies, what it forbids, and why. */
export const RULES = [
  {
    name: "error-base",
    applies: (path) => !path.startsWith("packages/errors/src/"),
    pattern: /\bextends\s+(Error|TypeError|RangeError|SyntaxError|AggregateError)\b/,
    why: "errors extend CodedError (or a package subclass of it) from @mzku/errors",
  },
  {
    name: "logger-type",
    applies: (path) => !path.startsWith("packages/log/src/"),
    pattern: /\b(interface|class)\s+\w*Logger\b|\btype\s+\w*Logger\s*(<[^>]*>)?\s*=/,
    why: "take the Logger type from @mzku/log",
  },
  {
    name: "logger-factory",
    applies: (path) => !path.startsWith("packages/log/src/"),
    pattern: /\bfunction\s+create\w*Logger\b|\b(const|let)\s+(log|logger|\w*Log|\w*Logger)\s*(:\s*\w+)?\s*=\s*\{/,
    why: "create loggers with createLogger from @mzku/log",
  },
  {
    name: "json-log-line",
    applies: (path) => !path.startsWith("packages/log/src/"),
    pattern: /JSON\.stringify\(\s*\{[^}]*\blevel\s*[:,]/,
    why: "structured log lines come from @mzku/log",
  },
  {
    name: "console-in-package",
    applies: (path) => inPackageSrc(path) && !path.startsWith("packages/log/src/"),
    pattern: /\bconsole\.(log|info|warn|error|debug|trace)\s*\(/,
    why: "package code logs through a Logger from @mzku/log",
  },
  {
    name: "stderr-in-package",
    applies: (path) => inPackageSrc(path) && !commandLine(path) && !path.startsWith("packages/log/src/"),
    pattern: /\bprocess\.stderr\.write\s*\(/,
    why: "only command-line entry points (src/bin, src/cli) write to stderr directly; the rest logs",
  },
];

/** The violations in one file: `path:line: rule: why`. */
export function violations(path, text) {
  const found = [];
  const lines = text.split("\n");
  for (const rule of RULES) {
    if (!rule.applies(path)) continue;
    lines.forEach((line, i) => {
      if (/^\s*(\/\/|\*|\/\*)/.test(line)) return; // comments may name what they forbid
      if (rule.pattern.test(line)) found.push(`${path}:${i + 1}: ${rule.name}: ${rule.why}`);
    });
  }
  return found;
}

/** Samples every rule must catch (and one it must let through), so a broken rule fails loudly. */
function selfTest() {
  const mustFlag = [
    ["packages/sdk/src/market/x.ts", "export class XError extends Error {}", "error-base"],
    ["packages/signer/src/a.ts", "class BadInput extends TypeError {", "error-base"],
    ["bench/gas/run.mjs", "class Oops extends Error {}", "error-base"],
    ["packages/signer/src/dkg/runner.ts", "export interface DkgLogger {", "logger-type"],
    ["packages/cli/src/log.ts", "export type Logger = {", "logger-type"],
    ["packages/cli/src/log.ts", "export function createLogger(component: string) {", "logger-factory"],
    ["packages/signer/src/cli/keys.ts", "const jsonLog: DkgLogger = {", "logger-factory"],
    ["packages/signer/src/cli/keys.ts", "const log = { info: (m) => m };", "logger-factory"],
    ["packages/x/src/y.ts", 'write(JSON.stringify({ level: "info", msg }) + "\\n")', "json-log-line"],
    ["packages/sidecar/src/audit.ts", 'console.log("probe failed")', "console-in-package"],
    ["packages/indexer/src/ingest.ts", "process.stderr.write(line)", "stderr-in-package"],
  ];
  for (const [path, line, rule] of mustFlag) {
    if (!violations(path, line).some((v) => v.includes(`: ${rule}: `))) {
      throw new Error(`check-foundations self-test: rule ${rule} missed ${JSON.stringify(line)} in ${path}`);
    }
  }
  const mustPass = [
    ["packages/errors/src/coded.ts", "export class CodedError<C extends string = string> extends Error {"],
    ["packages/log/src/logger.ts", "export function createLogger(options: LoggerOptions): Logger {"],
    ["packages/sdk/src/errors.ts", "export class MzkuError<C extends MzkuErrorCode> extends CodedError<C> {"],
    ["packages/signer/src/bin/mzku-signer.ts", "process.stderr.write(failure.line);"],
    ["packages/sdk/src/market/draw.test.ts", 'console.log("debug in a test")'],
    ["packages/log/src/index.ts", "export { type LogFields, type Logger } from './logger.js';"],
    ["packages/sdk/src/catalog.ts", "const catalog = { a: 1 };"],
    ["packages/sdk/src/events.ts", 'import { type Log, type Logger, parseEventLogs } from "viem";'],
    ["packages/signer/src/cli/signer.ts", "const logger = createLogger({ component, level });"],
  ];
  for (const [path, line] of mustPass) {
    const v = violations(path, line);
    if (v.length) throw new Error(`check-foundations self-test: wrongly flagged ${v.join("; ")}`);
  }
}

selfTest();
const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { encoding: "utf8" })
  .split("\n")
  .filter(
    (f) =>
      SOURCE.test(f) &&
      f !== "scripts/check-foundations.mjs" &&
      !f.startsWith("vectors/") &&
      !f.includes("/generated/") &&
      !f.includes("/node_modules/"),
  );
const found = files.flatMap((f) => {
  try {
    return violations(f, readFileSync(f, "utf8"));
  } catch {
    return []; // deleted in the work tree
  }
});
if (found.length) {
  console.error(
    `check-foundations: ${found.length} second copies of a shared building block:\n  ${found.join("\n  ")}`,
  );
  process.exit(1);
}
console.log(`check-foundations: ${files.length} files use the one error base and the one logger`);
