/**
 * The `keys` commands as separate processes: a 3-of-4 DKG over HTTP on 127.0.0.1 with four
 * `mzku-signer keys dkg` processes, then deposit data both from the ceremony and from the
 * partial/combine path, and bad input. Runs the built bin (built by test-setup/build.ts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verify } from "../bls/bls.js";
import { fromHex } from "../bls/bytes.js";
import { combinePartials, partialSign } from "../bls/threshold.js";
import { readDkgOutput, readShares } from "../dkg/output.js";
import { stopKdfWorker } from "../keystore/kdf.js";
import { freePorts, keysDkgArgs, runSignerBin, SIGNER_BIN } from "../testing/processes.js";

const children = new Set<ChildProcess>();
let dir = "";
const run = (args: string[]) => runSignerBin(args, { cwd: dir, children });

beforeAll(() => {
  // dist/ is built once by vitest's global setup (test-setup/build.ts)
  if (!existsSync(SIGNER_BIN)) throw new Error("build failed: dist/bin/mzku-signer.js missing");
  dir = mkdtempSync(join(tmpdir(), "mzku-keys-"));
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.pid !== undefined) process.kill(c.pid, "SIGKILL");
  await stopKdfWorker();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("keys commands (separate processes)", () => {
  const ADDRESS = "0x0f51bb10119727a7e5eA3538074fb341F56B09Ad";

  it("4 processes run a 3-of-4 DKG for 3 validators over HTTP and co-sign the deposits", async () => {
    const pks: string[] = [];
    for (let i = 1; i <= 4; i++) {
      const r = await run(["keys", "identity", "--out", `id${i}.json`]);
      expect(r.code).toBe(0);
      pks.push(r.stdout.trim());
    }
    const ports = await freePorts(4);
    const urls = ports.map((p) => `http://127.0.0.1:${p}`).join(",");
    expect(
      (
        await run([
          "keys",
          "definition",
          "--identities",
          pks.join(","),
          "--threshold",
          "3",
          "--validators",
          "3",
          "--urls",
          urls,
          "--out",
          "def.json",
        ])
      ).code,
    ).toBe(0);
    writeFileSync(join(dir, "pw"), "correct horse battery\n");
    const results = await Promise.all(
      [1, 2, 3, 4].map((i) => run(keysDkgArgs(i, { withdrawalAddress: ADDRESS, forkVersion: "0x01017000" }))),
    );
    for (const r of results) expect(r.code, r.stderr).toBe(0);

    const outputs = [1, 2, 3, 4].map((i) => readDkgOutput(join(dir, `out${i}`)));
    for (const o of outputs) {
      expect(o.qualified).toEqual([1, 2, 3, 4]);
      expect(o.validators.map((v) => v.groupPublicKey)).toEqual(outputs[0]?.validators.map((v) => v.groupPublicKey));
    }
    // Shares decrypt from the keystores and any 3 of them sign for the group key.
    const shares = await Promise.all(
      [1, 2, 3, 4].map((i) => readShares(join(dir, `out${i}`), outputs[i - 1] as never, "correct horse battery")),
    );
    const msg = new Uint8Array(32).fill(1);
    for (let v = 0; v < 3; v++) {
      const group = fromHex(outputs[0]?.validators[v]?.groupPublicKey as string);
      const partials = [2, 3, 4].map((i) => ({
        index: i,
        signature: partialSign({ index: i, secret: shares[i - 1]?.[v] as Uint8Array }, msg),
      }));
      expect(verify(group, msg, combinePartials(partials))).toBe(true);
      expect(verify(group, msg, combinePartials(partials.slice(1)))).toBe(false);
    }
    // Deposit data from the ceremony: identical at every party, and it verifies.
    const deposits = [1, 2, 3, 4].map((i) => readFileSync(join(dir, `out${i}`, "deposit-data.json"), "utf8"));
    expect(new Set(deposits).size).toBe(1);
    const dd = JSON.parse(deposits[0] as string) as { pubkey: string; network_name: string }[];
    expect(dd.map((d) => `0x${d.pubkey}`)).toEqual(outputs[0]?.validators.map((v) => v.groupPublicKey));
    expect(dd[0]?.network_name).toBe("holesky");

    // Later: the same deposit data from partial files of parties 1, 3, 4 (party 2 offline).
    for (const i of [1, 3, 4]) {
      const r = await run([
        "keys",
        "deposit-data",
        "--dkg-dir",
        `out${i}`,
        "--password-file",
        "pw",
        "--withdrawal-address",
        ADDRESS,
        "--fork-version",
        "0x01017000",
        "--out",
        `partial${i}.json`,
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
    const combined = await run([
      "keys",
      "deposit-data",
      "--dkg-dir",
      "out2",
      "--partials",
      "partial1.json,partial3.json,partial4.json",
      "--withdrawal-address",
      ADDRESS,
      "--fork-version",
      "0x01017000",
      "--out",
      "deposit_data.json",
    ]);
    expect(combined.code, combined.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "deposit_data.json"), "utf8"))).toEqual(dd);
    // Two partial files are not enough.
    const short = await run([
      "keys",
      "deposit-data",
      "--dkg-dir",
      "out2",
      "--partials",
      "partial1.json,partial3.json",
      "--withdrawal-address",
      ADDRESS,
      "--fork-version",
      "0x01017000",
      "--out",
      "x.json",
    ]);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/^mzku-signer: THRESHOLD_NOT_ENOUGH_PARTIALS: .*\n$/);
  }, 120_000);

  it("a cheating dealer in its own process is detected and excluded; the honest processes finish with a working key", async () => {
    const pks: string[] = [];
    for (let i = 1; i <= 4; i++) {
      const r = await run(["keys", "identity", "--out", `cid${i}.json`]);
      pks.push(r.stdout.trim());
    }
    const ports = await freePorts(4);
    const urls = ports.map((p) => `http://127.0.0.1:${p}`).join(",");
    await run([
      "keys",
      "definition",
      "--identities",
      pks.join(","),
      "--threshold",
      "3",
      "--validators",
      "2",
      "--urls",
      urls,
      "--out",
      "cdef.json",
    ]);
    writeFileSync(join(dir, "pw"), "correct horse battery\n");
    const cheater = new Promise<string>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          join(import.meta.dirname, "../dkg/testdata/cheating-party.mjs"),
          "cdef.json",
          "cid2.json",
          "2",
          join(import.meta.dirname, "../../dist"),
        ],
        { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
      );
      children.add(child);
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
      });
      child.on("exit", () => {
        children.delete(child);
        resolve(out);
      });
    });
    const honest = await Promise.all(
      [1, 3, 4].map((i) =>
        run([
          "keys",
          "dkg",
          "--definition",
          "cdef.json",
          "--identity",
          `cid${i}.json`,
          "--index",
          String(i),
          "--out",
          `cout${i}`,
          "--password-file",
          "pw",
          "--kdf",
          "pbkdf2",
          "--round-timeout-ms",
          "15000",
        ]),
      ),
    );
    for (const r of honest) expect(r.code, r.stderr).toBe(0);
    expect(honest[1]?.stderr).toMatch(/"level":"warn","component":"signer-dkg","message":"DKG complaints"/);
    const outputs = [1, 3, 4].map((i) => readDkgOutput(join(dir, `cout${i}`)));
    for (const o of outputs) {
      expect(o.qualified).toEqual([1, 3, 4]);
      expect(o.disqualified.map((d) => d.index)).toEqual([2]);
    }
    const shares = await Promise.all(
      [1, 3, 4].map((i, k) => readShares(join(dir, `cout${i}`), outputs[k] as never, "correct horse battery")),
    );
    const msg = new Uint8Array(32).fill(9);
    for (let v = 0; v < 2; v++) {
      const group = fromHex(outputs[0]?.validators[v]?.groupPublicKey as string);
      const partials = [1, 3, 4].map((i, k) => ({
        index: i,
        signature: partialSign({ index: i, secret: shares[k]?.[v] as Uint8Array }, msg),
      }));
      expect(verify(group, msg, combinePartials(partials))).toBe(true);
    }
    // The cheater, running the same checks on its own reveal, excludes itself too.
    expect(JSON.parse((await cheater).trim().split("\n").pop() as string)).toEqual({ qualified: [1, 3, 4] });
  }, 120_000);

  it.each([
    [["keys", "dkg"], /^mzku-signer: USAGE: --definition is required\n$/],
    [["keys", "dkg", "--definition", "nope.json"], /^mzku-signer: USAGE: cannot read definition nope.json/],
    [
      ["keys", "definition", "--identities", "0x12", "--threshold", "2", "--validators", "1", "--out", "d.json"],
      /^mzku-signer: DKG_INVALID_DEFINITION: /,
    ],
    [
      [
        "keys",
        "deposit-data",
        "--dkg-dir",
        "out1",
        "--withdrawal-address",
        "0x12",
        "--fork-version",
        "0x01017000",
        "--out",
        "x",
      ],
      /^mzku-signer: DEPOSIT_INVALID_INPUT: /,
    ],
    [
      [
        "keys",
        "deposit-data",
        "--dkg-dir",
        "out1",
        "--withdrawal-address",
        "0x0f51bb10119727a7e5eA3538074fb341F56B09Ad",
        "--fork-version",
        "0x01",
        "--out",
        "x",
      ],
      /^mzku-signer: DEPOSIT_INVALID_INPUT: /,
    ],
    [
      [
        "keys",
        "deposit-data",
        "--dkg-dir",
        "out1",
        "--password-file",
        "pw",
        "--network",
        "nonet",
        "--withdrawal-address",
        "0x0f51bb10119727a7e5eA3538074fb341F56B09Ad",
        "--out",
        "x",
      ],
      /^mzku-signer: USAGE: unknown --network/,
    ],
    [["keys", "dkg", "--bogus", "1"], /^mzku-signer: USAGE: Unknown option '--bogus'/],
    [["nothing", "here"], /^mzku-signer: USAGE: unknown command/],
  ] as const)("bad input %j exits 2 with a one-line reason", async (args, re) => {
    const r = await run([...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re);
    if (args[0] === "keys") expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
