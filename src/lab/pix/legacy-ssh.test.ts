// PIX 7 / FWSM with only the legacy SSH algorithms on offer (cisco-protocol.md §6 row 7): a client with today's
// defaults is refused at the handshake, a client that opts in to them connects.

import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { runOpenSshScript } from '../vty/openssh-script.js';
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
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
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
    const login = { username: 'u', password: 'p' };
    // LogLevel=INFO: OpenSSH reports the failed negotiation at that level.
    await expect(runOpenSshScript(emu, login, '', ['LogLevel=INFO'])).rejects.toThrow(
      /ssh exited 255: .*no matching (key exchange method|host key type|cipher) found/,
    );
    const legacy = ['KexAlgorithms=+diffie-hellman-group1-sha1', 'HostKeyAlgorithms=+ssh-rsa'];
    legacy.push('Ciphers=+aes128-cbc', 'MACs=+hmac-sha1');
    const script = [
      'enable',
      'e',
      'configure terminal',
      'object-group network g',
      'network-object host 192.0.2.9',
      'end',
    ];
    script.push('terminal pager 0', 'show running-config object-group', 'exit', '');
    const read = await runOpenSshScript(emu, login, script.join('\r'), legacy);
    expect(read).toContain('object-group network g\r\n network-object host 192.0.2.9\r\npixfirewall# ');
  });
});
