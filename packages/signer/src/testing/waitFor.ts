/**
 * Polls `check` every `intervalMs` until it returns a value (anything but `undefined` or `false`) and
 * returns that value. A `check` that throws counts as not yet; when `timeoutMs` passes, throws an
 * error naming `what` and the last error `check` threw. The one polling helper of the tests that wait
 * for processes (the signer's Lodestar e2e, the sidecar's network tests).
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v as T;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}
