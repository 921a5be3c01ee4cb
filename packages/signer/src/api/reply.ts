/**
 * Reply shapes of the Web3Signer API. A signature is answered as JSON `{"signature":"0x…"}` only when
 * the client accepts application/json (explicitly, or through `application/*` or `*\/*`), and as the
 * bare hex in text/plain otherwise — including when no Accept header is sent, which some validator
 * clients do before hex-decoding the body. `/upcheck` answers text/plain `OK` (the spec's form) unless
 * the client names application/json itself.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export type ReplyFormat = "json" | "text";

interface Range {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string | undefined): Range[] {
  if (header === undefined) return [];
  const out: Range[] = [];
  for (const part of header.split(",")) {
    const [media = "", ...params] = part.trim().split(";");
    const [type, subtype] = media.trim().toLowerCase().split("/");
    if (type === undefined || type === "" || subtype === undefined || subtype === "") continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m?.[1] !== undefined) q = Math.min(1, Math.max(0, Number(m[1]) || 0));
    }
    out.push({ type, subtype, q });
  }
  return out;
}

/** The quality the client gives `type/subtype`: that of its most specific matching range; 0 if none. */
function quality(ranges: readonly Range[], type: string, subtype: string, explicitOnly: boolean): number {
  let best = -1;
  let q = 0;
  for (const r of ranges) {
    const specificity =
      r.type === type && r.subtype === subtype
        ? 2
        : explicitOnly
          ? -1
          : r.type === type && r.subtype === "*"
            ? 1
            : r.type === "*" && r.subtype === "*"
              ? 0
              : -1;
    if (specificity > best) {
      best = specificity;
      q = r.q;
    }
  }
  return best < 0 ? 0 : q;
}

/** The format of a signing reply: JSON only if the client accepts application/json at least as well as text/plain. */
export function signatureFormat(accept: string | undefined): ReplyFormat {
  const ranges = parseAccept(accept);
  const json = quality(ranges, "application", "json", false);
  const text = quality(ranges, "text", "plain", false);
  return json > 0 && json >= text ? "json" : "text";
}

/** The format of `/upcheck`: JSON `{"status":"OK"}` only if the client names application/json and prefers it. */
export function upcheckFormat(accept: string | undefined): ReplyFormat {
  const ranges = parseAccept(accept);
  const json = quality(ranges, "application", "json", true);
  const text = quality(ranges, "text", "plain", false);
  return json > 0 && json > text ? "json" : "text";
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Answers a signature in the format the client asked for (`extra` fields go into the JSON form only). */
export function sendSignature(
  req: IncomingMessage,
  res: ServerResponse,
  signature: string,
  extra: Record<string, string | number> | undefined,
): void {
  if (signatureFormat(req.headers.accept) === "json") sendJson(res, 200, { signature, ...extra });
  else sendText(res, 200, signature);
}

export function sendUpcheck(req: IncomingMessage, res: ServerResponse): void {
  if (upcheckFormat(req.headers.accept) === "json") sendJson(res, 200, { status: "OK" });
  else sendText(res, 200, "OK");
}
