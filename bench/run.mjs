#!/usr/bin/env node
// Runs the benchmarks and regenerates bench/results.json (one flat object: metric name → number).
// Each area is a folder bench/<area>/ with a run.mjs that writes bench/results/<area>.json (its
// metrics) and bench/results/<area>.raw.json (raw runs, machine named). Usage:
//   npm run bench              every area
//   npm run bench -- gas       only the named areas (the others keep their last committed results)
// Build first (npm run build): the scripts use the packages' dist/ output.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const areas = readdirSync(here).filter((d) => {
  try {
    return statSync(join(here, d, "run.mjs")).isFile();
  } catch {
    return false;
  }
});
const wanted = process.argv.slice(2);
for (const area of wanted)
  if (!areas.includes(area)) throw new Error(`bench: no area "${area}" (have: ${areas.join(", ")})`);

let failed = 0;
for (const area of wanted.length ? wanted : areas) {
  console.error(`bench: ${area} ...`);
  const started = Date.now();
  const result = spawnSync(process.execPath, [join(here, area, "run.mjs")], { stdio: "inherit" });
  console.error(
    `bench: ${area} ${result.status === 0 ? "done" : `FAILED (exit ${result.status})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (result.status !== 0) failed++;
}

const merged = {};
for (const file of readdirSync(join(here, "results")).sort()) {
  if (!file.endsWith(".json") || file.endsWith(".raw.json")) continue;
  Object.assign(merged, JSON.parse(readFileSync(join(here, "results", file), "utf8")));
}
const sorted = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(join(here, "results.json"), `${JSON.stringify(sorted, null, 2)}\n`);
console.error(`bench: wrote bench/results.json (${Object.keys(sorted).length} metrics)`);
process.exit(failed ? 1 : 0);
