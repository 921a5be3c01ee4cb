/** The program name a failure line starts with: `mzku-signer`, or `mzku` when the handlers run under it. */
let program = "mzku-signer";

export function cliProgram(): string {
  return program;
}

/** Called once by a host command line (`mzku`) before it runs a handler. */
export function setCliProgram(name: string): void {
  program = name;
}
