/**
 * The one structured logger of every MZKU package: one JSON object per line,
 * `{"time","level","component","message",...fields}`, on stderr by default (stdout stays free for
 * command output). Data goes in fields, never in the message; fields whose name says secret
 * (password, secret, private key, mnemonic, token, authorization, key share) are written as `"[redacted]"` whatever their
 * value, so a careless call cannot leak one. No module singleton: whoever builds a service creates
 * the logger and passes it down, and each part takes a child with its component.
 */
import { errorFields } from "@mzku/errors";
import { type LogLevel, levelRank } from "./level.js";

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  /** Lines below this level are dropped. */
  readonly level: LogLevel;
  readonly component: string;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Whether a line of `level` would be written (to skip building costly fields). */
  isEnabled(level: LogLevel): boolean;
  /**
   * A logger that adds `fields` to every line; a `component` field replaces the component
   * (`log.child({ component: "combiner" })`, `log.child({ pubkey })`).
   */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** What this logger's lines are about: `devnet`, `signer-cosigner`, `sidecar.auditor`. */
  readonly component: string;
  /** Default `info`. See {@link resolveLogLevel} for flags and the environment. */
  readonly level?: LogLevel;
  /** Where each line (newline included) goes; stderr by default. */
  readonly write?: (line: string) => void;
  /** Fields added to every line. */
  readonly fields?: LogFields;
  /** The clock (tests). */
  readonly now?: () => Date;
}

const REDACTED = "[redacted]";
const SECRET_NAME =
  /secret|password|passphrase|private_?key|mnemonic|^(token|auth_?token|bearer_?token|api_?token|authorization|key_?share)$/i;

/** A JSON-lines logger. */
export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? "info";
  const min = levelRank(level);
  const write = options.write ?? defaultWrite;
  const now = options.now ?? (() => new Date());
  const bound = options.fields ?? {};
  const emit = (lineLevel: LogLevel, message: string, fields: LogFields | undefined) => {
    if (levelRank(lineLevel) < min) return;
    const line: Record<string, unknown> = {};
    addFields(line, bound);
    if (fields) addFields(line, fields);
    write(
      `${JSON.stringify(
        { time: now().toISOString(), level: lineLevel, component: options.component, message, ...line },
        replacer,
      )}\n`,
    );
  };
  return {
    level,
    component: options.component,
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    isEnabled: (l) => levelRank(l) >= min,
    child: (fields) => {
      const { component, ...rest } = fields;
      return createLogger({
        ...options,
        component: typeof component === "string" && component !== "" ? component : options.component,
        fields: { ...bound, ...rest },
      });
    },
  };
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = {
  level: "error",
  component: "silent",
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  isEnabled: () => false,
  child: () => silentLogger,
};

/** The reserved keys of a line cannot be overwritten by fields; secret-named fields are redacted. */
function addFields(into: Record<string, unknown>, fields: LogFields): void {
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const key =
      name === "time" || name === "level" || name === "component" || name === "message" ? `field.${name}` : name;
    into[key] = SECRET_NAME.test(name) ? REDACTED : value;
  }
}

function replacer(this: unknown, name: string, value: unknown): unknown {
  if (name !== "" && SECRET_NAME.test(name)) return REDACTED;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) return errorFields(value);
  if (value instanceof Uint8Array) return `0x${[...value].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}

function defaultWrite(line: string): void {
  const host = globalThis as {
    process?: { stderr?: { write(chunk: string): unknown } };
    console?: { error(text: string): void };
  };
  if (host.process?.stderr) host.process.stderr.write(line);
  else host.console?.error(line.trimEnd());
}
