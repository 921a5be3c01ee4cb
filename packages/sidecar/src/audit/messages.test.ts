import { VERDICT_TYPES } from "@mzku/sdk";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import {
  decodeMessage,
  encodeSigned,
  type Observation,
  ObservationSigner,
  parseMessage,
  sidecarDomain,
  signAggregateMessage,
  signAnnounce,
  signObservation,
  type VerdictBody,
  verifyMessage,
} from "./messages.js";

const domain = sidecarDomain(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
const auditorKey = generatePrivateKey();
const auditor = privateKeyToAccount(auditorKey);
const obs: Observation = {
  auditor: auditor.address,
  target: privateKeyToAccount(generatePrivateKey()).address,
  period: 7n,
  round: 2,
  up: true,
  latencyMs: 3,
  observedAt: 1_700_000_000n,
};
const text = (s: string) => new TextEncoder().encode(s);
const reason = async (data: Uint8Array) =>
  decodeMessage(data, domain).then(
    () => "accepted",
    (e: { details?: { reason?: string } }) => e.details?.reason,
  );

describe("gossip messages", () => {
  it("signs observations in libsecp256k1 exactly as viem's signTypedData does (same bytes on the wire)", async () => {
    const signer = new ObservationSigner(auditorKey, domain);
    expect(signer.address).toBe(auditor.address);
    for (const o of [obs, { ...obs, up: false, round: 0, latencyMs: 2 ** 32 - 1, period: 2n ** 64n - 1n }]) {
      const wasm = signer.sign(o);
      expect(new TextDecoder().decode(wasm)).toBe(new TextDecoder().decode(await signObservation(auditor, domain, o)));
      const m = await decodeMessage(wasm, domain);
      expect(m.signer).toBe(auditor.address);
      expect(m.body).toEqual(o);
    }
    // another domain (chain or contract) gives another signature: the cached separator is the domain's
    const other = new ObservationSigner(auditorKey, sidecarDomain(1, "0x5FbDB2315678afecb367f032d93F642f64180aa3"));
    expect(JSON.parse(new TextDecoder().decode(other.sign(obs))).signature).not.toBe(
      JSON.parse(new TextDecoder().decode(signer.sign(obs))).signature,
    );
    await expect(decodeMessage(other.sign(obs), domain)).rejects.toMatchObject({ details: { reason: "forged" } });
  });

  it("round-trips a signed observation and announcement", async () => {
    const m = await decodeMessage(await signObservation(auditor, domain, obs), domain);
    expect(m.kind).toBe("observation");
    expect(m.signer).toBe(auditor.address);
    expect(m.body).toEqual(obs);
    const a = await decodeMessage(
      await signAnnounce(auditor, domain, {
        sidecar: auditor.address,
        peerId: "12D3KooWtest",
        nodeKind: "evm",
        nodeUrl: "http://127.0.0.1:8545",
        addrs: "/ip4/127.0.0.1/tcp/1",
        at: 1n,
      }),
      domain,
    );
    expect(a.kind).toBe("announce");
  });

  it("names what is wrong: malformed, unsigned, forged, too large", async () => {
    expect(await reason(text("{not json"))).toBe("malformed");
    expect(await reason(new Uint8Array([0xff, 0xfe]))).toBe("malformed");
    expect(await reason(text(JSON.stringify({ kind: "observation", body: {} })))).toBe("unsigned");
    const good = JSON.parse(new TextDecoder().decode(await signObservation(auditor, domain, obs)));
    expect(await reason(text(JSON.stringify({ ...good, body: { ...good.body, up: false } })))).toBe("forged");
    expect(await reason(text(JSON.stringify({ ...good, body: { ...good.body, period: "-1" } })))).toBe("malformed");
    expect(await reason(new Uint8Array(4096))).toBe("too_large");
    // a signature of the right length that recovers to nobody, or has a bad recovery byte
    expect(await reason(text(JSON.stringify({ ...good, signature: `0x${"00".repeat(65)}` })))).toBe("forged");
    expect(await reason(text(JSON.stringify({ ...good, signature: `${good.signature.slice(0, 130)}07` })))).toBe(
      "forged",
    );
    // another chain or contract: the same bytes do not verify
    const other = sidecarDomain(1, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
    const m = await signObservation(auditor, domain, obs);
    await expect(decodeMessage(m, other)).rejects.toMatchObject({ details: { reason: "forged" } });
  });

  it("parses the claimed sender cheaply; only the verification finds a forgery", async () => {
    const good = JSON.parse(new TextDecoder().decode(await signObservation(auditor, domain, obs)));
    const stranger = privateKeyToAccount(generatePrivateKey()).address;
    const forged = text(JSON.stringify({ ...good, body: { ...good.body, auditor: stranger } }));
    const parsed = parseMessage(forged);
    expect(parsed.claimed).toBe(stranger);
    await expect(verifyMessage(parsed, domain)).rejects.toMatchObject({ details: { reason: "forged" } });
    expect(() => parseMessage(text("[]"))).toThrow(/unsigned/);
  });

  it("aggregate mode: a verdict is the contract's EIP-712 Verdict; requests and shares are signed, shapes checked", async () => {
    const v: VerdictBody = { auditor: auditor.address, target: obs.target, period: 9n, up: false };
    // signed as the sdk (and the contract's challenge) defines it
    const sig = await auditor.signTypedData({ domain, types: VERDICT_TYPES, primaryType: "Verdict", message: v });
    const m = await decodeMessage(encodeSigned("verdict", v, sig), domain);
    expect(m).toMatchObject({ kind: "verdict", body: v, signer: auditor.address });
    expect(await reason(encodeSigned("verdict", { ...v, up: true }, sig))).toBe("forged");
    const request = {
      aggregator: auditor.address,
      period: 9n,
      root: `0x${"ab".repeat(32)}` as const,
      decisions: "0x06" as const,
    };
    const r = await decodeMessage(await signAggregateMessage(auditor, domain, "aggregate_request", request), domain);
    expect(r).toMatchObject({ kind: "aggregate_request", body: request });
    const share = { signer: auditor.address, period: 9n, root: request.root, share: `0x${"01".repeat(256)}` as const };
    const h = await decodeMessage(await signAggregateMessage(auditor, domain, "share", share), domain);
    expect(h).toMatchObject({ kind: "share", body: share, signer: auditor.address });
    const short = await signAggregateMessage(auditor, domain, "share", { ...share, share: "0x0102" });
    expect(await reason(short)).toBe("malformed");
    const good = JSON.parse(new TextDecoder().decode(await signAggregateMessage(auditor, domain, "share", share)));
    const stranger = privateKeyToAccount(generatePrivateKey()).address;
    expect(await reason(text(JSON.stringify({ ...good, body: { ...good.body, signer: stranger } })))).toBe("forged");
  });
});
