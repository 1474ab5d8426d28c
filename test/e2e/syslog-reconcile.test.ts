// The reconcile container with the receiver (`tscm reconcile --syslog`): the loop applies the block list to an
// emulated router, the receiver takes the applied entries from the new state, and a real IOS deny line sent with
// `logger` (from the device's logs.sources address) is filed and counted as a block hit in /status and /metrics.

import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { startLab, type Lab } from '../helpers/lab.js';
import { freePort, HAVE_LOGGER, logger, loopback, until } from '../helpers/syslog-cli.js';

// elastic/integrations cisco_ios test-syslog.log (test/fixtures/acl-log/SOURCE.md): an inside host denied towards
// 81.2.69.144, which the block list below holds
const DENY_LINE = '%SEC-6-IPACCESSLOGP: list 150 denied tcp 192.168.100.12(59832) -> 81.2.69.144(80), 1 packet';
const BLOCK = ['81.2.69.144/32', '198.51.100.0/24'];

let lab: Lab | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await lab?.close();
  lab = undefined;
});

describe.skipIf(!HAVE_LOGGER)('tscm reconcile --syslog', () => {
  it('files and counts the deny lines of the devices it reconciles, in /status and /metrics', async () => {
    lab = await startLab({ block: BLOCK });
    await lab.writeDevice('logs: { sources: [127.0.0.1] }\n');
    const rxHost = loopback();
    const rxPort = await freePort(rxHost);
    await appendFile(
      path.join(lab.dir, 'tscm.yaml'),
      `logs: { dir: device-logs, udp: ["${rxHost}:${rxPort}"], tcp: ["${rxHost}:${rxPort}"] }\n`,
    );
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...lab.env, TSCM_LOG_FORMAT: 'json' };
    delete env.TSCM_LOG_DIR;
    const child = spawn(
      process.execPath,
      [CLI, 'reconcile', '--syslog', '--dir', lab.dir, '--listen', '127.0.0.1:0', '--interval', '1h'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.resume();
    const done = new Promise((resolve) => child.on('close', resolve));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await done;
    });
    const lines = () =>
      stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const base = await until('the status server', () => {
      const l = lines().find((x) => x.msg === 'serving status and metrics');
      return l ? `http://${String(l.listen)}` : undefined;
    });
    // the pass applied; the receiver reloads (new entries from the state) before the pass is logged as finished
    const pass = await until(
      'the first pass finished',
      () => lines().find((l) => l.msg === 'reconcile pass finished'),
      30_000,
    );
    expect(pass).toMatchObject({ result: 'success' });

    await logger(['-n', rxHost, '-P', String(rxPort), '-T', '--rfc3164', '-t', 'edge-01'], `${DENY_LINE}\n`);
    const device = await until('the deny line counted', async () => {
      const s = (await (await fetch(`${base}/status`)).json()) as {
        logs?: { devices: { device: string; aclLines: number; blockHits: number; messages: number }[] };
      };
      const d = s.logs?.devices.find((x) => x.device === 'edge-01');
      return d && d.aclLines >= 1 ? d : undefined;
    });
    expect(device).toMatchObject({ messages: 1, aclLines: 1, blockHits: 1 });
    // counted when received; on disk at the store's next batch write (every 100 ms): wait for it, never race it
    const activeFile = path.join(lab.dir, 'device-logs', 'edge-01', 'syslog');
    const filed = await until('the deny line on disk', async () => {
      const text = await readFile(activeFile, 'utf8').catch(() => '');
      return text.endsWith('\n') ? text : undefined;
    });
    expect(filed).toMatch(new RegExp(`^<13>.* edge-01: ${DENY_LINE.replace(/[()]/g, '\\$&')}\\n$`));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^tscm_syslog_acl_hits_total\{device="edge-01",list="block"\} 1$/m);
    expect(metrics).toMatch(/^tscm_syslog_filed_messages_total\{device="edge-01"\} 1$/m);

    child.kill('SIGTERM');
    expect(await done).toBe(0);
  });
});
