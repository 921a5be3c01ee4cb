import { describe, expect, it } from "vitest";
import { signatureFormat, upcheckFormat } from "./reply.js";

describe("reply format (Web3Signer's content negotiation)", () => {
  it("answers a signature as JSON only for clients that accept application/json", () => {
    const cases: Array<[string | undefined, "json" | "text"]> = [
      [undefined, "text"],
      ["", "text"],
      ["text/plain", "text"],
      ["application/json", "json"],
      ["*/*", "json"],
      ["application/*", "json"],
      ["application/json, text/plain", "json"],
      ["text/plain, application/json;q=0.5", "text"],
      ["application/json;q=0, */*", "text"],
      ["text/html", "text"],
      ["application/octet-stream", "text"],
      ["APPLICATION/JSON; charset=utf-8", "json"],
    ];
    for (const [accept, want] of cases) expect(signatureFormat(accept), String(accept)).toBe(want);
  });
  it("answers /upcheck as text unless application/json is named", () => {
    expect(upcheckFormat(undefined)).toBe("text");
    expect(upcheckFormat("*/*")).toBe("text");
    expect(upcheckFormat("text/plain")).toBe("text");
    expect(upcheckFormat("application/json")).toBe("json");
    expect(upcheckFormat("application/json, */*;q=0.8")).toBe("json");
  });
});
