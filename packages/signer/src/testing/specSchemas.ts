/**
 * Test-only: the Web3Signer eth2 OpenAPI document (vectors/apis/web3signer/eth2) as JSON-schema
 * validators (ajv). Every YAML file is added under its own path, so the documents' relative `$ref`s
 * resolve as they are written; a request body is checked against the schema its `type` selects (the
 * spec's discriminator mapping), a response against the schema of its path, method, status and
 * content type.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { SPEC_DIR } from "./specExamples.js";

const require = createRequire(import.meta.url);
const yaml = require("js-yaml") as { load(s: string): unknown };
type AjvLike = {
  addSchema(schema: object, key: string): void;
  addFormat(name: string, re: RegExp): void;
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown[] | null };
};
const Ajv = require("ajv") as { default: new (opts: object) => AjvLike };

const BASE = "http://web3signer.spec/";

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith(".yaml") ? [p] : [];
  });
}

const ajv = new Ajv.default({ strict: false, allErrors: true, validateSchema: false });
ajv.addFormat("uint64", /^[0-9]{1,20}$/);
ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T/);
const docs = new Map<string, Record<string, unknown>>();
for (const file of walk(SPEC_DIR)) {
  const rel = relative(SPEC_DIR, file);
  const doc = yaml.load(readFileSync(file, "utf8")) as Record<string, unknown>;
  docs.set(rel, doc);
  ajv.addSchema(doc, `${BASE}${rel}`);
}

const pointer = (parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
const compiled = new Map<string, ReturnType<AjvLike["compile"]>>();

function validatorAt(file: string, path: string[]): ReturnType<AjvLike["compile"]> {
  const ref = `${BASE}${file}#/${pointer(path)}`;
  let v = compiled.get(ref);
  if (v === undefined) {
    v = ajv.compile({ $ref: ref });
    compiled.set(ref, v);
  }
  return v;
}

/** Where each route of web3signer.yaml is described. */
const ROUTES: Record<string, string> = {
  "/api/v1/eth2/sign/{identifier}": "signing/paths/sign.yaml",
  "/api/v1/eth2/publicKeys": "signing/paths/public_keys.yaml",
  "/api/v1/eth2/highWatermark": "signing/paths/high_watermark.yaml",
  "/upcheck": "signing/paths/upcheck.yaml",
  "/healthcheck": "signing/paths/healthcheck.yaml",
  "/eth/v1/keystores": "keymanager/paths/keystores.yaml",
};

/** Errors of `data` against a schema, or [] when it conforms. */
function check(v: ReturnType<AjvLike["compile"]>, data: unknown): string[] {
  return v(data) ? [] : (v.errors ?? []).map((e) => JSON.stringify(e));
}

/** A sign request body against the schema its `type` selects (the spec's discriminator mapping). */
export function signRequestErrors(body: Record<string, unknown>): string[] {
  const sign = docs.get(ROUTES["/api/v1/eth2/sign/{identifier}"] as string) as {
    post: {
      requestBody: {
        content: { "application/json": { schema: { discriminator: { mapping: Record<string, string> } } } };
      };
    };
  };
  const target = sign.post.requestBody.content["application/json"].schema.discriminator.mapping[String(body.type)];
  if (target === undefined) return [`type ${String(body.type)} is not in the spec`];
  const [file, frag] = target.split("#");
  const v = ajv.compile({ $ref: `${BASE}signing/${(file ?? "").replace(/^\.\.\//, "")}#${frag}` });
  return check(v, body);
}

/** A key manager request body (POST or DELETE) against its schema. */
export function keyManagerRequestErrors(method: "post" | "delete", body: unknown): string[] {
  return check(
    validatorAt(ROUTES["/eth/v1/keystores"] as string, [
      method,
      "requestBody",
      "content",
      "application/json",
      "schema",
    ]),
    body,
  );
}

/**
 * A response against the spec: the status must be declared for the route, and a body with a declared
 * content type must conform to its schema. `contentType` is the response's header (parameters kept,
 * as the spec writes `text/plain; charset=utf-8` for /upcheck).
 */
export function responseErrors(
  route: keyof typeof ROUTES,
  method: "get" | "post" | "delete",
  status: number,
  contentType: string,
  body: unknown,
): string[] {
  const file = ROUTES[route] as string;
  const op = (docs.get(file) as Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>)[
    method
  ];
  let declared = op?.responses[String(status)] as { content?: Record<string, unknown>; $ref?: string } | undefined;
  if (declared === undefined) return [`status ${status} is not declared for ${method.toUpperCase()} ${route}`];
  let at: [string, string[]] = [file, [method, "responses", String(status)]];
  if (declared.$ref !== undefined) {
    // a shared response object, e.g. ../schemas.yaml#/components/responses/BadRequest
    const [refFile = "", frag = ""] = declared.$ref.split("#");
    const target = join(file, "..", refFile).replace(/\\/g, "/");
    const parts = frag.split("/").filter((x) => x !== "");
    declared = parts.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], docs.get(target)) as typeof declared;
    at = [target, parts];
  }
  if (declared?.content === undefined) return [];
  const types = Object.keys(declared.content);
  const media = types.find((t) => t === contentType) ?? types.find((t) => t === contentType.split(";")[0]?.trim());
  if (media === undefined) return [`content type ${contentType} is not declared (${types.join(", ")})`];
  return check(validatorAt(at[0], [...at[1], "content", media, "schema"]), body);
}
