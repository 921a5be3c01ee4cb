import { UsageError } from "@mzku/errors";

/**
 * Removes the global `--log-level <level>` (or `--log-level=<level>`) from `argv`, wherever it is,
 * and returns it with the remaining arguments for the command.
 */
export function takeLogLevelFlag(argv: readonly string[]): { level: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let level: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--log-level") {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw new UsageError("USAGE", "--log-level needs a value");
      level = value;
      i++;
    } else if (arg.startsWith("--log-level=")) {
      level = arg.slice("--log-level=".length);
    } else {
      rest.push(arg);
    }
  }
  return { level, rest };
}
