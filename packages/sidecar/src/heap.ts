/**
 * The daemon's V8 heap policy. A sidecar's steady work is short-lived garbage (each probe's fetch,
 * JSON and signature); with V8's defaults, probes still in flight at a scavenge are promoted and the
 * old generation is left to grow about 4× before it is marked (measured: 31 → 135 MB of heap between
 * two full collections over one 1,000-target period, 40 MB live after). `--optimize-for-size` makes V8
 * grow the heap in small steps and collect sooner: peak RSS 233 → ~135 MB on the same period, no
 * slower (docs/sidecar.md, Audit memory). Set at the start of `mzku sidecar start`, before the daemon
 * allocates; the flag is read by the heap controller at each collection, so it applies from then on.
 */
import { setFlagsFromString } from "node:v8";

export const DAEMON_V8_FLAGS = "--optimize-for-size";

export function tuneDaemonHeap(): void {
  setFlagsFromString(DAEMON_V8_FLAGS);
}
