export * from "./allowance.js";
export * from "./governor.js";
export * from "./investor.js";
export * from "./provider.js";
export * from "./requester.js";
