/** Structured JSON lines (`{"time","level","component","message",...fields}`) on stderr by default. */
export interface Logger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
  child(fields: Readonly<Record<string, unknown>>): Logger;
}

export function createLogger(options: {
  component: string;
  level?: "debug" | "info" | "warn" | "error";
  write?: (line: string) => void;
  fields?: Readonly<Record<string, unknown>>;
}): Logger {
  const ranks = { debug: 0, info: 1, warn: 2, error: 3 } as const;
  const min = ranks[options.level ?? "info"];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const bound = options.fields ?? {};
  const emit =
    (level: keyof typeof ranks) =>
    (message: string, fields: Readonly<Record<string, unknown>> = {}) => {
      if (ranks[level] < min) return;
      const line = {
        time: new Date().toISOString(),
        level,
        component: options.component,
        message,
        ...bound,
        ...fields,
      };
      write(`${JSON.stringify(line, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}\n`);
    };
  return {
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    child: (fields) => {
      const { component, ...rest } = fields;
      return createLogger({
        ...options,
        component: typeof component === "string" ? component : options.component,
        fields: { ...bound, ...rest },
      });
    },
  };
}

/** Drops everything (tests, benchmarks). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
