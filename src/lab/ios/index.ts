// IOS device emulator for tests and `tscm lab`: an SSH CLI that keeps object-group state like a Cisco router.

export { startIosEmulator } from './server.js';
export type { IosEmulatorOptions, IosFaults, RunningIosEmulator } from './types.js';
