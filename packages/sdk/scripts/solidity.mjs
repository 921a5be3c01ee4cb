// What the generator needs from the Solidity sources that the ABI does not carry: enum members (the
// ABI only says `uint8` with an `internalType` of `enum Scope.Name`), which functions only governance
// may call (their modifiers), and each contract's bases (modifiers are inherited). A small scanner,
// not a parser: it understands contract/interface/library blocks, enum bodies and function headers,
// which is all the protocol's sources use for these.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** Modifiers that make a function callable by governance (an executed proposal) only. */
const GOVERNANCE_MODIFIERS = ["onlyGovernance", "onlySelf"];
/** A check in a function's body that lets governance call it (maybe among others). */
const GOVERNANCE_CHECK = /\bmsg\.sender\s*[!=]=\s*governance\b|\bgovernance\s*[!=]=\s*msg\.sender\b/;

function solidityFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? solidityFiles(join(dir, e.name)) : e.name.endsWith(".sol") ? [join(dir, e.name)] : [],
    )
    .sort();
}

/** Replaces comments and string literals with spaces (positions kept) so braces inside them don't count. */
function blank(text) {
  return text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\\n]|\\.)*"/g, (m) => m.replace(/[^\n]/g, " "));
}

/** The index of the `}` closing the `{` at `open`. */
function closing(code, open) {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === "{") depth++;
    else if (code[i] === "}" && --depth === 0) return i;
  }
  throw new Error(`unbalanced braces after offset ${open}`);
}

/** `/// ...` NatSpec lines right above `offset` in the original text, joined (the `@notice ` tag dropped). */
function natspecAbove(text, offset) {
  const lines = text.slice(0, offset).split("\n");
  lines.pop(); // the declaration's own line
  const doc = [];
  while (lines.length && /^\s*\/\/\//.test(lines.at(-1))) doc.unshift(lines.pop().replace(/^\s*\/\/\/\s?/, ""));
  return doc
    .join(" ")
    .replace(/@notice\s*/g, "")
    .replace(/@dev\s*/g, "")
    .trim();
}

/**
 * Scans every `.sol` file under `srcDir`. Returns
 * - `enums`: Map "Scope.Name" (or "Name" at file level) → { scope, name, doc, members: [{ name, doc }] }
 * - `contracts`: Map name → { bases: string[], governanceOnly: Set<function name> } — functions with an
 *   `onlyGovernance`/`onlySelf` modifier or a `msg.sender == governance` check in their body
 */
export function scanSolidity(srcDir) {
  const enums = new Map();
  const contracts = new Map();
  for (const file of solidityFiles(srcDir)) {
    const text = readFileSync(file, "utf8");
    const code = blank(text);
    const where = relative(srcDir, file);
    const blocks = [];
    for (const m of code.matchAll(/\b(?:abstract\s+)?(contract|interface|library)\s+(\w+)([^{;]*)\{/g)) {
      const open = m.index + m[0].length - 1;
      const bases =
        /\bis\b([\s\S]*)$/
          .exec(m[3])?.[1]
          .split(",")
          .map((b) => b.trim().split(/[\s(]/)[0])
          .filter(Boolean) ?? [];
      blocks.push({ name: m[2], open, close: closing(code, open), bases });
    }
    const scopeOf = (offset) => blocks.find((b) => b.open < offset && offset < b.close)?.name;
    for (const m of code.matchAll(/\benum\s+(\w+)\s*\{([^}]*)\}/g)) {
      const scope = scopeOf(m.index);
      const bodyStart = m.index + m[0].indexOf("{") + 1;
      const members = [];
      let cursor = bodyStart;
      for (const raw of m[2].split(",")) {
        const name = raw.trim();
        const start = cursor + raw.indexOf(name);
        cursor += raw.length + 1;
        if (!name) continue;
        if (!/^\w+$/.test(name)) throw new Error(`${where}: cannot read enum ${m[1]} member "${name}"`);
        // A member's doc is the `// ...` comment after it on its line, if any.
        const lineEnd = text.indexOf("\n", start);
        const trailing = /\/\/\s?(.*)$/.exec(text.slice(start, lineEnd === -1 ? undefined : lineEnd))?.[1]?.trim();
        members.push({ name, doc: trailing ?? "" });
      }
      const key = scope ? `${scope}.${m[1]}` : m[1];
      enums.set(key, { scope, name: m[1], doc: natspecAbove(text, m.index), members, file: where });
    }
    for (const block of blocks) {
      const governanceOnly = new Set();
      const body = code.slice(block.open, block.close);
      for (const f of body.matchAll(/\bfunction\s+(\w+)\s*\([^)]*\)([^{;]*)([{;])/g)) {
        const modifiers = f[2].match(/\b\w+\b/g) ?? [];
        if (modifiers.some((x) => GOVERNANCE_MODIFIERS.includes(x))) governanceOnly.add(f[1]);
        else if (f[3] === "{") {
          // or a check in the body: `msg.sender == governance` / `msg.sender != governance`
          const open = block.open + f.index + f[0].length - 1;
          if (GOVERNANCE_CHECK.test(code.slice(open, closing(code, open)))) governanceOnly.add(f[1]);
        }
      }
      contracts.set(block.name, { bases: block.bases, governanceOnly });
    }
  }
  return { enums, contracts };
}

/** Names of the functions of `contract` (its own or inherited) that only governance may call. */
export function governanceOnlyFunctions(contracts, contract) {
  const out = new Set();
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name)) return;
    seen.add(name);
    const c = contracts.get(name);
    if (!c) return;
    for (const f of c.governanceOnly) out.add(f);
    for (const b of c.bases) visit(b);
  };
  visit(contract);
  return out;
}
