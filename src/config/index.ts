/** config/: what other folders use (imports across folders go through each folder's index.ts; src/folders.test.ts). */

export {
  configJsonSchema,
  duplicateKey,
  formatPath,
  loadConfig,
  parseConfig,
  parseConfigText,
} from "./load.js";
export {
  type Config,
  type ConfigInput,
  configSchema,
  EXTRA_RESOURCE_VERBS,
  type RemovedConfig,
  type SourceConfig,
  sourceSchema,
  type TargetConfig,
  targetSchema,
} from "./schema.js";
