// Global test setup: builds dist/ (the end-to-end tests run the real CLI as a child process, so it must be the
// code under test, never a stale build), and starts shared servers the suites need. The policy DNS server (a
// real NSD, test/dns/) runs once for the whole suite; tests read its address with inject('nsd').
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startSharedNsd } from './dns/shared-nsd.js';
import type { SharedNsd } from './dns/shared-nsd.js';

declare module 'vitest' {
  export interface ProvidedContext {
    nsd: SharedNsd;
  }
}

/** The same build as `npm run build`: TypeScript, the pre-compiled schema validators, then the bundled CLI. */
function buildCli(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build-validators.mjs')], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build-cli.mjs')], { cwd: root, stdio: 'inherit' });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  buildCli();
  const nsd = await startSharedNsd();
  project.provide('nsd', { host: nsd.host, port: nsd.port });
  return async () => {
    await nsd.stop();
  };
}
