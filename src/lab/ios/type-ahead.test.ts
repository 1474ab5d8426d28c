// A scripted OpenSSH session types everything ahead (enable, its secret, show running-config, exit) without waiting
// for a prompt: the emulator processes it in order and the client gets the whole output, many SSH windows long,
// before the connection closes. Uses the real `ssh` client (password through SSH_ASKPASS) against 127.0.0.1.

import { afterEach, expect, test } from 'vitest';
import { runOpenSshScript } from '../vty/openssh-script.js';
import { startIosEmulator } from './index.js';
import type { RunningIosEmulator } from './index.js';

let emu: RunningIosEmulator | undefined;
afterEach(async () => {
  await emu?.close();
});

test('typed-ahead show running-config and exit: the whole output arrives, in order, before the close', async () => {
  const members = 280_000;
  const body = Array.from({ length: members }, (_, i) => ` host 10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
  const config = ['hostname TA', '!', 'object-group network BIG', ...body, '!', 'line vty 0 4', '!', 'end', ''].join(
    '\n',
  );
  emu = await startIosEmulator({ username: 'netops', password: 'pw-ta', enablePassword: 'en-ta', config });
  const login = { username: 'netops', password: 'pw-ta' };
  const out = await runOpenSshScript(emu, login, 'enable\ren-ta\rterminal length 0\rshow running-config\rexit\r');

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
