/** Module resolution hooks of `lodestarProbe.ts` (they run on Node's loader thread). */
import { createLogger } from "@mzku/log";

const log = createLogger({ component: "lodestar-probe" });
type Resolve = (
  specifier: string,
  context: { parentURL?: string },
  next: (specifier: string, context: { parentURL?: string }) => Promise<{ url: string }>,
) => Promise<{ url: string }>;

let reported = false;

export const resolve: Resolve = async (specifier, context, next) => {
  const resolved = await next(specifier, context);
  if (!reported && resolved.url.includes("/@lodestar/params/")) {
    reported = true;
    log.warn("LODESTAR_PARAMS_LOADED", { importer: context.parentURL ?? "(entry)" });
  }
  return resolved;
};
