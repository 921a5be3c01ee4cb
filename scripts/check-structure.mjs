#!/usr/bin/env node
// Fails when a folder tracked by git is missing from the annotated tree in docs/structure.md, so the
// tree cannot silently drift from the repository. Run by `npm test`.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

// Vendored data keeps its upstream layout: only its top two levels are listed.
const VENDORED = ["vectors"];
// Generated (and committed) folders: listed themselves, their sub-folders (one per contract) not.
const GENERATED = ["packages/sdk/src/actions"];
const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { encoding: "utf8" })
  .split("\n")
  .filter(Boolean);
const dirs = new Set();
for (const file of files) {
  const parts = file.split("/");
  const generated = GENERATED.find((g) => file.startsWith(`${g}/`));
  const depth = VENDORED.includes(parts[0] ?? "")
    ? Math.min(parts.length, 3)
    : generated
      ? Math.min(parts.length, generated.split("/").length + 1)
      : parts.length;
  for (let i = 1; i < depth; i++) dirs.add(parts.slice(0, i).join("/"));
}
const tree = readFileSync("docs/structure.md", "utf8");
// Each tree line names a folder as `name/`; nesting is by indentation (4 characters per level).
const listed = new Set();
const stack = [];
for (const line of tree.split("\n")) {
  const match = /^([│ ├└─]*)([\w.@-]+)\/(\s|$)/u.exec(line);
  if (!match) continue;
  const depth = Math.round([...(match[1] ?? "")].length / 4);
  stack.length = depth;
  stack[depth] = match[2];
  listed.add(stack.join("/"));
}
const missing = [...dirs].filter((d) => !listed.has(d)).sort();
if (missing.length) {
  console.error(`docs/structure.md does not list ${missing.length} folder(s):\n  ${missing.join("\n  ")}`);
  process.exit(1);
}
console.log(`docs/structure.md lists all ${dirs.size} folders`);
