/**
 * `@mzku/sidecar` — the daemon beside each MZKU node (docs/sidecar.md): node supervision and health,
 * audits of assigned peers, the libp2p mesh, and uptime reports on-chain through an exactly-once
 * SQLite outbox.
 */
import "./polyfill.js";

export { Auditor, type AuditorDeps } from "./audit/auditor.js";
export {
  type Announce,
  decodeMessage,
  type Observation,
  ObservationSigner,
  type ParsedMessage,
  parseMessage,
  sidecarDomain,
  signAnnounce,
  signObservation,
  verifyMessage,
} from "./audit/messages.js";
export { loadConfig, type NodeKind, type SidecarConfig, type SidecarFlags } from "./config.js";
export { SidecarError, type SidecarErrorCode } from "./errors.js";
export { DAEMON_V8_FLAGS, tuneDaemonHeap } from "./heap.js";
export { Mesh, type MeshOptions, type Verdict } from "./mesh/mesh.js";
export { createMetrics, type SidecarMetrics } from "./metrics.js";
export { checkHealth, type NodeHealth } from "./node/health.js";
export { NodeSupervisor } from "./node/supervisor.js";
export { runSidecar, sidecarUsage } from "./run.js";
export { Sidecar, type SidecarStatus } from "./sidecar.js";
export { SidecarStore } from "./store/db.js";
