// A source that was read and holds nothing (a zone with no records, or none that are addresses; a list file with
// no entries): bad input like any ConfigError, told apart so the integrity gates report it as `empty`, not `failed`.
import { ConfigError } from '../errors.js';

export class EmptyFeedError extends ConfigError {}
