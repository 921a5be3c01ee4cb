/**
 * Request validation and SQL for the declared resources. Every value reaches SQL as a parameter;
 * column names come only from the declarations. Pages are bounded (`limit` ≤ the maximum, `offset` ≤
 * MAX_OFFSET); anything not declared is refused with a 400 naming it.
 */
import { IndexerError } from "../errors.js";
import type { Db, Row, SqlValue } from "../store/db.js";
import type { Field, FieldType, ListResource } from "./resources.js";

export const MAX_OFFSET = 100_000;

export interface Page {
  limit: number;
  offset: number;
  nextOffset: number | null;
}

export function badRequest(message: string, details: Record<string, unknown>): IndexerError {
  return new IndexerError("API_BAD_REQUEST", message, { details });
}

/** Parses one query or path value of a declared type. */
export function parseValue(type: FieldType, raw: string, param: string): SqlValue {
  const fail = (expected: string) =>
    badRequest(`${param} must be ${expected}`, { param, value: raw.slice(0, 100), expected });
  switch (type) {
    case "int": {
      if (!/^\d{1,15}$/.test(raw)) throw fail("a non-negative integer");
      return Number(raw);
    }
    case "amount": {
      if (!/^\d{1,78}$/.test(raw)) throw fail("a decimal integer (wei)");
      return BigInt(raw).toString();
    }
    case "address": {
      if (!/^0x[0-9a-fA-F]{40}$/.test(raw)) throw fail("a 0x-prefixed 20-byte hex address");
      return raw.toLowerCase();
    }
    case "hash": {
      if (!/^0x[0-9a-fA-F]{64}$/.test(raw)) throw fail("a 0x-prefixed 32-byte hex value");
      return raw.toLowerCase();
    }
    case "bool": {
      if (raw !== "true" && raw !== "false") throw fail("true or false");
      return raw === "true" ? 1 : 0;
    }
    case "string":
    case "json": {
      if (raw.length === 0 || raw.length > 200) throw fail("a string of 1 to 200 characters");
      return raw;
    }
  }
}

function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw badRequest(`${name} must be an integer from ${min} to ${max}`, {
      param: name,
      value: raw.slice(0, 100),
      min,
      max,
    });
  }
  return Number(raw);
}

/** A row as JSON: integers as numbers, amounts as decimal strings, flags as booleans. */
export function toJson(fields: readonly Field[], row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = row[f.column];
    if (v === null || v === undefined) {
      out[f.name] = null;
      continue;
    }
    switch (f.type) {
      case "int":
        out[f.name] = typeof v === "number" ? v : Number(v);
        break;
      case "bool":
        out[f.name] = Number(v) !== 0;
        break;
      case "json":
        out[f.name] = JSON.parse(String(v)) as unknown;
        break;
      default:
        out[f.name] = String(v);
    }
  }
  return out;
}

function orderBy(resource: ListResource, sortColumn: string, order: "asc" | "desc"): string {
  const field = resource.fields.find((f) => f.column === sortColumn);
  const dir = order === "asc" ? "ASC" : "DESC";
  const parts: string[] = [];
  if (field?.nullable) parts.push(`(${sortColumn} IS NULL) ASC`);
  // Amounts are canonical decimal text: shorter is smaller, equal lengths compare as text.
  if (field?.type === "amount") parts.push(`LENGTH(${sortColumn}) ${dir}`);
  parts.push(`${sortColumn} ${dir}`);
  for (const t of resource.tiebreak) if (t !== sortColumn) parts.push(`${t} ${dir}`);
  return parts.join(", ");
}

export interface ListRequest {
  where: string[];
  params: SqlValue[];
  order: string;
  limit: number;
  offset: number;
}

/** Validates a list request (path values already bound) and builds its SQL parts. */
export function parseList(
  resource: ListResource,
  query: URLSearchParams,
  pathValues: Record<string, string>,
  maxLimit: number,
  defaultLimit: number,
): ListRequest {
  const allowed = new Set(["limit", "offset", "sort", "order", ...resource.filters.map((f) => f.param)]);
  for (const name of query.keys()) {
    if (!allowed.has(name)) {
      throw badRequest(`unknown query parameter ${name}`, { param: name, allowed: [...allowed].sort() });
    }
    if (query.getAll(name).length > 1)
      throw badRequest(`query parameter ${name} given more than once`, { param: name });
  }
  const where: string[] = [];
  const params: SqlValue[] = [];
  for (const p of resource.pathParams) {
    const raw = pathValues[p.param];
    if (raw === undefined) throw badRequest(`missing path parameter ${p.param}`, { param: p.param });
    where.push(`${p.column} = ?`);
    params.push(parseValue(p.type, raw, p.param));
  }
  for (const f of resource.filters) {
    const raw = query.get(f.param);
    if (raw === null) continue;
    where.push(`${f.column} ${f.op} ?`);
    params.push(parseValue(f.type, raw, f.param));
  }
  const sort = query.get("sort") ?? resource.defaultSort;
  const sortColumn = resource.sorts[sort];
  if (!sortColumn) {
    throw badRequest(`cannot sort by ${sort.slice(0, 100)}`, {
      param: "sort",
      value: sort.slice(0, 100),
      allowed: Object.keys(resource.sorts),
    });
  }
  const order = query.get("order") ?? resource.defaultOrder;
  if (order !== "asc" && order !== "desc") {
    throw badRequest("order must be asc or desc", {
      param: "order",
      value: order.slice(0, 100),
      allowed: ["asc", "desc"],
    });
  }
  return {
    where,
    params,
    order: orderBy(resource, sortColumn, order),
    limit: intParam(query, "limit", defaultLimit, 1, maxLimit),
    offset: intParam(query, "offset", 0, 0, MAX_OFFSET),
  };
}

/** The statement and parameters of a list request's page (one row more than the page). */
export function listStatement(resource: ListResource, request: ListRequest): { sql: string; params: SqlValue[] } {
  const columns = resource.fields.map((f) => f.column).join(", ");
  const where = request.where.length > 0 ? ` WHERE ${request.where.join(" AND ")}` : "";
  return {
    sql: `SELECT ${columns} FROM ${resource.table}${where} ORDER BY ${request.order} LIMIT ? OFFSET ?`,
    params: [...request.params, request.limit + 1, request.offset],
  };
}

/** Runs a list request: one page (one row more is read to tell whether another page follows). */
export async function runList(
  db: Db,
  resource: ListResource,
  request: ListRequest,
): Promise<{ items: Record<string, unknown>[]; page: Page }> {
  const { sql, params } = listStatement(resource, request);
  const rows = await db.query(sql, params);
  const more = rows.length > request.limit;
  const items = rows.slice(0, request.limit).map((r) => toJson(resource.fields, r));
  return {
    items,
    page: { limit: request.limit, offset: request.offset, nextOffset: more ? request.offset + request.limit : null },
  };
}
