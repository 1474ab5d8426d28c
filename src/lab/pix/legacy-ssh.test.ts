// PIX 7 / FWSM with only the legacy SSH algorithms on offer (cisco-protocol.md §6 row 7): a client with today's
// defaults is refused at the handshake, a client that opts in to them connects.

import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestShell } from '../vty/test-shell.js';
import { startPixEmulator } from './server.js';
import type { RunningPixEmulator } from './types.js';

const LEGACY = {
  kex: ['diffie-hellman-group1-sha1'],
  cipher: ['aes128-cbc', '3des-cbc'],
  serverHostKey: ['ssh-rsa'],
  hmac: ['hmac-sha1'],
} as const;

const running: RunningPixEmulator[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function startLegacy(): Promise<RunningPixEmulator> {
  const hostKey = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  }).privateKey;
  const emu = await startPixEmulator({
    host: `127.0.9.${2 + Math.floor(Math.random() * 250)}`,
    variant: 'pix7',
    username: 'u',
    password: 'p',
    enablePassword: 'e',
    hostKey,
    algorithms: {
      kex: [...LEGACY.kex],
      cipher: [...LEGACY.cipher],
      serverHostKey: [...LEGACY.serverHostKey],
      hmac: [...LEGACY.hmac],
    },
  });
  running.push(emu);
  return emu;
}

/** The real OpenSSH client (password through SSH_ASKPASS), everything typed ahead on stdin. */
async function openSsh(
  emu: RunningPixEmulator,
  options: string[],
  input: string,
): Promise<{ code: number | null; out: string; err: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tscm-pix-askpass-'));
  dirs.push(dir);
  const askpass = path.join(dir, 'askpass.sh');
  await writeFile(askpass, "#!/bin/sh\nprintf '%s\\n' 'p'\n");
  await chmod(askpass, 0o700);
  const args = [
    '-tt',
    '-F',
    '/dev/null',
    '-p',
    String(emu.port),
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
  ];
  args.push('-o', 'PreferredAuthentications=password', '-o', 'NumberOfPasswordPrompts=1', '-o', 'LogLevel=INFO');
  const child = spawn('ssh', [...args, ...options, `u@${emu.host}`], {
    env: { ...process.env, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' },
    stdio: 'pipe',
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, out, err };
}

describe('PIX 7 with legacy SSH algorithms only', () => {
  it('refuses a modern ssh2 client and accepts one that opts in', async () => {
    const emu = await startLegacy();
    const target = { host: emu.host, port: emu.port };
    await expect(openTestShell(target, { username: 'u', password: 'p' })).rejects.toThrow(/handshake|algorithm/i);
    const shell = await openTestShell(target, {
      username: 'u',
      password: 'p',
      algorithms: {
        kex: [...LEGACY.kex],
        cipher: [...LEGACY.cipher],
        serverHostKey: [...LEGACY.serverHostKey],
        hmac: [...LEGACY.hmac],
      },
    });
    expect(await shell.readUntil(/pixfirewall> $/)).toContain("Type help or '?' for a list of available commands.");
    shell.close();
  });

  it('refuses OpenSSH with its defaults; OpenSSH opted in to the old algorithms reads the groups back', async () => {
    const emu = await startLegacy();
    const refused = await openSsh(emu, [], '');
    expect(refused.code).toBe(255);
    expect(refused.err).toMatch(/no matching (key exchange method|host key type|cipher) found/);
    const legacy = ['-o', 'KexAlgorithms=+diffie-hellman-group1-sha1', '-o', 'HostKeyAlgorithms=+ssh-rsa'];
    legacy.push('-o', 'Ciphers=+aes128-cbc', '-o', 'MACs=+hmac-sha1');
    const script = [
      'enable',
      'e',
      'configure terminal',
      'object-group network g',
      'network-object host 192.0.2.9',
      'end',
    ];
    script.push('terminal pager 0', 'show running-config object-group', 'exit', '');
    const read = await openSsh(emu, legacy, script.join('\r'));
    expect(read.out).toContain('object-group network g\r\n network-object host 192.0.2.9\r\npixfirewall# ');
  });
});
