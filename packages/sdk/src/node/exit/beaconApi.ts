/**
 * The few beacon-node API calls a voluntary exit needs (the standard Beacon API, JSON over HTTP):
 * genesis, the chain's spec, the head state's fork and slot, a validator by public key, and the
 * voluntary-exit pool. Failures are `MzkuError`s naming the node and what it answered.
 */
import { MzkuError } from "../../errors.js";

/** The signed message a beacon node takes (`phase0.SignedVoluntaryExit`, JSON form). */
export type SignedVoluntaryExitJson = {
  message: { epoch: string; validator_index: string };
  signature: string;
};

export type BeaconFork = { previous_version: string; current_version: string; epoch: string };

export type BeaconValidator = { index: string; status: string; validator: { pubkey: string; exit_epoch: string } };

const TIMEOUT_MS = 10_000;

export class BeaconApi {
  readonly url: string;

  constructor(url: string) {
    this.url = url.replace(/\/+$/, "");
  }

  private async request(method: "GET" | "POST", path: string, body?: unknown): Promise<Response> {
    try {
      return await fetch(`${this.url}${path}`, {
        method,
        headers: { accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new MzkuError("BEACON_UNREACHABLE", `beacon node ${this.url} unreachable (${method} ${path})`, {
        details: { url: this.url, path },
        cause: error,
      });
    }
  }

  private async getData<T>(path: string): Promise<T | undefined> {
    const response = await this.request("GET", path);
    if (response.status === 404) return undefined;
    if (!response.ok) throw await refused(this.url, "GET", path, response);
    const body = (await response.json()) as { data?: T };
    if (body.data === undefined) {
      throw new MzkuError("BEACON_REFUSED", `beacon node ${this.url}: GET ${path} answered without "data"`, {
        details: { url: this.url, path },
      });
    }
    return body.data;
  }

  private async mustGet<T>(path: string): Promise<T> {
    const data = await this.getData<T>(path);
    if (data === undefined) {
      throw new MzkuError("BEACON_REFUSED", `beacon node ${this.url}: GET ${path} answered 404`, {
        details: { url: this.url, path },
      });
    }
    return data;
  }

  /** `genesis_validators_root` (0x hex). */
  async genesisValidatorsRoot(): Promise<string> {
    return (await this.mustGet<{ genesis_validators_root: string }>("/eth/v1/beacon/genesis")).genesis_validators_root;
  }

  /** The node's chain config and preset values (strings, as the API serves them). */
  async spec(): Promise<Record<string, unknown>> {
    return this.mustGet<Record<string, unknown>>("/eth/v1/config/spec");
  }

  async headFork(): Promise<BeaconFork> {
    return this.mustGet<BeaconFork>("/eth/v1/beacon/states/head/fork");
  }

  async headSlot(): Promise<bigint> {
    const header = await this.mustGet<{ header: { message: { slot: string } } }>("/eth/v1/beacon/headers/head");
    return BigInt(header.header.message.slot);
  }

  /** The validator with this public key in the head state, or undefined when the state has none. */
  async validator(pubkey: string): Promise<BeaconValidator | undefined> {
    return this.getData<BeaconValidator>(`/eth/v1/beacon/states/head/validators/${pubkey}`);
  }

  /** Hands a signed exit to the node's pool (it verifies it against its head state and gossips it). */
  async submitVoluntaryExit(exit: SignedVoluntaryExitJson): Promise<void> {
    const path = "/eth/v1/beacon/pool/voluntary_exits";
    const response = await this.request("POST", path, exit);
    if (!response.ok) throw await refused(this.url, "POST", path, response);
  }
}

async function refused(url: string, method: string, path: string, response: Response): Promise<MzkuError> {
  const text = (await response.text().catch(() => "")).slice(0, 500);
  let reason = text;
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === "string") reason = body.message;
  } catch {
    // not JSON: keep the text
  }
  return new MzkuError(
    "BEACON_REFUSED",
    `beacon node ${url} refused ${method} ${path}: ${response.status}${reason ? ` ${reason}` : ""}`,
    { details: { url, path, status: response.status, reason } },
  );
}
