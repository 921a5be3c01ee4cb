import { UsageError } from "@mzku/errors";

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The environment variable every MZKU program reads its log level from. */
export const LOG_LEVEL_ENV = "MZKU_LOG_LEVEL";

export function levelRank(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === "string" && (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * The log level a program runs at: the `--log-level` flag when given, else `MZKU_LOG_LEVEL` from
 * `env`, else `info`. An unknown level is bad input (`LOG_LEVEL_INVALID`, exit code 2).
 */
export function resolveLogLevel(
  options: { flag?: string | undefined; env?: Readonly<Record<string, string | undefined>> } = {},
): LogLevel {
  const fromEnv = options.env?.[LOG_LEVEL_ENV];
  const [value, source] =
    options.flag !== undefined
      ? [options.flag, "--log-level"]
      : fromEnv !== undefined && fromEnv !== ""
        ? [fromEnv, LOG_LEVEL_ENV]
        : ["info", "default"];
  if (!isLogLevel(value)) {
    throw new UsageError("LOG_LEVEL_INVALID", `${source} must be one of ${LOG_LEVELS.join(", ")}, got "${value}"`, {
      details: { value },
    });
  }
  return value;
}
