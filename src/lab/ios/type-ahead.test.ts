// A scripted OpenSSH session types everything ahead (enable, its secret, show running-config, exit) without waiting
// for a prompt: the emulator processes it in order and the client gets the whole output, many SSH windows long,
// before the connection closes. Uses the real `ssh` client (password through SSH_ASKPASS) against 127.0.0.1.

import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { startIosEmulator } from './index.js';
import type { RunningIosEmulator } from './index.js';

let emu: RunningIosEmulator | undefined;
let dir: string | undefined;
afterEach(async () => {
  await emu?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs `ssh -tt` with `input` piped on stdin all at once; resolves with everything it printed. */
async function sshScript(target: RunningIosEmulator, password: string, input: string): Promise<string> {
  dir = await mkdtemp(path.join(tmpdir(), 'tscm-askpass-'));
  const askpass = path.join(dir, 'askpass.sh');
  await writeFile(askpass, `#!/bin/sh\nprintf '%s\\n' '${password}'\n`);
  await chmod(askpass, 0o700);
  const child = spawn(
    'ssh',
    [
      '-tt',
      '-p',
      String(target.port),
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'PubkeyAuthentication=no',
      '-o',
      'PreferredAuthentications=password',
      '-o',
      'NumberOfPasswordPrompts=1',
      '-o',
      'LogLevel=ERROR',
      '-F',
      '/dev/null',
      `netops@${target.host}`,
    ],
    { env: { ...process.env, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' }, stdio: 'pipe' },
  );
  const chunks: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => chunks.push(d));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const out = Buffer.concat(chunks).toString('utf8');
  if (!out.includes('#')) throw new Error(`ssh exited ${code}: ${stderr}`);
  return out;
}

test('typed-ahead show running-config and exit: the whole output arrives, in order, before the close', async () => {
  const members = 280_000;
  const body = Array.from({ length: members }, (_, i) => ` host 10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
  const config = ['hostname TA', '!', 'object-group network BIG', ...body, '!', 'line vty 0 4', '!', 'end', ''].join(
    '\n',
  );
  emu = await startIosEmulator({ username: 'netops', password: 'pw-ta', enablePassword: 'en-ta', config });
  const out = await sshScript(emu, 'pw-ta', 'enable\ren-ta\rterminal length 0\rshow running-config\rexit\r');

  const lines = out.split('\r\n');
  const start = lines.indexOf('TA#show running-config');
  expect(start).toBeGreaterThan(0);
  const shown = lines.slice(start + 1);
  expect(shown.slice(0, 3)).toEqual(['Building configuration...', '', expect.stringMatching(/^Current configuration/)]);
  const groupAt = shown.indexOf('object-group network BIG');
  expect(shown.slice(groupAt + 1, groupAt + 1 + members)).toEqual(body);
  expect(shown.slice(groupAt + 1 + members)).toEqual(['!', 'line vty 0 4', '!', 'end', 'TA#exit', '']);
  // Well over two SSH windows (OpenSSH opens 2 MiB): the output had to wait for window adjustments.
  expect(Buffer.byteLength(out)).toBeGreaterThan(5 * 1024 * 1024);
}, 60_000);
