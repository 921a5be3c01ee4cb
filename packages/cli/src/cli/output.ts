/**
 * What a command prints. People get plain sentences on stdout; with `--json` stdout carries exactly
 * one JSON document (bigints as decimal strings) and the sentences go to stderr, so a script can
 * pipe stdout and still see progress.
 */
export class Output {
  constructor(readonly json: boolean) {}

  /** A sentence for people: what is about to happen, what happened. */
  say(line: string): void {
    (this.json ? process.stderr : process.stdout).write(`${line}\n`);
  }

  /** Progress of a long step (always stderr). */
  progress(line: string): void {
    process.stderr.write(`${line}\n`);
  }

  /** The command's result: `value` as JSON with --json, else the human lines. */
  result(value: unknown, human: readonly string[] = []): void {
    if (this.json) process.stdout.write(`${toJson(value)}\n`);
    else for (const line of human) process.stdout.write(`${line}\n`);
  }
}

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}
