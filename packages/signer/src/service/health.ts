/**
 * `GET /healthcheck` in Web3Signer's shape: `{"status","checks":[{"id","status",…}],"outcome"}`, 200 when
 * every check is UP and 503 otherwise. Checks: the slashing-protection database answers a read
 * (`slashing-protection-db`), and, on a combiner, enough co-signers answer `/upcheck` for every
 * validator to reach its threshold (`cosigners-check`, one sub-check per co-signer).
 */
import type { SlashingProtectionDb } from "../slashing/db.js";

export type HealthStatus = "UP" | "DOWN";

export interface HealthCheckEntry {
  id: string;
  status: HealthStatus;
  message?: string;
  checks?: HealthCheckEntry[];
}

export interface HealthReport {
  status: HealthStatus;
  checks: HealthCheckEntry[];
  outcome: HealthStatus;
}

/** Something that adds its own checks to the report (the combiner: its co-signers). */
export interface HealthSource {
  healthChecks?(): Promise<HealthCheckEntry[]>;
}

function slashingCheck(db: SlashingProtectionDb): HealthCheckEntry {
  try {
    db.counts();
    return { id: "slashing-protection-db", status: "UP" };
  } catch (e) {
    return { id: "slashing-protection-db", status: "DOWN", message: e instanceof Error ? e.message : String(e) };
  }
}

export async function healthReport(db: SlashingProtectionDb, source: HealthSource): Promise<HealthReport> {
  const checks = [slashingCheck(db), ...((await source.healthChecks?.()) ?? [])];
  const status: HealthStatus = checks.every((c) => c.status === "UP") ? "UP" : "DOWN";
  return { status, checks, outcome: status };
}
