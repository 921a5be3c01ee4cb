export * from "./accounts.js";
export * from "./anvil.js";
export * from "./deploy.js";
export * from "./foundry.js";
export * from "./governance.js";
export * from "./providers.js";
export * from "./systemContracts.js";
