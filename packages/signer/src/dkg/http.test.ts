import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { toHex } from "../bls/bytes.js";
import { freePorts } from "../testing/processes.js";
import { DKG_VERSION, parseDefinition, sessionId } from "./definition.js";
import { open, seal } from "./envelope.js";
import { HttpTransport } from "./http.js";
import { generateIdentity, loadIdentity } from "./identity.js";

const started: HttpTransport[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.close(0)));
});

/** A 2-of-2 definition named `name` of two fresh identities on free ports, its session and party 1's identity. */
async function twoParties(name: string) {
  const files = [generateIdentity(), generateIdentity()];
  const ports = await freePorts(2);
  const def = parseDefinition({
    version: DKG_VERSION,
    name,
    nonce: toHex(randomBytes(16)),
    threshold: 2,
    validators: 1,
    parties: files.map((f, k) => ({ index: k + 1, identity: f.publicKey, url: `http://127.0.0.1:${ports[k]}` })),
  });
  return { ports, def, session: sessionId(def), id1: loadIdentity(files[0] as never) };
}

describe("HTTP transport", () => {
  it("delivers signed envelopes, answers 401 to forged ones, and retries until the peer is up", async () => {
    const { ports, def, session, id1 } = await twoParties("http");
    const t1 = await HttpTransport.start({ definition: def, index: 1 });
    started.push(t1);

    // Party 2 is not up yet: the send retries until it is.
    const env = seal(id1, session, 1, 1, 0, { hello: "world" });
    const sending = t1.send(2, env, Date.now() + 10_000);
    await new Promise((r) => setTimeout(r, 300));
    const received: unknown[] = [];
    const t2 = await HttpTransport.start({ definition: def, index: 2 });
    started.push(t2);
    t2.onMessage((raw) => {
      try {
        received.push(open(def, session, 2, raw).payload);
        return true;
      } catch {
        return false;
      }
    });
    await sending;
    await new Promise((r) => setTimeout(r, 20));
    expect(received).toEqual([{ hello: "world" }]);

    // A tampered envelope is refused with 401 and the sender learns it.
    await expect(t1.send(2, { ...env, payload: '{"hello":"mallory"}' }, Date.now() + 2000)).rejects.toThrow(
      /rejected the message \(HTTP 401\)/,
    );
    expect(received).toHaveLength(1);

    // Non-JSON and wrong paths.
    const bad = await fetch(`http://127.0.0.1:${ports[1]}/dkg/v1/message`, { method: "POST", body: "{not json" });
    expect(bad.status).toBe(400);
    expect((await fetch(`http://127.0.0.1:${ports[1]}/other`)).status).toBe(404);

    // An unreachable peer fails at the deadline.
    await t2.close(0);
    started.pop();
    await expect(t1.send(2, env, Date.now() + 300)).rejects.toThrow(/unreachable/);
  }, 20_000);

  it("before the runner listens, keeps only authenticated envelopes, and only a bounded number of them", async () => {
    const { ports, def, session, id1 } = await twoParties("early");
    const t2 = await HttpTransport.start({ definition: def, index: 2 });
    started.push(t2);
    const url = `http://127.0.0.1:${ports[1]}/dkg/v1/message`;
    const postEnv = async (env: unknown) =>
      (await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(env) }))
        .status;
    const env = seal(id1, session, 1, 1, 0, { n: 0 });
    // forged, another session, addressed to someone else: refused before anything is kept
    expect(await postEnv({ ...env, payload: '{"n":"mallory"}' })).toBe(401);
    expect(await postEnv(seal(id1, new Uint8Array(32), 1, 1, 0, { n: 0 }))).toBe(401);
    expect(await postEnv(seal(id1, session, 1, 1, 3, { n: 0 }))).toBe(401);
    expect(await postEnv({ garbage: true })).toBe(401);
    // authentic ones are kept up to the bound (8 per peer), then the sender is asked to retry
    const statuses: number[] = [];
    for (let n = 1; n <= 10; n++) statuses.push(await postEnv(seal(id1, session, 1, 1, 0, { n })));
    expect(statuses).toEqual([...Array(8).fill(202), 503, 503]);
    const received: unknown[] = [];
    t2.onMessage((raw) => {
      received.push(open(def, session, 2, raw).payload);
      return true;
    });
    expect(received).toEqual(Array.from({ length: 8 }, (_, k) => ({ n: k + 1 })));
  }, 20_000);
});
