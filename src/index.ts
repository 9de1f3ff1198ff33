/** The public API of xirsa as a library. */

export { configJsonSchema, loadConfig, parseConfig, parseConfigText } from "./config/load.js";
export type { Config, ConfigInput, SourceConfig, TargetConfig } from "./config/schema.js";
export * from "./errors.js";
export * from "./state/types.js";
