// The state layer's public face: the state backends (applied state per device, plan history, journal, status and
// the device lock).

export type { DeviceSnapshot, StateBackend, StateLog } from './backend.js';
export { openStateBackend } from './open-backend.js';
export { gitEnv, resolveGitAuth, type GitAuth } from './git-auth.js';
export { StateStore, inventoryFromState, PLAN_HISTORY_KEEP } from './state-store.js';
export { lockStaleness, DEFAULT_LOCK_MAX_AGE_MS, type DeviceLock, type LockOptions } from './device-lock.js';
export { parseState, serializeState } from './state-file.js';
export { endpointKey, journalInventory, type JournalEntry } from './apply-journal.js';
export {
  OVERRIDES_KEEP,
  STATE_FORMAT_VERSION,
  type AppliedSource,
  type DeviceState,
  type DeviceStateUpdate,
  type GateOverride,
  type LastApplyRecord,
  type LockOwner,
  type PlanHistoryEntry,
} from './model.js';
