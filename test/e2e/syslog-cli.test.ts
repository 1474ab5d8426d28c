// The built CLI: `tscm syslog` starts (a start line naming what it listens on), files a device's messages, refuses a
// second receiver on the same folder naming the pid, serves the logs section of /status and tscm_syslog_* metrics
// (promtool-clean), reloads on SIGHUP, and stops on SIGTERM with everything filed and the folder released.
// `tscm logs` asks the running receiver over its control socket, and does the work itself when none runs.

import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runTscm, startTscm, type RunningTscm } from '../helpers/cli.js';
import { HAVE_PROMTOOL, promtoolCheckMetrics, warnMissing } from '../helpers/prometheus.js';

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

let defs: string;
beforeAll(async () => {
  defs = await mkdtemp(path.join(tmpdir(), 'tscm-syslog-cli-'));
  await writeFile(path.join(defs, 'tscm.yaml'), 'logs: { dir: logs, rotateInterval: 1h }\n');
  await writeFile(path.join(defs, 'r1.yaml'), device('r1', '127.0.12.41'));
});
afterAll(async () => {
  await rm(defs, { recursive: true, force: true });
});

async function sendUdp(from: string, port: number, text: string): Promise<void> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind({ address: from, port: 0 }, resolve));
  await new Promise<void>((resolve, reject) => socket.send(text, port, HOST, (e) => (e ? reject(e) : resolve())));
  socket.close();
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts `tscm syslog` and reads its start line: the UDP port and the status address. */
async function startReceiver(): Promise<{ run: RunningTscm; udpPort: number; status: string; stdout: () => string }> {
  const run = startTscm(
    ['syslog', '--dir', defs, '--udp', `${HOST}:0`, '--tcp', `${HOST}:0`, '--listen', `${HOST}:0`],
    { env: { TSCM_LOG_DIR: '' } },
  );
  let stdout = '';
  run.child.stdout!.on('data', (d: Buffer | string) => (stdout += d.toString()));
  const line = await until('the start line', () => (stdout.includes('\n') ? stdout : undefined));
  const udpPort = Number(/udp 127\.0\.12\.30:(\d+)/.exec(line)?.[1]);
  const status = /status and metrics on ([\d.]+:\d+)/.exec(line)?.[1] ?? '';
  expect(line).toMatch(
    /^tscm syslog: listening on udp 127\.0\.12\.30:\d+, tcp 127\.0\.12\.30:\d+; 1 device\(s\); log folder .*\/logs;/,
  );
  return { run, udpPort, status, stdout: () => stdout };
}

describe('tscm syslog and tscm logs', () => {
  test('start, file, refuse a second receiver, status and metrics, logs through the receiver, SIGHUP, SIGTERM', async () => {
    const { run, udpPort, status } = await startReceiver();
    try {
      await sendUdp('127.0.12.41', udpPort, '<134>Nov 30 10:00:00 r1 %SYS-5-CONFIG_I: first');
      await sendUdp('127.0.12.49', udpPort, '<134>Nov 30 10:00:00 stranger');
      const doc = await until('both counted in /status', async () => {
        const d = (await (await fetch(`http://${status}/status`)).json()) as {
          logs: { received: { udp: number }; devices: { device: string; messages: number }[] };
        };
        return d.logs.received.udp === 2 && d.logs.devices.some((x) => x.messages === 1) ? d : undefined;
      });
      expect(doc.logs).toMatchObject({
        dropped: { busy: 0, unknownSender: 1, spoolFull: 0 },
        unknownSenders: { total: 1, top: [{ address: '127.0.12.49', messages: 1 }] },
        devices: [{ device: 'r1', messages: 1, rotations: 0 }],
      });
      const metrics = await (await fetch(`http://${status}/metrics`)).text();
      expect(metrics).toContain('tscm_syslog_received_total{transport="udp"} 2');
      expect(metrics).toContain('tscm_syslog_dropped_total{reason="unknown_sender"} 1');
      expect(metrics).toContain('tscm_syslog_filed_messages_total{device="r1"} 1');
      warnMissing('promtool');
      if (HAVE_PROMTOOL) expect(promtoolCheckMetrics(metrics)).toEqual({ code: 0, output: '' });

      const second = await runTscm(['syslog', '--dir', defs, '--udp', `${HOST}:0`, '--tcp', `${HOST}:0`], {
        env: { TSCM_LOG_DIR: '' },
      });
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`is held by another tscm receiver (pid ${run.child.pid})`);

      const logs = await runTscm(['logs', '--dir', defs, '--json'], { env: { TSCM_LOG_DIR: '' } });
      expect(logs.code, logs.stderr).toBe(0);
      const reply = JSON.parse(logs.stdout) as {
        via: string;
        rotated: { path: string }[];
        uploads: { result: string }[];
      };
      expect(reply.via).toBe('receiver');
      expect(reply.uploads.map((u) => u.result)).toEqual(['kept']);
      expect(gunzipSync(await readFile(reply.rotated[0]!.path)).toString()).toBe(
        '<134>Nov 30 10:00:00 r1 %SYS-5-CONFIG_I: first\n',
      );

      // A new device, known after SIGHUP.
      await writeFile(path.join(defs, 'r2.yaml'), device('r2', '127.0.12.42'));
      run.child.kill('SIGHUP');
      await until('the reload', () => (run.stderr().includes('definitions reloaded') ? true : undefined));
      await sendUdp('127.0.12.42', udpPort, '<134>r2 after the reload');
      await sendUdp('127.0.12.41', udpPort, '<134>r1 second');
      await until('r2 filed', async () => {
        const d = (await (await fetch(`http://${status}/status`)).json()) as {
          logs: { devices: { device: string; messages: number }[] };
        };
        return d.logs.devices.find((x) => x.device === 'r2')?.messages === 1 ? true : undefined;
      });
    } finally {
      run.child.kill('SIGTERM');
    }
    const done = await run.done;
    expect(done.code, done.stderr).toBe(0);
    const logDir = path.join(defs, 'logs');
    expect(await readFile(path.join(logDir, 'r2', 'syslog'), 'utf8')).toBe('<134>r2 after the reload\n');
    expect(existsSync(path.join(logDir, '.owner.json'))).toBe(false);

    // No receiver now: tscm logs claims the folder, rotates what is left, keeps it (upload off), releases.
    const alone = await runTscm(['logs', '--dir', defs], { env: { TSCM_LOG_DIR: '' } });
    expect(alone.code, alone.stderr).toBe(0);
    expect(alone.stdout).toMatch(/^rotated {3}r1 {2}syslog\.0+2\.gz {2}\d+ bytes$/m);
    expect(alone.stdout).toMatch(/^rotated {3}r2 {2}syslog\.0+1\.gz {2}\d+ bytes$/m);
    expect(alone.stdout).toMatch(/^2 file\(s\) rotated; 0 uploaded, 3 kept \(upload off\), 0 failed\.$/m);
    expect(existsSync(path.join(logDir, '.owner.json'))).toBe(false);
  });

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
    const bad = await runTscm(['syslog', '--dir', defs, '--udp', 'localhost:514'], { env: { TSCM_LOG_DIR: '' } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--udp takes an IPv4 or [IPv6] address and a port, not "localhost:514"');
    const missing = await runTscm(['logs', 'nope', '--dir', defs], { env: { TSCM_LOG_DIR: '' } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no device named nope');
  });
});
