// watchDefinitions on a real folder: the files an edit changed, mapped to the devices they touch (before and
// after the edit), with tscm's state folder and .git left out.

import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { silentLogger } from '../cli/logger.js';
import { watchDefinitions, type DefinitionsWatcher, type WatchChange } from './watch.js';

let dir: string;
let watcher: DefinitionsWatcher | undefined;
const changes: WatchChange[] = [];
let waiters: (() => void)[] = [];

const device = (name: string, extra = '') => `name: ${name}
platform: ios
deviceId: tdid_${name.replace(/-/g, '')}
management: { host: 127.0.73.3, port: 2222 }
hostKey: { fingerprint: "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8" }
credentials: { username: { env: U }, password: { env: P } }
policy: { blockList: block.watch.tscm.test }
${extra}`;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tscm-watch-'));
  await writeFile(path.join(dir, 'tscm.yaml'), 'stateDir: state\npolicyServer: { host: 127.0.73.1, port: 5353 }\n');
  await mkdir(path.join(dir, '.git'));
  await writeFile(path.join(dir, 'a.yaml'), device('edge-a'));
  await writeFile(path.join(dir, 'b.yaml'), device('edge-b'));
  changes.length = 0;
  watcher = await watchDefinitions({
    dir,
    debounceMs: 40,
    log: silentLogger,
    onChange: (c) => {
      changes.push(c);
      waiters.shift()?.();
    },
  });
  await watcher.ready;
});
afterEach(async () => {
  await watcher?.close();
  waiters = [];
  await rm(dir, { recursive: true, force: true });
});

const nextChange = () => new Promise<void>((resolve) => waiters.push(resolve));

it('maps an edit to its device and leaves the state folder and .git out of the changed files', async () => {
  const seen = nextChange();
  await mkdir(path.join(dir, 'state', 'edge-a'), { recursive: true });
  await writeFile(path.join(dir, 'state', 'edge-a', 'state.json'), '{}');
  await writeFile(path.join(dir, '.git', 'index'), 'x');
  await writeFile(path.join(dir, 'b.yaml'), device('edge-b', 'policyUpdates: false\n'));
  await seen;
  expect(changes).toEqual([{ devices: new Set(['edge-b']), files: ['b.yaml'] }]);
});

it('a deleted device file touches the device it defined; tscm.yaml touches every device', async () => {
  let seen = nextChange();
  await unlink(path.join(dir, 'a.yaml'));
  await seen;
  seen = nextChange();
  await writeFile(path.join(dir, 'tscm.yaml'), 'stateDir: state\npolicyServer: { host: 127.0.73.1, port: 53 }\n');
  await seen;
  expect(changes).toEqual([
    { devices: new Set(['edge-a']), files: ['a.yaml'] },
    { devices: null, files: ['tscm.yaml'] },
  ]);
});
