/**
 * `mzku-signer keys tls --out DIR --party NAME[=HOST,HOST…] [--party …] [--days 365]`
 *
 * Writes a development CA and one certificate per party for mutual TLS between the combiner and its
 * co-signers: DIR/ca.pem, DIR/ca.key, DIR/NAME.pem, DIR/NAME.key (keys 0600). Each party certificate
 * serves TLS (a co-signer) and authenticates as a client (the combiner); its subject alternative names
 * are the given hosts (127.0.0.1 and localhost when none are given). Nothing is overwritten.
 * Prints one JSON line: {"event":"tls","dir","ca","parties":[…]}.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cliFailure, UsageError } from "@mzku/errors";
import { createDevCa, issueCert } from "../tls/devpki.js";
import { cliProgram } from "./program.js";

function fail(message: string): number {
  const failure = cliFailure(cliProgram(), new UsageError("USAGE", message));
  process.stderr.write(failure.line);
  return failure.exitCode;
}

export async function runKeysTls(argv: string[]): Promise<number> {
  let values: { out?: string; party?: string[]; days?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { out: { type: "string" }, party: { type: "string", multiple: true }, days: { type: "string" } },
      strict: true,
    }));
  } catch (e) {
    return fail((e as Error).message);
  }
  if (values.out === undefined) return fail("--out <dir> is required");
  if (values.party === undefined || values.party.length === 0) return fail("--party NAME[=HOST,HOST…] is required");
  const days = values.days === undefined ? 365 : Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > 3650) return fail("--days must be an integer 1..3650");
  const parties = values.party.map((p) => {
    const [name = "", hosts] = p.split("=", 2);
    return { name, hosts: hosts === undefined ? ["127.0.0.1", "localhost"] : hosts.split(",").filter(Boolean) };
  });
  for (const p of parties) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(p.name) || p.name === "ca") return fail(`bad party name "${p.name}"`);
    if (p.hosts.length === 0) return fail(`party ${p.name}: no hosts`);
  }
  if (new Set(parties.map((p) => p.name)).size !== parties.length) return fail("party names must be distinct");
  const dir = values.out;
  const files = ["ca", ...parties.map((p) => p.name)].flatMap((n) => [join(dir, `${n}.pem`), join(dir, `${n}.key`)]);
  const existing = files.filter((f) => existsSync(f));
  if (existing.length > 0) return fail(`${existing[0]} exists; refusing to overwrite`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = await createDevCa({ days });
  writeFileSync(join(dir, "ca.key"), ca.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, "ca.pem"), ca.certPem);
  for (const p of parties) {
    const c = await issueCert(ca, { commonName: p.name, hosts: p.hosts, days });
    writeFileSync(join(dir, `${p.name}.key`), c.keyPem, { mode: 0o600 });
    writeFileSync(join(dir, `${p.name}.pem`), c.certPem);
  }
  process.stdout.write(
    `${JSON.stringify({ event: "tls", dir, ca: join(dir, "ca.pem"), parties: parties.map((p) => ({ name: p.name, hosts: p.hosts })) })}\n`,
  );
  return 0;
}
