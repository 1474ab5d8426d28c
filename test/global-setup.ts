// Global test setup: starts shared servers the suites need. The policy DNS server (a real NSD, test/dns/) runs once
// for the whole suite; tests read its address with inject('nsd').
import type { TestProject } from 'vitest/node';
import { startSharedNsd } from './dns/shared-nsd.js';
import type { SharedNsd } from './dns/shared-nsd.js';

declare module 'vitest' {
  export interface ProvidedContext {
    nsd: SharedNsd;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const nsd = await startSharedNsd();
  project.provide('nsd', { host: nsd.host, port: nsd.port });
  return async () => {
    await nsd.stop();
  };
}
