// Change windows are read when tscm.yaml is: a bad cron expression, time zone or duration is a diagnostic naming
// tscm.yaml, its line and the field, and the devices do not load (as with any settings problem).

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { formatDiagnostic } from './diagnostic.js';
import { loadDefinitions } from './load.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const DEVICE = `name: edge-01
platform: ios
deviceId: tdid_00000001
management: { host: 192.0.2.1 }
hostKey: { fingerprint: "SHA256:${'A'.repeat(43)}" }
credentials: { username: { env: U }, password: { env: P } }
policy: { blockList: block.example, server: { host: 192.0.2.53 } }
`;

async function load(settings: string) {
  const dir = await mkdtemp(join(tmpdir(), 'tscm-windows-'));
  dirs.push(dir);
  await writeFile(join(dir, 'tscm.yaml'), settings);
  await writeFile(join(dir, 'edge.yaml'), DEVICE);
  return loadDefinitions(dir);
}

test('valid windows load: names, ranges, steps and an IANA time zone', async () => {
  const r = await load(
    [
      'schedule:',
      '  windows:',
      '    - { kind: allow, schedule: "0 22 * * MON-FRI", duration: 2h, timeZone: America/New_York }',
      '    - { kind: deny, schedule: "*/15 0-6 1 JAN *", duration: 10m }',
    ].join('\n'),
  );
  expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
  expect(r.devices.map((d) => d.name)).toEqual(['edge-01']);
});

test('a bad cron expression, time zone and empty duration are each named with tscm.yaml, line and field', async () => {
  const r = await load(
    [
      'schedule:',
      '  windows:',
      '    - { kind: allow, schedule: "0 25 * * *", duration: 1h }',
      '    - { kind: deny, schedule: "0 0 * * * *", duration: 1h }',
      '    - { kind: deny, schedule: "0 0 * * *", duration: 0h, timeZone: Mars/Olympus }',
    ].join('\n'),
  );
  expect(r.devices).toEqual([]);
  expect(r.diagnostics.map(formatDiagnostic)).toEqual([
    expect.stringMatching(
      /^tscm\.yaml:3:\d+: \/schedule\/windows\/0\/schedule: not a five-field cron expression: .*hour/,
    ),
    expect.stringMatching(
      /^tscm\.yaml:4:\d+: \/schedule\/windows\/1\/schedule: not a five-field cron expression: .*5 parts/,
    ),
    expect.stringMatching(/^tscm\.yaml:5:\d+: \/schedule\/windows\/2\/duration: a window must last some time/),
    expect.stringMatching(
      /^tscm\.yaml:5:\d+: \/schedule\/windows\/2\/timeZone: unknown time zone "Mars\/Olympus" \(an IANA/,
    ),
  ]);
});
