/**
 * The `bls-eth-wasm` instance used for G1/G2 Lagrange interpolation (`Signature.recover`,
 * `PublicKey.recover`) and for evaluating polynomial commitments (`PublicKey.share`). It is
 * initialised once, by top-level await, the first time this module is imported; blst does the
 * signing and verifying.
 *
 * Points enter wasm only through {@link decodeG1} / {@link decodeG2}: blst decompresses and checks
 * them (on curve, in the subgroup, not infinity — about 0.06 ms), and wasm loads the uncompressed
 * form, which is about 8× faster than wasm's own compressed decoding with its order check.
 */
import blst from "@chainsafe/blst";
import blsWasm from "bls-eth-wasm";

await blsWasm.init(blsWasm.BLS12_381);
// Subgroup membership is checked by blst in decodeG1/decodeG2 before a point reaches wasm.
blsWasm.verifySignatureOrder(false);
blsWasm.verifyPublicKeyOrder(false);

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

/** Validates (blst: on curve, subgroup, not infinity) a 48-byte G1 point and loads it into wasm; throws if invalid. */
export function decodeG1(bytes: Uint8Array): WasmPublicKey {
  const uncompressed = blst.PublicKey.fromBytes(bytes, true).toBytes(false);
  const p = new blsWasm.PublicKey();
  p.deserializeUncompressed(uncompressed);
  return p;
}

/** Validates (blst: on curve, subgroup, not infinity) a 96-byte G2 point and loads it into wasm; throws if invalid. */
export function decodeG2(bytes: Uint8Array): WasmSignature {
  const uncompressed = blst.Signature.fromBytes(bytes, true, true).toBytes(false);
  const s = new blsWasm.Signature();
  s.deserializeUncompressed(uncompressed);
  return s;
}
