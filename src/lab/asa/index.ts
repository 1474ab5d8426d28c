// ASA emulator for tests and `tscm lab --platform asa`: an SSH CLI that keeps object-group state like a Cisco ASA.

export { startAsaEmulator, startAsaPair } from './server.js';
export type { AsaEmulatorOptions, AsaFaults, AsaPairOptions, RunningAsaEmulator, RunningAsaPair } from './types.js';
