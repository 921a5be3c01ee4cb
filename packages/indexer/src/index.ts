export * from "./api/server.js";
export * from "./errors.js";
export * from "./ingest/follower.js";
export * from "./ingest/metrics.js";
export * from "./service.js";
export * from "./store/db.js";
export * from "./store/migrations.js";
