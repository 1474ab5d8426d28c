// The state layer's public face: applied state per device, plan history and the device lock.

export { StateStore, inventoryFromState, PLAN_HISTORY_KEEP, type PlanHistoryEntry } from './state-store.js';
export {
  acquireDeviceLock,
  breakDeviceLock,
  readDeviceLock,
  lockStaleness,
  DEFAULT_LOCK_MAX_AGE_MS,
  type DeviceLock,
  type LockOptions,
} from './device-lock.js';
export { parseState, serializeState } from './state-file.js';
export { endpointKey, journalInventory, type JournalEntry } from './apply-journal.js';
export {
  STATE_FORMAT_VERSION,
  type DeviceState,
  type DeviceStateUpdate,
  type LastApplyRecord,
  type LockOwner,
} from './model.js';
