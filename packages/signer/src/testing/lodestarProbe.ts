/**
 * `node --import <dist/testing/lodestarProbe.js> …` logs `LODESTAR_PARAMS_LOADED` (with the importer) on stderr
 * when the process first resolves `@lodestar/params` (which fixes Lodestar's preset): the tests that check
 * a command loads Lodestar only once it has chosen the preset use it.
 */
import { register } from "node:module";

register(new URL("./lodestarProbeHooks.js", import.meta.url));
