// tscm reconcile --once --syslog through the built CLI: the log receiver starts beside the pass (on tscm.yaml's
// listen addresses) and stops with it, releasing the log folder, whatever the devices' results. And the clear
// errors of `tscm syslog` and `tscm logs` for a bad flag or an unknown device.

import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runTscm } from '../helpers/cli.js';

const HOST = '127.0.12.30';

function device(name: string, host: string): string {
  return `name: ${name}
platform: ios
deviceId: tdid_${name}
management: { host: ${host} }
credentials: { username: { env: U }, password: { env: P } }
policy: { blockList: block.example, server: { host: 192.0.2.53 } }
`;
}

describe('tscm reconcile --syslog', () => {
  test('reconcile --once --syslog: the receiver runs beside the pass and stops with it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tscm-reconcile-syslog-'));
    try {
      await writeFile(path.join(dir, 'tscm.yaml'), `logs: { dir: logs, udp: ["${HOST}:0"], tcp: ["${HOST}:0"] }\n`);
      await writeFile(path.join(dir, 'block.txt'), '192.0.2.0/24\n');
      // Nothing listens on the management port: the device fails fast; the receiver does not depend on it.
      await writeFile(
        path.join(dir, 'r1.yaml'),
        device('r1', '127.0.12.43')
          .replace(
            'policy: { blockList: block.example, server: { host: 192.0.2.53 } }',
            'policy: { blockList: { file: block.txt } }\nmanagement: { host: 127.0.12.43, port: 1 }',
          )
          .replace('management: { host: 127.0.12.43 }\n', ''),
      );
      const r = await runTscm(['reconcile', '--once', '--syslog', '--dir', dir], {
        env: { TSCM_LOG_DIR: '', U: 'u', P: 'p' },
      });
      expect(r.stderr).toMatch(/syslog receiver started.*127\.0\.12\.30/);
      expect(r.code).toBe(1); // the device failed; the receiver started and stopped cleanly
      expect(existsSync(path.join(dir, 'logs', '.owner.json'))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  test('bad flags and a device that does not exist: clear errors', async () => {
    const DEFS = await mkdtemp(path.join(tmpdir(), 'tscm-syslog-errors-'));
    await writeFile(path.join(DEFS, 'r1.yaml'), device('r1', '127.0.12.44'));
    const bad = await runTscm(['syslog', '--dir', DEFS, '--udp', 'localhost:514'], { env: { TSCM_LOG_DIR: '' } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--udp takes an IPv4 or [IPv6] address and a port, not "localhost:514"');
    const missing = await runTscm(['logs', 'nope', '--dir', DEFS], { env: { TSCM_LOG_DIR: '' } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no device named nope');
    await rm(DEFS, { recursive: true, force: true });
  });
});
