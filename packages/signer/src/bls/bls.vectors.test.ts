import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import {
  aggregateSignatures,
  aggregateVerify,
  ethAggregatePubkeys,
  ethFastAggregateVerify,
  fastAggregateVerify,
  sign,
  verify,
} from "./bls.js";
import { fromHex, toHex } from "./bytes.js";

const DIR = join(import.meta.dirname, "../../../../vectors/bls");
const SHARED = process.env.MZKU_VECTORS ?? DIR;

interface Case {
  name: string;
  input: unknown;
  output: unknown;
}
function load(handler: string): Case[] {
  const dir = join(SHARED, handler);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => {
      const doc = yaml.load(readFileSync(join(dir, f), "utf8")) as { input: unknown; output: unknown };
      return { name: f, input: doc.input, output: doc.output };
    });
}
const h = (s: unknown) => fromHex(s as string);
const hs = (a: unknown) => (a as string[]).map(h);
/** Runs `fn`; a throw counts as the `null` output. */
function orNull<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    return null;
  }
}

describe("BLS vectors (consensus-spec-tests general/bls) through our blst wrapper", () => {
  const handlers = {
    sign: (c: Case) => {
      const i = c.input as { privkey: string; message: string };
      const out = orNull(() => toHex(sign(h(i.privkey), h(i.message))));
      expect(out).toBe(c.output);
    },
    verify: (c: Case) => {
      const i = c.input as { pubkey: string; message: string; signature: string };
      expect(orNull(() => verify(h(i.pubkey), h(i.message), h(i.signature)))).toBe(c.output);
    },
    aggregate: (c: Case) => {
      const out = orNull(() => toHex(aggregateSignatures(hs(c.input))));
      expect(out).toBe(c.output);
    },
    fast_aggregate_verify: (c: Case) => {
      const i = c.input as { pubkeys: string[]; message: string; signature: string };
      expect(orNull(() => fastAggregateVerify(hs(i.pubkeys), h(i.message), h(i.signature)))).toBe(c.output);
    },
    aggregate_verify: (c: Case) => {
      const i = c.input as { pubkeys: string[]; messages: string[]; signature: string };
      expect(orNull(() => aggregateVerify(hs(i.pubkeys), hs(i.messages), h(i.signature)))).toBe(c.output);
    },
    eth_aggregate_pubkeys: (c: Case) => {
      expect(orNull(() => toHex(ethAggregatePubkeys(hs(c.input))))).toBe(c.output);
    },
    eth_fast_aggregate_verify: (c: Case) => {
      const i = c.input as { pubkeys: string[]; message: string; signature: string };
      expect(orNull(() => ethFastAggregateVerify(hs(i.pubkeys), h(i.message), h(i.signature)))).toBe(c.output);
    },
  } as const;

  let total = 0;
  for (const [handler, run] of Object.entries(handlers)) {
    const cases = load(handler);
    total += cases.length;
    describe(handler, () => {
      it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => run(c));
    });
  }
  it("covers all 79 case files", () => {
    expect(total).toBe(79);
  });
});
