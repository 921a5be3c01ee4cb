/**
 * Strict JSON checks for signing requests. The SSZ types' own `fromJson` is lenient (a non-hex byte
 * string decodes to zeros, "12abc" to 12, a negative number is kept), so every value is checked
 * against the SSZ type's shape before it is decoded: byte strings are 0x-prefixed hex with an even
 * number of digits (the length is checked by `fromJson`), integers are decimal strings or
 * non-negative integers within their width, lists are arrays within their limit. Nesting is bounded
 * before anything walks the request recursively.
 */
import { SignerError } from "../errors.js";

/** Deepest nesting a request may have (a full phase0 block is about 8 levels deep). */
export const MAX_JSON_DEPTH = 32;

function bad(message: string): SignerError {
  return new SignerError("SIGNER_BAD_REQUEST", message);
}

/** Refuses JSON nested deeper than `max` (iterative: no stack is used however deep the input is). */
export function assertJsonDepth(value: unknown, max = MAX_JSON_DEPTH): void {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== "object" || v === null) continue;
    if (depth >= max) throw bad(`request nested deeper than ${max} levels`);
    for (const x of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof x === "object" && x !== null) stack.push([x, depth + 1]);
    }
  }
}

const HEX = /^0x(?:[0-9a-fA-F]{2})*$/;
const DECIMAL = /^[0-9]{1,20}$/;

/** The parts of an @chainsafe/ssz type this check reads (duck-typed: several copies of the library may load). */
export interface SszShape {
  typeName?: string;
  fieldsEntries?: ReadonlyArray<{ jsonKey: string; fieldType: SszShape }>;
  elementType?: SszShape;
  limit?: number;
  length?: number;
  lengthBytes?: number;
  limitBytes?: number;
  lengthBits?: number;
  limitBits?: number;
  byteLength?: number;
  isBasic?: boolean;
}

function checkUint(v: unknown, bytes: number, where: string): void {
  const max = (1n << BigInt(8 * bytes)) - 1n;
  if (typeof v === "string") {
    if (!DECIMAL.test(v) || BigInt(v) > max) throw bad(`${where} must be an unsigned ${8 * bytes}-bit decimal string`);
  } else if (typeof v === "number") {
    if (!Number.isSafeInteger(v) || v < 0 || BigInt(v) > max) throw bad(`${where} must be an unsigned integer`);
  } else {
    throw bad(`${where} must be an unsigned integer (decimal string)`);
  }
}

/**
 * Checks `json` against the shape of SSZ `type`.
 * @throws SignerError SIGNER_BAD_REQUEST naming the first offending field.
 */
export function assertSszJson(type: SszShape, json: unknown, where: string): void {
  if (type.fieldsEntries !== undefined) {
    if (typeof json !== "object" || json === null || Array.isArray(json)) throw bad(`${where} must be an object`);
    const o = json as Record<string, unknown>;
    for (const f of type.fieldsEntries) {
      if (!(f.jsonKey in o)) throw bad(`${where}.${f.jsonKey} is required`);
      assertSszJson(f.fieldType, o[f.jsonKey], `${where}.${f.jsonKey}`);
    }
    return;
  }
  if (
    type.lengthBytes !== undefined ||
    type.limitBytes !== undefined ||
    type.lengthBits !== undefined ||
    type.limitBits !== undefined
  ) {
    if (typeof json !== "string" || !HEX.test(json)) throw bad(`${where} must be 0x-prefixed hex`);
    return;
  }
  if (type.elementType !== undefined) {
    if (!Array.isArray(json)) throw bad(`${where} must be an array`);
    const max = type.limit ?? type.length ?? 0;
    if (json.length > max) throw bad(`${where} has ${json.length} items, at most ${max} allowed`);
    const el = type.elementType;
    json.forEach((x, i) => {
      assertSszJson(el, x, `${where}[${i}]`);
    });
    return;
  }
  if (type.typeName === "boolean") {
    if (typeof json !== "boolean") throw bad(`${where} must be a boolean`);
    return;
  }
  if (type.isBasic === true && type.byteLength !== undefined) {
    checkUint(json, type.byteLength, where);
    return;
  }
  throw new SignerError("SIGNER_INTERNAL", `no strict JSON check for SSZ type ${type.typeName ?? "unknown"}`);
}
