import { type ParseArgsConfig, parseArgs } from "node:util";
import { Context, GLOBAL_HELP, GLOBAL_OPTIONS, type GlobalValues } from "./context.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** A parsed invocation: the command's own option values, its positionals, and the context. */
export type Invocation = {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  ctx: Context;
};

/**
 * One `mzku` subcommand that talks to a chain: `name` is what the user types (`provider bid`), the
 * options are its own (the global ones are added), `help` is printed by `--help` (with examples).
 */
export type ChainCommand = {
  name: string;
  summary: string;
  help: string;
  options?: Options;
  run: (invocation: Invocation) => Promise<void>;
};

/** Parses `argv` with the command's options plus the global ones and runs it. */
export async function runChainCommand(command: ChainCommand, argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...GLOBAL_OPTIONS, ...command.options },
    allowPositionals: true,
    strict: true,
  });
  const ctx = new Context(values as GlobalValues);
  await command.run({ values, positionals, ctx });
}

/** The `--help` text of a chain command. */
export function chainCommandHelp(command: ChainCommand): string {
  return `${command.help.trim()}\n\n${GLOBAL_HELP}\n`;
}

/** The string value of option `name` (undefined when absent). */
export function opt(invocation: Invocation, name: string): string | undefined {
  const v = invocation.values[name];
  return typeof v === "string" ? v : undefined;
}

/** Whether boolean option `name` was given. */
export function flag(invocation: Invocation, name: string): boolean {
  return invocation.values[name] === true;
}
