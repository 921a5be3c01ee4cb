/**
 * The `bls-eth-wasm` instance used for G1/G2 Lagrange interpolation (`Signature.recover`,
 * `PublicKey.recover`) and for evaluating polynomial commitments (`PublicKey.share`). It is
 * initialised once, by top-level await, the first time this module is imported; blst does the
 * signing and verifying. Deserialisation checks subgroup membership (`verify*Order(true)`).
 */
import blsWasm from "bls-eth-wasm";

await blsWasm.init(blsWasm.BLS12_381);
blsWasm.verifySignatureOrder(true);
blsWasm.verifyPublicKeyOrder(true);

export const wasm = blsWasm;
export type WasmId = InstanceType<typeof blsWasm.Id>;
export type WasmPublicKey = InstanceType<typeof blsWasm.PublicKey>;
export type WasmSignature = InstanceType<typeof blsWasm.Signature>;

/** A bls-eth-wasm `Id` for the participant x-coordinate `index` (1-based). */
export function wasmId(index: number): WasmId {
  const id = new blsWasm.Id();
  id.setInt(index);
  return id;
}
