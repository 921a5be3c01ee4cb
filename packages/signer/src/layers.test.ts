import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Layers point down. From the bottom: shared bits (`errors.ts`, `metrics.ts`; the logger is `@mzku/log`), the
 * domain (`bls/`, `keystore/`, `deposit/`, `dkg/`, `signing/`, `slashing/`, `cosigner/`, `combiner/`),
 * the signing pipeline (`service/`), then the transports and entry points (`api/`, `cli/`, `bin/`,
 * `index.ts`). The test-only dealer (`testing/`) is reachable from tests and the `/testing` subpath only.
 */
const SRC = import.meta.dirname;
const TOP = new Set(["api", "cli", "bin", "index.ts"]);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Every module a source file imports, as paths relative to src/ (packages are left out). */
export function importsOf(file: string, text: string): string[] {
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm)].map(
    (m) => m[1] ?? "",
  );
  return specs
    .filter((s) => s.startsWith("."))
    .map((s) => relative(SRC, join(dirname(file), s)).replace(/\.js$/, ".ts"));
}

const layerOf = (rel: string): string => rel.split("/")[0] ?? rel;

const production = walk(SRC)
  .filter((p) => p.endsWith(".ts") && !p.endsWith(".test.ts"))
  .map((p) => ({ rel: relative(SRC, p), imports: importsOf(p, readFileSync(p, "utf8")) }));

describe("signer layers", () => {
  it("finds relative imports, static and dynamic (the check below can see an offender)", () => {
    const file = join(SRC, "slashing", "x.ts");
    const text =
      'import { a } from "../api/errors.js";\nconst m = await import("../api/server.js");\nimport "./side.js";\nimport x from "prom-client";';
    expect(importsOf(file, text)).toEqual(["api/errors.ts", "api/server.ts", "slashing/side.ts"]);
  });

  it("no module below the HTTP layer imports api/", () => {
    const offenders = production
      .filter((f) => !TOP.has(layerOf(f.rel)))
      .flatMap((f) => f.imports.filter((i) => layerOf(i) === "api").map((i) => `${f.rel} -> ${i}`));
    expect(offenders).toEqual([]);
  });

  it("no library module imports the command line or the entry points", () => {
    const offenders = production
      .filter((f) => !["cli", "bin"].includes(layerOf(f.rel)))
      .flatMap((f) => f.imports.filter((i) => ["cli", "bin"].includes(layerOf(i))).map((i) => `${f.rel} -> ${i}`));
    expect(offenders).toEqual([]);
  });

  it("the test-only dealer is not reachable from production modules", () => {
    const offenders = production
      .filter((f) => layerOf(f.rel) !== "testing")
      .filter(
        (f) =>
          f.imports.some((i) => layerOf(i) === "testing") ||
          /\bsplitSecret\b/.test(readFileSync(join(SRC, f.rel), "utf8")),
      )
      .map((f) => f.rel);
    expect(offenders).toEqual([]);
  });
});
