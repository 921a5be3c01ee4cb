// TEST FIXTURE (not shipped logic): a DKG party in its own process that deals a wrong share to
// party 3 and, when accused, reveals that same wrong share. Uses the built package (dist/).
// Usage: node cheating-party.mjs <definition.json> <identity.json> <index> <pkgDistDir>
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [defPath, idPath, indexStr, dist] = process.argv.slice(2);
const { DkgParty, HttpTransport, loadIdentity, parseDefinition, runDkg } = await import(join(dist, "index.js"));
const { Fr } = await import(join(dist, "bls/field.js"));

class Cheater extends DkgParty {
  shareFor(v, j) {
    const s = super.shareFor(v, j);
    return j === 3 ? Fr.add(s, 1n) : s;
  }
}
const definition = parseDefinition(JSON.parse(readFileSync(defPath, "utf8")));
const index = Number(indexStr);
const transport = await HttpTransport.start({ definition, index });
try {
  const r = await runDkg({
    definition,
    index,
    identity: loadIdentity(JSON.parse(readFileSync(idPath, "utf8"))),
    transport,
    party: new Cheater(definition, index),
    roundTimeoutMs: 15000,
  });
  process.stdout.write(`${JSON.stringify({ qualified: r.qualified })}\n`);
} catch (e) {
  process.stdout.write(`${JSON.stringify({ error: e.code ?? String(e) })}\n`);
} finally {
  await transport.close();
}
