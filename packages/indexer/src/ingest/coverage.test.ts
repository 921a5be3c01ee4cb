// Every event of every contract ABI the sdk knows is projected, kept as a parameter, or deliberately
// raw — exactly one of them — so a new event in a contract fails here until someone decides.
import { contractAbis } from "@mzku/sdk";
import { describe, expect, it } from "vitest";
import { eventTreatment, paramEvents, rawEvents } from "./coverage.js";
import { projectedEvents } from "./projections.js";

const everyEvent = Object.entries(contractAbis).flatMap(([contract, abi]) =>
  (abi as readonly { type: string; name?: string }[])
    .filter((item) => item.type === "event")
    .map((item) => `${contract}.${item.name}`),
);

describe("event coverage", () => {
  const projected = new Set(projectedEvents);

  it("every event of every ABI is projected, a parameter or deliberately raw", () => {
    expect(everyEvent.length).toBeGreaterThan(100);
    const unhandled = everyEvent.filter((e) => eventTreatment(e, projected) === undefined);
    expect(unhandled, "events with no decision: project them or list them in ingest/coverage.ts").toEqual([]);
  });

  it("no event is in two lists, and no list names an event that does not exist", () => {
    const all = new Set(everyEvent);
    const lists = [[...projected], [...paramEvents], Object.keys(rawEvents)];
    for (const list of lists)
      expect(
        list.filter((e) => !all.has(e)),
        "stale entries",
      ).toEqual([]);
    const seen = lists.flat();
    expect(seen.length, "an event in two lists").toBe(new Set(seen).size);
  });
});
