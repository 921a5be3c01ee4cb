import { CodedError } from "../errors.js";

/** Typed errors of keystores and key derivation (`code` is stable). */
export type KeystoreErrorCode =
  | "KEYSTORE_INVALID"
  | "KEYSTORE_UNSUPPORTED"
  | "KEYSTORE_WRONG_PASSWORD"
  | "KEYSTORE_KDF_FAILED"
  | "DERIVATION_INVALID_PATH"
  | "DERIVATION_INVALID_SEED";

export class KeystoreError extends CodedError<KeystoreErrorCode> {
  override readonly name = "KeystoreError";
}
