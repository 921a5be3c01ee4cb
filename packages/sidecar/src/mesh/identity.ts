/**
 * A sidecar's libp2p identity, derived from its sidecar key: the same key gives the same peer id on
 * every start. Its own entry point (`@mzku/sidecar/identity`) so that a launcher can name a sidecar's
 * peer id, and so its bootstrap address, before the sidecar runs, without loading the libp2p stack.
 */
import "../polyfill.js";
import { generateKeyPairFromSeed } from "@libp2p/crypto/keys";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { type Hex, hexToBytes, keccak256, toBytes } from "viem";

/** The Ed25519 libp2p key of the sidecar whose key is `sidecarKey`. */
export function meshKey(sidecarKey: Hex) {
  return generateKeyPairFromSeed("Ed25519", hexToBytes(keccak256(toBytes(`mzku-sidecar-libp2p:${sidecarKey}`))));
}

/** The peer id (`12D3…`) the sidecar whose key is `sidecarKey` has on the mesh. */
export async function sidecarPeerId(sidecarKey: Hex): Promise<string> {
  return peerIdFromPrivateKey(await meshKey(sidecarKey)).toString();
}
