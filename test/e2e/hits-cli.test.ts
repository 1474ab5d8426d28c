// tscm hits DEVICE through the built CLI: a definitions folder, the device's state written with the state store
// (its block and allow groups), and hit buckets made by feeding the real IOS and ASA lines of
// test/fixtures/acl-log/ through the hit recorder, as the syslog receiver does.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefixesFromStrings } from '../../src/cidr/index.js';
import { openHitRecorder } from '../../src/logs/hits/index.js';
import { realLines, recordingLogger } from '../../src/logs/hits/test-helpers.js';
import { StateStore, type DeviceStateUpdate } from '../../src/state/index.js';
import { runTscm } from '../helpers/cli.js';

const BLOCK = ['192.168.100.0/24', '10.1.0.0/16', '198.51.100.0/24', '203.0.113.128/25', '2001:db8::/32'];
const ALLOW = ['192.168.100.195/32', '172.16.0.26/32'];

const state = (block: readonly string[], allow: readonly string[]): DeviceStateUpdate => ({
  inventory: {
    groups: [
      { name: 'TSCM-BLOCK', role: 'block', created: true, members: prefixesFromStrings(block) },
      { name: 'TSCM-ALLOW', role: 'allow', created: true, members: prefixesFromStrings(allow) },
    ],
  },
  zones: [],
  lastApply: { ok: true, planId: 'p-1', summary: { add: 7, remove: 0, create: 2, delete: 0 }, revision: null },
});

const device = (name: string) =>
  `name: ${name}\nplatform: ios\ndeviceId: tdid_${name.replace(/-/g, '')}\nmanagement: { host: 127.0.14.1, port: 9 }\n` +
  `credentials: { username: { env: U }, password: { env: P } }\npolicy: { blockList: { file: block.txt } }\n`;

let defs: string;
beforeAll(async () => {
  defs = await mkdtemp(path.join(tmpdir(), 'tscm-hits-cli-'));
  await writeFile(path.join(defs, 'tscm.yaml'), 'drift: heal\n');
  await writeFile(path.join(defs, 'block.txt'), BLOCK.join('\n') + '\n');
  for (const name of ['edge-01', 'edge-02', 'edge-03']) await writeFile(path.join(defs, `${name}.yaml`), device(name));
  const store = new StateStore(path.join(defs, '.tscm'));
  await store.write('edge-01', state(BLOCK, ALLOW));
  await store.write('edge-03', state(BLOCK, []));
  const rec = await openHitRecorder({ dir: path.join(defs, '.tscm-logs'), log: recordingLogger() });
  rec.setEntries('edge-01', { block: BLOCK, allow: ALLOW });
  const at = Date.now();
  for (const line of realLines()) rec.observe('edge-01', Buffer.from(line), at);
  await rec.close();
});
afterAll(async () => {
  await rm(defs, { recursive: true, force: true });
});

describe('tscm hits', () => {
  it('prints the busiest blocked sources, the entries that never hit and the allow-list hits', async () => {
    const r = await runTscm(['hits', 'edge-01', '--dir', defs, '--top', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^edge-01: ACL log lines from \S+ to \S+ \(1 bucket\(s\)\)$/m);
    expect(r.stdout).toContain('Busiest blocked sources\nSOURCE          PACKETS  BLOCK ENTRY\n');
    expect(r.stdout).toMatch(/^10\.100\.8\.34 +343 +-$/m);
    expect(r.stdout).toMatch(/^192\.168\.100\.12 +34 +192\.168\.100\.0\/24$/m);
    expect(r.stdout).toMatch(/^Block entries: 5, 3 with hits, 2 never hit in the period$/m);
    expect(r.stdout).toContain('Never hit (2): 203.0.113.128/25, 2001:db8::/32\n');
    expect(r.stdout).toMatch(
      /^192\.168\.100\.195\/32 +192\.168\.100\.195 +3 +also blocked by 192\.168\.100\.0\/24: a likely false positive in the block list$/m,
    );
    expect(r.stdout).toMatch(/^172\.16\.0\.26\/32 +172\.16\.0\.26 +694$/m);
  });

  it('prints the report as JSON with --json', async () => {
    const r = await runTscm(['hits', 'edge-01', '--dir', defs, '--json', '--since', '2h', '--top', '2']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      formatVersion: 1,
      device: 'edge-01',
      buckets: 1,
      skippedFiles: [],
      topSources: [
        { address: '10.100.8.34', packets: 343, blockEntry: null },
        { address: '192.168.100.12', packets: 34, blockEntry: '192.168.100.0/24' },
      ],
      blockEntries: { total: 5, withHits: 3, neverHit: { count: 2, first: ['203.0.113.128/25', '2001:db8::/32'] } },
    });
    expect(report.allowHits).toHaveLength(2);
    expect(Date.parse(report.until) - Date.parse(report.since)).toBe(2 * 3_600_000);
  });

  it.each([
    [['edge-1'], 'no device named "edge-1" in the definitions', 'did you mean "edge-01"?'],
    [['edge-02'], 'no state for edge-02 yet', 'run tscm apply edge-02'],
    [['edge-03'], 'no ACL hits recorded for edge-03', 'the ACL entries need the log keyword'],
    [['edge-01', '--since', 'yesterday'], '--since takes a duration such as 1h', ''],
    [['edge-01', '--top', '0'], '--top takes a number from 1 to 1000', ''],
  ])('refuses %j clearly', async (args, message, hint) => {
    const r = await runTscm(['hits', ...args, '--dir', defs]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain(hint);
  });

  it('reads the log folder named by TSCM_LOG_DIR', async () => {
    const elsewhere = path.join(defs, 'elsewhere');
    await mkdir(elsewhere);
    const r = await runTscm(['hits', 'edge-01', '--dir', defs], { env: { TSCM_LOG_DIR: elsewhere } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no ACL hits recorded for edge-01 in ${elsewhere}`);
  });
});
