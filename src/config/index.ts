// Public face of config/: load and validate a definitions tree, format its diagnostics, resolve secrets.

export type { Diagnostic } from './diagnostic.js';
export { formatDiagnostic } from './diagnostic.js';
export type { Definitions, LoadedSettings } from './load.js';
export { LOG_DEFAULTS, logDirOf, parseListenAddress } from './log-settings.js';
export { loadDefinitions, stateDirFromEnv, type LoadOptions } from './load.js';
export { clearSecrets, describeSecretRef, redactSecrets, registerSecret, resolveSecret } from './secrets.js';
export type * from './types.js';
export { DEFAULT_GATES, NO_PROTECT, feedsFrom, sourcesOf } from './policy-feeds.js';
