/** Structured log lines on stderr (stdout is kept for command output such as JSON). Never log secrets. */
export type Logger = {
  info: (message: string, fields?: Record<string, unknown>) => void;
  warn: (message: string, fields?: Record<string, unknown>) => void;
  error: (message: string, fields?: Record<string, unknown>) => void;
};

export function createLogger(
  component: string,
  write: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  const emit =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      write(
        `${JSON.stringify({ time: new Date().toISOString(), level, component, message, ...fields }, (_, v) =>
          typeof v === "bigint" ? v.toString() : v,
        )}\n`,
      );
  return { info: emit("info"), warn: emit("warn"), error: emit("error") };
}
