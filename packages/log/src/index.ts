export { isLogLevel, LOG_LEVEL_ENV, LOG_LEVELS, type LogLevel, resolveLogLevel } from "./level.js";
export { createLogger, type LogFields, type Logger, type LoggerOptions, silentLogger } from "./logger.js";
