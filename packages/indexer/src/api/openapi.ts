/** The OpenAPI 3.1 document, generated from the resource declarations (served at `/openapi.json`). */
import type { Field, FieldType, ItemResource, ListResource } from "./resources.js";
import { items, lists, statsDaily } from "./resources.js";
import { EXPECTED_RETURN_SORTS, SIDECAR_REWARD_SORTS } from "./views.js";

type Schema = Record<string, unknown>;

function typeSchema(type: FieldType): Schema {
  switch (type) {
    case "int":
      return { type: "integer", minimum: 0 };
    case "amount":
      return { type: "string", pattern: "^(0|[1-9][0-9]*)$", description: "decimal integer (wei)" };
    case "address":
      return { type: "string", pattern: "^0x[0-9a-f]{40}$" };
    case "hash":
      return { type: "string", pattern: "^0x[0-9a-f]{64}$" };
    case "bool":
      return { type: "boolean" };
    case "string":
      return { type: "string" };
    case "json":
      return {};
  }
}

function fieldSchema(f: Field): Schema {
  const base = typeSchema(f.type);
  if (!f.nullable) return base;
  if (f.type === "json") return base;
  return { ...base, type: [base.type as string, "null"] };
}

function objectSchema(fields: readonly Field[], extra: Record<string, Schema> = {}): Schema {
  const properties: Record<string, Schema> = {};
  for (const f of fields) properties[f.name] = fieldSchema(f);
  Object.assign(properties, extra);
  return { type: "object", properties, required: Object.keys(properties), additionalProperties: false };
}

function paramSchema(type: FieldType): Schema {
  switch (type) {
    case "int":
      return { type: "integer", minimum: 0 };
    case "amount":
      return { type: "string", pattern: "^[0-9]{1,78}$" };
    case "address":
      return { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" };
    case "hash":
      return { type: "string", pattern: "^0x[0-9a-fA-F]{64}$" };
    case "bool":
      return { type: "boolean" };
    default:
      return { type: "string", minLength: 1, maxLength: 200 };
  }
}

const errorResponses = {
  "400": {
    description: "Bad request: the body names the parameter",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  },
  "404": {
    description: "Not found",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  },
  "503": {
    description: "Query timeout",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  },
};

function listOperation(resource: ListResource, maxLimit: number, defaultLimit: number): Schema {
  const parameters: Schema[] = [
    ...resource.pathParams.map((p) => ({ name: p.param, in: "path", required: true, schema: paramSchema(p.type) })),
    ...resource.filters.map((f) => ({
      name: f.param,
      in: "query",
      required: false,
      description: f.description,
      schema: paramSchema(f.type),
    })),
    {
      name: "limit",
      in: "query",
      required: false,
      schema: { type: "integer", minimum: 1, maximum: maxLimit, default: defaultLimit },
    },
    {
      name: "offset",
      in: "query",
      required: false,
      schema: { type: "integer", minimum: 0, maximum: 100_000, default: 0 },
    },
    {
      name: "sort",
      in: "query",
      required: false,
      schema: { type: "string", enum: Object.keys(resource.sorts), default: resource.defaultSort },
    },
    {
      name: "order",
      in: "query",
      required: false,
      schema: { type: "string", enum: ["asc", "desc"], default: resource.defaultOrder },
    },
  ];
  return {
    get: {
      summary: resource.summary,
      operationId: `list${resource.schema}`,
      parameters,
      responses: {
        "200": {
          description: "One page",
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: {
                  items: { type: "array", items: { $ref: `#/components/schemas/${resource.schema}` } },
                  page: { $ref: "#/components/schemas/Page" },
                },
                required: ["items", "page"],
                additionalProperties: false,
              },
            },
          },
        },
        ...errorResponses,
      },
    },
  };
}

function itemOperation(item: ItemResource): Schema {
  return {
    get: {
      summary: item.summary,
      operationId: `get${item.list.schema}`,
      parameters: item.key.map((k) => ({ name: k.param, in: "path", required: true, schema: paramSchema(k.type) })),
      responses: {
        "200": {
          description: "The item",
          content: { "application/json": { schema: { $ref: `#/components/schemas/${item.list.schema}Detail` } } },
        },
        ...errorResponses,
      },
    },
  };
}

function json(schema: Schema, description: string): Schema {
  return { description, content: { "application/json": { schema } } };
}

/** The document. */
export function openApiDocument(options: { maxLimit: number; defaultLimit: number }): Schema {
  const paths: Record<string, Schema> = {};
  const schemas: Record<string, Schema> = {
    Error: {
      type: "object",
      properties: {
        error: {
          type: "object",
          properties: { code: { type: "string" }, message: { type: "string" }, details: { type: "object" } },
          required: ["code", "message", "details"],
          additionalProperties: false,
        },
      },
      required: ["error"],
      additionalProperties: false,
    },
    Page: {
      type: "object",
      properties: {
        limit: { type: "integer" },
        offset: { type: "integer" },
        nextOffset: { type: ["integer", "null"], description: "offset of the next page; null on the last" },
      },
      required: ["limit", "offset", "nextOffset"],
      additionalProperties: false,
    },
    Health: {
      type: "object",
      properties: {
        status: { type: "string", enum: ["ok", "starting"] },
        schemaVersion: { type: "integer" },
        chainId: { type: ["integer", "null"] },
        indexedBlock: { type: ["integer", "null"] },
        headBlock: { type: ["integer", "null"] },
        lagBlocks: { type: ["integer", "null"] },
        updatedAt: { type: ["string", "null"] },
      },
      required: ["status", "schemaVersion", "chainId", "indexedBlock", "headBlock", "lagBlocks", "updatedAt"],
      additionalProperties: false,
    },
  };
  for (const list of lists) {
    schemas[list.schema] = objectSchema(list.fields);
    paths[list.path.replace(/\{(\w+)\}/g, "{$1}")] = listOperation(list, options.maxLimit, options.defaultLimit);
  }
  for (const item of items) {
    const extra: Record<string, Schema> = {};
    for (const e of item.embed)
      extra[e.name] = { type: "array", items: { $ref: `#/components/schemas/${e.list.schema}` } };
    schemas[`${item.list.schema}Detail`] = objectSchema(item.list.fields, extra);
    paths[item.path] = itemOperation(item);
  }
  const amount = typeSchema("amount");
  const nullableAmount = { ...amount, type: ["string", "null"] };
  const int = typeSchema("int");
  const object = (properties: Record<string, Schema>): Schema => ({
    type: "object",
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  });
  const query = (name: string, schema: Schema, description?: string, required = false): Schema => ({
    name,
    in: "query",
    required,
    ...(description ? { description } : {}),
    schema,
  });
  const pageParams = (sorts: readonly string[], defaultSort: string): Schema[] => [
    query("sort", { type: "string", enum: [...sorts], default: defaultSort }),
    query("order", { type: "string", enum: ["asc", "desc"], default: "desc" }),
    query("limit", { type: "integer", minimum: 1, maximum: options.maxLimit, default: options.defaultLimit }),
    query("offset", { type: "integer", minimum: 0, maximum: 100_000, default: 0 }),
  ];
  const page = (itemSchema: string, extra: Record<string, Schema>): Schema =>
    object({
      ...extra,
      items: { type: "array", items: { $ref: `#/components/schemas/${itemSchema}` } },
      page: { $ref: "#/components/schemas/Page" },
    });
  const split = object({ provider: amount, rewardPool: amount, insurancePool: amount, requester: amount });
  schemas.ProviderExpectedReturn = object({
    providerId: int,
    owner: typeSchema("address"),
    brandName: { type: "string" },
    score: int,
    eligible: { type: "boolean", description: "not disqualified and score at or above the market's threshold" },
    hasCapacity: { type: "boolean", description: "free capacity for the ask" },
    priceCap: amount,
    wins: int,
    recentWinBps: { type: ["integer", "null"], description: "mean price/FP (bps) of its latest wins (up to 5)" },
    expectedPrice: { ...amount, description: "its price cap, at most the largest bid the split can pay" },
    expectedReturn: {
      ...amount,
      description: "the requester's part of the split of X + FP at that price (PricingPolicy.listProviders)",
    },
    split,
    expectedPriceAtRecentPrice: nullableAmount,
    expectedReturnAtRecentPrice: { ...nullableAmount, description: "the same at FP × recentWinBps (null: no wins)" },
  });
  schemas.SidecarExpectedRewards = object({
    sidecar: typeSchema("address"),
    nodeId: { type: ["integer", "null"] },
    providerId: { type: ["integer", "null"] },
    totalStake: amount,
    stakers: int,
    activeProjects: { ...int, description: "running projects: rewards accrued meanwhile vest at their end" },
    expectedMzkuPerYear: { ...amount, description: "its stake's share of the current sidecar stream, a year" },
    expectedEthPerYear: amount,
    mzkuRewardRateBps: { ...amount, description: "MZKU a year per MZKU staked, basis points" },
    rewardMzkuClaimed: amount,
    rewardEthClaimed: amount,
    forfeitsMzku: { ...amount, description: "rewards forfeited by leaving stakers, re-credited to the others" },
    forfeitsEth: amount,
  });
  paths["/providers/expected-return"] = {
    get: {
      summary:
        "Qualified providers ranked by the requester's expected return for a resource ask (FP and X from the indexed pricing, the 3.4.7 split)",
      operationId: "listProvidersByExpectedReturn",
      parameters: [
        query("duration", { type: "integer", minimum: 1, maximum: 5 * 365 * 86_400 }, "seconds", true),
        ...["cpuCores", "ramGb", "storageGb", "bandwidthMbps"].map((n) =>
          query(n, { type: "integer", minimum: 0, maximum: 2 ** 32 - 1, default: 0 }),
        ),
        query("projectType", { type: "integer", minimum: 0, maximum: 255, default: 0 }),
        query("eligible", { type: "boolean" }, "only eligible (true) or ineligible (false) providers"),
        query("hasCapacity", { type: "boolean" }, "only providers with (true) or without (false) room for the ask"),
        ...pageParams(EXPECTED_RETURN_SORTS, "expectedReturn"),
      ],
      responses: {
        "200": json(
          page("ProviderExpectedReturn", {
            ask: object({
              cpuCores: int,
              ramGb: int,
              storageGb: int,
              bandwidthMbps: int,
              duration: int,
              projectType: int,
            }),
            quote: object({ fixedPrice: amount, expectedProfit: amount, feeRateBps: int, scoreThreshold: int }),
          }),
          "One page",
        ),
        ...errorResponses,
      },
    },
  };
  paths["/sidecars/expected-rewards"] = {
    get: {
      summary:
        "Sidecars ranked by expected Reward Pool rewards: their stake's share of the current period's sidecar stream (20%), a year",
      operationId: "listSidecarsByExpectedRewards",
      parameters: pageParams(SIDECAR_REWARD_SORTS, "expectedMzkuPerYear"),
      responses: {
        "200": json(
          page("SidecarExpectedRewards", {
            stream: object({
              periodIndex: { type: ["integer", "null"] },
              sidecarClassMzkuPerYear: amount,
              sidecarClassEthPerYear: amount,
              sidecarClassStake: amount,
            }),
          }),
          "One page",
        ),
        ...errorResponses,
      },
    },
  };
  paths["/stats"] = {
    get: {
      summary: "Platform statistics: running totals",
      operationId: "getStats",
      responses: { "200": json({ $ref: `#/components/schemas/${statsDaily.schema}` }, "Totals") },
    },
  };
  paths["/health"] = {
    get: {
      summary: "Liveness and how far the index is",
      operationId: "getHealth",
      responses: { "200": json({ $ref: "#/components/schemas/Health" }, "Health") },
    },
  };
  paths["/metrics"] = {
    get: {
      summary: "Prometheus metrics",
      operationId: "getMetrics",
      responses: {
        "200": { description: "Prometheus text format", content: { "text/plain": { schema: { type: "string" } } } },
      },
    },
  };
  paths["/openapi.json"] = {
    get: {
      summary: "This document",
      operationId: "getOpenApi",
      responses: { "200": json({ type: "object" }, "OpenAPI 3.1") },
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "MZKU indexer API",
      version: "0.1.0",
      description:
        "Read API over the MZKU protocol's events. Amounts are decimal strings of wei; lists take limit/offset/sort/order and the filters listed; errors are JSON with a stable code.",
    },
    servers: [{ url: "/" }],
    paths,
    components: { schemas },
  };
}
