// TypeScript's own per-file emit (`ts.transpileModule`, no type check) of a workspace package into the
// dist/ its tsconfig names: the same JavaScript and source maps `tsc -p` writes (the base tsconfig sets
// `isolatedModules`, so tsc rejects any code whose emit would need the whole program), in seconds
// instead of minutes, and no declarations. Used by scripts/build-devnet.mjs (`npm start`); `npm run
// build` stays the type-checked tsc build, and `check` (run by `npm test` after it) proves that every
// file's emit here is byte for byte what tsc wrote.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

/** Every source file of the package at `dir`: its output paths (`js`, `map`) and `emit()` of its text. */
export function* emits(dir) {
  const configPath = join(resolve(dir), "tsconfig.json");
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(`${configPath}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
      },
    },
  );
  if (config.errors.length > 0)
    throw new Error(`${configPath}: ${ts.flattenDiagnosticMessageText(config.errors[0].messageText, "\n")}`);
  const { options } = config;
  if (!options.outDir || !options.rootDir || !options.isolatedModules)
    throw new Error(`${configPath}: needs outDir, rootDir and isolatedModules to be emitted file by file`);
  // Under NodeNext tsc takes each file's module format from package.json, which transpileModule cannot
  // read: every workspace package is "type": "module", so each of its files is an ES module.
  if (JSON.parse(readFileSync(join(resolve(dir), "package.json"), "utf8")).type !== "module")
    throw new Error(`${dir}: only "type": "module" packages are emitted file by file`);
  const compilerOptions = {
    ...options,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    moduleDetection: ts.ModuleDetectionKind.Force,
  };
  for (const source of config.fileNames) {
    const js = join(options.outDir, relative(options.rootDir, source)).replace(/\.ts$/, ".js");
    yield {
      source,
      js,
      map: `${js}.map`,
      emit: () => {
        const out = ts.transpileModule(readFileSync(source, "utf8"), {
          compilerOptions,
          fileName: source,
          reportDiagnostics: false,
        });
        // tsc names the source relative to the map; transpileModule knows only the file's name.
        const map = out.sourceMapText && JSON.parse(out.sourceMapText);
        if (map) map.sources = [relative(dirname(js), source).replaceAll("\\", "/")];
        return { jsText: out.outputText, mapText: map ? JSON.stringify(map) : undefined };
      },
    };
  }
}

const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : -1);

/** Writes the emit of every file whose output is missing or older than its source; returns the count. */
export function transpile(dir) {
  let written = 0;
  for (const file of emits(dir)) {
    if (mtime(file.js) >= mtime(file.source)) continue;
    const { jsText, mapText } = file.emit();
    mkdirSync(dirname(file.js), { recursive: true });
    writeFileSync(file.js, jsText);
    if (mapText !== undefined) writeFileSync(file.map, mapText);
    written++;
  }
  return written;
}

/** Every file whose emit differs from dist/ as written by tsc: `[{ file, reason }]`. */
export function check(dir) {
  const differences = [];
  for (const file of emits(dir)) {
    const { jsText, mapText } = file.emit();
    if (!existsSync(file.js)) differences.push({ file: file.js, reason: "missing (run npm run build)" });
    else if (readFileSync(file.js, "utf8") !== jsText)
      differences.push({ file: file.js, reason: "JavaScript differs" });
    else if (mapText !== undefined && readFileSync(file.map, "utf8") !== mapText)
      differences.push({ file: file.map, reason: "source map differs" });
  }
  return differences;
}
