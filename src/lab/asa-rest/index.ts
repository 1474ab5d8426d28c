// ASA REST emulator for tests and `tscm lab --platform asa-rest`: the ASA's REST agent over HTTPS on the same
// emulated ASA as the SSH CLI (../asa), which it can serve at the same time (see README.md).

export { startAsaRestEmulator } from './server.js';
export { describeAsaRestFaults, parseAsaRestFaults, readAsaRestFaultsFile } from './faults.js';
export type { AsaRestEmulatorOptions, AsaRestFaults, RequestCounts, RunningAsaRestEmulator } from './types.js';
