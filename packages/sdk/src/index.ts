export * from "./abis.js";
export * from "./actions/index.js";
export type { ReadParameters, WriteParameters } from "./call.js";
export * from "./deployment.js";
export * from "./errors.js";
export * from "./events.js";
