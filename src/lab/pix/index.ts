export { startPixEmulator } from './server.js';
export type { PixEmulatorOptions, PixFaults, PixVariant, RunningPixEmulator } from './types.js';
