import { encodeAbiParameters, encodeEventTopics, type Hex, type Log } from "viem";
import { describe, expect, it } from "vitest";
import { governanceAbi, providerRegistryAbi } from "./abis.js";
import { decodeEvents, eventsNamed, findEvent } from "./events.js";

const GOVERNANCE = "0x1111111111111111111111111111111111111111";
const REGISTRY = "0x2222222222222222222222222222222222222222";
const STRANGER = "0x3333333333333333333333333333333333333333";
const OBSERVER = "0x0000000000000000000000000000000000000042";

function log(address: Hex, topics: Hex[], data: Hex, logIndex: number): Log {
  return {
    address,
    topics: topics as [Hex, ...Hex[]],
    data,
    blockHash: `0x${"00".repeat(32)}`,
    blockNumber: 1n,
    logIndex,
    transactionHash: `0x${"00".repeat(32)}`,
    transactionIndex: 0,
    removed: false,
  };
}

// `StakeObserverSet(address indexed observer)` in Governance; `StakeObserverSet(address observer)` in the registry.
const governanceTopics = encodeEventTopics({
  abi: governanceAbi,
  eventName: "StakeObserverSet",
  args: { observer: OBSERVER },
}) as Hex[];
const registryTopics = encodeEventTopics({ abi: providerRegistryAbi, eventName: "StakeObserverSet" }) as Hex[];
const registryData = encodeAbiParameters([{ type: "address" }], [OBSERVER]);
const logs = [
  log(GOVERNANCE, governanceTopics, "0x", 0),
  log(REGISTRY, registryTopics, registryData, 1),
  log(STRANGER, governanceTopics, "0x", 2),
];

describe("decodeEvents", () => {
  it("decodes each log with the ABI of the contract at its address, whatever the name collisions", () => {
    const events = decodeEvents(logs, { Governance: GOVERNANCE, ProviderRegistry: REGISTRY });
    expect(events.map((e) => [e.contract, e.eventName, e.logIndex])).toEqual([
      ["Governance", "StakeObserverSet", 0],
      ["ProviderRegistry", "StakeObserverSet", 1],
    ]);
    expect(findEvent(events, "Governance", "StakeObserverSet")?.args.observer).toBe(OBSERVER);
    expect(findEvent(events, "ProviderRegistry", "StakeObserverSet")?.args.observer).toBe(OBSERVER);
    expect(eventsNamed(events, "ProviderRegistry", "StakeObserverSet")).toHaveLength(1);
    expect(findEvent(events, "SidecarStaking", "StakeObserverSet")).toBeUndefined();
  });

  it("accepts several addresses for one contract (micro-pool clones) and skips unknown addresses", () => {
    const events = decodeEvents(logs, { Governance: [STRANGER, GOVERNANCE] });
    expect(events.map((e) => [e.contract, e.address])).toEqual([
      ["Governance", GOVERNANCE],
      ["Governance", STRANGER],
    ]);
    expect(decodeEvents(logs, {})).toEqual([]);
  });
});
