// An ASA failover pair end to end through the CLI (platform trait ha: active-only): the definition names the
// standby unit as the management address and the active one as a peer. tscm plans against the active unit, applies
// there only (the standby refuses configuration and follows by replication), then reads the standby and says it
// follows. After a failover the roles swap and the next run follows them. Both units boot from a real ASAv config.

import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAsaPair, type RunningAsaPair } from '../../src/lab/asa/index.js';
import { runTscm } from '../helpers/cli.js';

const REAL = readFileSync(
  new URL('../../src/lab/asa/testdata/real/asav-9.16-nac-lab/running-config.txt', import.meta.url),
  'utf8',
);
const CREDS = { username: 'netops', password: 'pw-ha-Secret', enablePassword: 'en-ha-Secret' };
const ENV = { HA_USER: CREDS.username, HA_PASS: CREDS.password, HA_EN: CREDS.enablePassword };

/** n hosts, odd addresses only, so none aggregate with another. */
function hosts(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}.${Math.floor(i / 120)}.${2 * (i % 120) + 1}`);
}

/** Config commands a unit received (object-group work), from its own command log. */
const configured = (log: readonly string[]) =>
  log.filter((c) => /^\s*(no )?(object-group|network-object|group-object)\b/.test(c));

describe('ASA failover pair: apply to the active unit only', () => {
  let pair: RunningAsaPair;
  let dir: string;

  beforeAll(async () => {
    pair = await startAsaPair({ host: '127.0.12.20', secondaryHost: '127.0.12.21', ...CREDS, config: REAL });
    dir = await mkdtemp(path.join(tmpdir(), 'tscm-asa-ha-'));
    await writeFile(path.join(dir, 'block.txt'), hosts('10.77', 600).join('\n') + '\n');
    const { primary, secondary } = pair;
    await writeFile(
      path.join(dir, 'dc-asa.yaml'),
      [
        'name: dc-asa',
        'platform: asa',
        'deviceId: tdid_ha',
        `management: { host: ${secondary.host}, port: ${secondary.port} }`,
        `peers: [{ host: ${primary.host}, port: ${primary.port} }]`,
        'credentials: { username: { env: HA_USER }, password: { env: HA_PASS }, enablePassword: { env: HA_EN } }',
        `hostKey: { fingerprint: "${primary.hostKeyFingerprint}" }`,
        'policy: { blockList: { file: block.txt } }',
        'objectGroups: { nestedSize: 250 }',
        'advanced: { saveRetryDelayMs: 10, configLockRetryDelayMs: 10 }',
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await pair?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('plans against the active unit and says the standby follows', async () => {
    const r = await runTscm(['plan', '--dir', dir], { env: ENV });
    expect(r.code, r.stderr).toBe(0);
    const { primary, secondary } = pair;
    expect(r.stdout).toContain(`apply goes to the active unit ${primary.host}:${primary.port}`);
    expect(r.stdout).toContain(`HA standby ${secondary.host}:${secondary.port} is not configured by tscm`);
    expect(r.stdout).toMatch(/Plan: 600 to add, 0 to remove/);
  });

  it('applies on the active unit only; the standby holds the same groups by replication and is confirmed', async () => {
    const before = configured(pair.secondary.commandLog()).length;
    const r = await runTscm(['apply', '--dir', dir, '--auto-approve'], { env: ENV });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const { primary, secondary } = pair;
    expect(r.stdout).toContain(`dc-asa (${primary.host}:${primary.port}): 600 added, 0 removed, configuration saved`);
    expect(r.stdout).toContain(`dc-asa: HA standby ${secondary.host}:${secondary.port} follows the active unit`);
    expect(configured(secondary.commandLog()).length).toBe(before); // never configured
    const children = [...secondary.objectGroups().keys()].filter((n) => /^ThreatSTOP-Block-\d+$/.test(n));
    expect(children).toHaveLength(3); // 600 members in children of 250
    const again = await runTscm(['plan', '--dir', dir, '--detailed-exitcode'], { env: ENV });
    expect(again.code, again.stdout).toBe(0);
  });

  it('after a failover the roles swap: the next change goes to the new active unit', async () => {
    pair.failover();
    await writeFile(path.join(dir, 'block.txt'), [...hosts('10.77', 590), ...hosts('10.78', 10)].join('\n') + '\n');
    const primaryBefore = configured(pair.primary.commandLog()).length;
    const r = await runTscm(['apply', '--dir', dir, '--auto-approve'], { env: ENV });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const { primary, secondary } = pair;
    expect(r.stdout).toContain(
      `dc-asa (${secondary.host}:${secondary.port}): 10 added, 10 removed, configuration saved`,
    );
    expect(r.stdout).toContain(`dc-asa: HA standby ${primary.host}:${primary.port} follows the active unit`);
    expect(configured(primary.commandLog()).length).toBe(primaryBefore);
  });
});
