/**
 * uint64 as bigint. The @lodestar/types SSZ types carry uint64 fields as JS numbers (UintNum64), which
 * cannot hold values above 2^53 − 1. `bigintUint64Type(t)` rebuilds a type with the same fields, names
 * and limits but every 8-byte unsigned integer as a bigint, so any uint64 the Web3Signer API may carry
 * hashes exactly. Hash tree roots are identical to the originals' wherever both can represent a value.
 */
import {
  BitArrayType,
  BooleanType,
  ByteArrayType,
  ContainerType,
  ListBasicType,
  ListCompositeType,
  type Type,
  UintBigintType,
  UintNumberType,
  VectorBasicType,
  VectorCompositeType,
} from "@chainsafe/ssz";
import { CodedError } from "../errors.js";

export const UINT64_MAX = (1n << 64n) - 1n;

/** Thrown by `parseUint64` and by the JSON parsing of `Uint64Type`; callers turn it into a 400. */
export class Uint64ParseError extends CodedError<"UINT64_INVALID"> {
  override readonly name = "Uint64ParseError";
  constructor(message: string) {
    super("UINT64_INVALID", message);
  }
}

/**
 * A uint64 from JSON: a decimal string of at most 20 digits (the API's form) or a JSON number that is a
 * safe integer, in [0, 2^64 − 1]. Hex strings, signs, exponents and fractions are refused.
 */
export function parseUint64(v: unknown, where: string): bigint {
  let n: bigint;
  if (typeof v === "string" && /^[0-9]{1,20}$/.test(v)) n = BigInt(v);
  else if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) n = BigInt(v);
  else if (typeof v === "bigint" && v >= 0n) n = v;
  else throw new Uint64ParseError(`${where} must be an unsigned integer (decimal string)`);
  if (n > UINT64_MAX) throw new Uint64ParseError(`${where} exceeds 2^64-1`);
  return n;
}

/** An SSZ uint64 whose value is a bigint and whose JSON form is checked by `parseUint64`. */
export class Uint64Type extends UintBigintType {
  constructor() {
    super(8);
  }
  override fromJson(json: unknown): bigint {
    return parseUint64(json, "uint64");
  }
}

const UINT64 = new Uint64Type();
const cache = new WeakMap<object, Type<unknown>>();

/**
 * The same SSZ type with every uint64 carried as a bigint. Containers keep their field order, JSON
 * casing and type name; lists and vectors keep their limits. Types with no uint64 inside (bytes, bits,
 * booleans, smaller uints) are returned as they are.
 * @throws Error for a composite type this function does not know (so that none is silently kept with
 * number-typed uint64 fields inside).
 */
export function bigintUint64Type<T = unknown>(type: Type<unknown>): Type<T> {
  return convert(type) as Type<T>;
}

function convert(type: Type<unknown>): Type<unknown> {
  const hit = cache.get(type);
  if (hit !== undefined) return hit;
  let out: Type<unknown>;
  if (type instanceof UintNumberType || type instanceof UintBigintType) {
    out = type.byteLength === 8 ? UINT64 : type;
  } else if (type instanceof BooleanType || type instanceof ByteArrayType || type instanceof BitArrayType) {
    out = type;
  } else if (type instanceof ContainerType) {
    const fields: Record<string, Type<unknown>> = {};
    for (const [name, field] of Object.entries(type.fields as Record<string, Type<unknown>>)) {
      fields[name] = convert(field);
    }
    out = new ContainerType(fields, type.opts);
  } else if (type instanceof ListCompositeType) {
    out = new ListCompositeType(convert(type.elementType) as never, type.limit, { typeName: type.typeName });
  } else if (type instanceof VectorCompositeType) {
    out = new VectorCompositeType(convert(type.elementType) as never, type.length, { typeName: type.typeName });
  } else if (type instanceof ListBasicType) {
    out = new ListBasicType(convert(type.elementType) as never, type.limit, { typeName: type.typeName });
  } else if (type instanceof VectorBasicType) {
    out = new VectorBasicType(convert(type.elementType) as never, type.length, { typeName: type.typeName });
  } else {
    throw new Error(`bigintUint64Type: unsupported SSZ type ${type.typeName}`);
  }
  cache.set(type, out);
  return out;
}
