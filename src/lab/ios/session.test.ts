import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import ssh2 from 'ssh2';
import { startIosEmulator } from './index.js';
import type { RunningIosEmulator } from './index.js';
import { openTestShell } from '../vty/test-shell.js';
import type { TestShell } from '../vty/test-shell.js';

const CREDS = { username: 'netops', password: 'pw-login' };
let emu: RunningIosEmulator;

beforeAll(async () => {
  emu = await startIosEmulator({ ...CREDS, enablePassword: 'pw-enable', hostname: 'branch-router-with-a-long-name' });
});
afterAll(() => emu.close());

async function privileged(target: RunningIosEmulator = emu): Promise<TestShell> {
  const shell = await openTestShell(target, CREDS);
  await shell.readUntil(/>$/);
  shell.sendLine('enable');
  await shell.readUntil(/Password: $/);
  await shell.run('pw-enable', /#$/);
  return shell;
}

describe('login', () => {
  test('password login lands in user exec with the full hostname', async () => {
    const shell = await openTestShell(emu, CREDS);
    expect(await shell.readUntil(/>$/)).toMatch(/\r\nbranch-router-with-a-long-name>$/);
    shell.close();
  });

  test('keyboard-interactive only device answers the Password: prompt', async () => {
    const kbd = await startIosEmulator({ ...CREDS, authMethods: ['keyboard-interactive'] });
    const prompts: string[] = [];
    const shell = await openTestShell(kbd, {
      ...CREDS,
      tryKeyboard: true,
      authHandler: (methods, _partial, next) => {
        prompts.push(...(methods ?? []));
        next({
          type: 'keyboard-interactive',
          username: CREDS.username,
          prompt: (_n, _i, _l, p, finish) => {
            prompts.push(p[0]?.prompt ?? '');
            finish([CREDS.password]);
          },
        });
      },
    });
    expect(await shell.readUntil(/Router>$/)).toContain('Router>');
    expect(prompts).toContain('Password: ');
    shell.close();
    await kbd.close();
  });

  test('legacy-only algorithms: modern clients fail, clients offering them connect', async () => {
    const legacy = await startIosEmulator({
      ...CREDS,
      algorithms: { kex: ['diffie-hellman-group14-sha1'], cipher: ['aes128-cbc'] },
    });
    await expect(openTestShell(legacy, CREDS)).rejects.toThrow(/no matching/i);
    const shell = await openTestShell(legacy, {
      ...CREDS,
      algorithms: { kex: ['diffie-hellman-group14-sha1'], cipher: ['aes128-cbc'] },
    });
    expect(await shell.readUntil(/>$/)).toContain('Router>');
    shell.close();
    await legacy.close();
  });

  test('wrong password is refused', async () => {
    await expect(openTestShell(emu, { ...CREDS, password: 'nope' })).rejects.toThrow(/authentication methods failed/);
  });

  test('exec channel is refused with the invalid autocommand text', async () => {
    const client = new ssh2.Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve()).once('error', reject);
      client.connect({ host: emu.host, port: emu.port, ...CREDS });
    });
    const text = await new Promise<string>((resolve, reject) =>
      client.exec('show version', (err, stream) => {
        if (err) return reject(err);
        let out = '';
        stream.on('data', (d: Buffer) => (out += d.toString())).on('close', () => resolve(out));
      }),
    );
    expect(text).toBe('Line has invalid autocommand "show version"');
    client.end();
  });

  test('host key fingerprint is the one the client sees', async () => {
    let seen = '';
    const shell = await openTestShell(emu, {
      ...CREDS,
      hostHash: 'sha256',
      hostVerifier: (hash: string) => {
        seen = hash;
        return true;
      },
    } as Parameters<typeof openTestShell>[1]);
    shell.close();
    expect(emu.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(Buffer.from(emu.hostKeyFingerprint.slice(7), 'base64').toString('hex')).toBe(seen);
  });

  test('banner motd is printed before the first prompt', async () => {
    const banner = await startIosEmulator({ ...CREDS, config: 'hostname B\nbanner motd ^C\nLOGGED!!\n^C\nend\n' });
    const shell = await openTestShell(banner, CREDS);
    expect(await shell.readUntil(/B>$/)).toBe('\r\n\r\nLOGGED!!\r\n\r\nB>');
    shell.close();
    await banner.close();
  });
});

describe('enable', () => {
  test('good secret gives #, disable returns to >, exit closes the connection', async () => {
    const shell = await privileged();
    expect(await shell.run('disable')).toMatch(/\r\nbranch-router-with-a-long-name>$/);
    shell.sendLine('exit');
    await shell.closed;
    expect(shell.all().endsWith('exit\r\n')).toBe(true);
  });

  test('three wrong secrets end with % Bad secrets; the secret is not echoed', async () => {
    const shell = await openTestShell(emu, CREDS);
    await shell.readUntil(/>$/);
    shell.sendLine('en');
    await shell.readUntil(/Password: $/);
    expect(await shell.run('x1', /Password: $/)).toBe('\r\nPassword: ');
    await shell.run('x2', /Password: $/);
    expect(await shell.run('x3', />$/)).toBe('\r\n% Bad secrets\r\n\r\nbranch-router-with-a-long-name>');
    shell.close();
  });

  test('no enable password configured: % No password set', async () => {
    const bare = await startIosEmulator(CREDS);
    const shell = await openTestShell(bare, CREDS);
    await shell.readUntil(/>$/);
    expect(await shell.run('enable')).toBe('enable\r\n% No password set\r\nRouter>');
    shell.close();
    await bare.close();
  });

  test('rejectEnable fault refuses even the right secret', async () => {
    const faulty = await startIosEmulator({ ...CREDS, enablePassword: 's', faults: { rejectEnable: true } });
    const shell = await openTestShell(faulty, CREDS);
    await shell.readUntil(/>$/);
    shell.sendLine('enable');
    for (let i = 0; i < 2; i++) await shell.run(i === 0 ? '' : 's', /Password: $/).catch(() => undefined);
    expect(await shell.run('s', />$/)).toContain('% Bad secrets');
    shell.close();
    await faulty.close();
  });
});

describe('modes, prompts and errors', () => {
  test('config prompts cut the hostname to 20 characters; exit/end/Ctrl-Z', async () => {
    const shell = await privileged();
    expect(await shell.run('configure terminal')).toBe(
      'configure terminal\r\nEnter configuration commands, one per line.  End with CNTL/Z.\r\nbranch-router-with-a(config)#',
    );
    expect(await shell.run('object-group network G1')).toMatch(/\r\nbranch-router-with-a\(config-network-group\)#$/);
    expect(await shell.run('exit')).toMatch(/\r\nbranch-router-with-a\(config\)#$/);
    expect(await shell.run('object-group v6-network G6')).toMatch(/\(config-v6-network-group\)#$/);
    expect(await shell.run('ip access-list extended ACL1')).toMatch(/\(config-ext-nacl\)#$/);
    expect(await shell.run('end')).toMatch(/\r\nbranch-router-with-a-long-name#$/);
    await shell.run('conf t');
    shell.send('\x1a');
    expect(await shell.readUntil(/#$/)).toBe('^Z\r\nbranch-router-with-a-long-name#');
    shell.close();
  });

  test('invalid input puts the caret under the first unmatched character', async () => {
    const shell = await privileged();
    const prompt = 'branch-router-with-a-long-name#';
    const out = await shell.run('show object-grop');
    // "object-gro" matches the keyword, the caret sits under the "p".
    expect(out).toBe(
      `show object-grop\r\n${' '.repeat(prompt.length + 'show object-gro'.length)}^\r\n` +
        "% Invalid input detected at '^' marker.\r\n\r\n" +
        prompt,
    );
    await shell.run('conf t');
    const cfgPrompt = 'branch-router-with-a(config)#';
    expect(await shell.run('hostnome x')).toContain(`\r\n${' '.repeat(cfgPrompt.length + 5)}^\r\n`);
    expect(await shell.run('xyzzy Gi0/0')).toContain(`\r\n${' '.repeat(cfgPrompt.length)}^\r\n`);
    shell.close();
  });

  test('incomplete, ambiguous and unknown-host replies', async () => {
    const shell = await privileged();
    expect(await shell.run('show')).toBe('show\r\n% Incomplete command.\r\n\r\nbranch-router-with-a-long-name#');
    expect(await shell.run('sh r')).toBe('sh r\r\n% Ambiguous command:  "sh r"\r\n\r\nbranch-router-with-a-long-name#');
    expect(await shell.run('c')).toContain('% Ambiguous command:  "c"');
    expect(await shell.run('foo')).toBe(
      'foo\r\nTranslating "foo"\r\n% Unknown command or computer name, or unable to find computer address\r\n' +
        'branch-router-with-a-long-name#',
    );
    shell.close();
  });

  test('user exec has no show running-config', async () => {
    const shell = await openTestShell(emu, CREDS);
    await shell.readUntil(/>$/);
    expect(await shell.run('show running-config')).toContain("% Invalid input detected at '^' marker.");
    shell.close();
  });

  test('LF, CR and CRLF are each one Enter; backspace edits the line', async () => {
    const shell = await privileged();
    shell.send('terminal length 0\n');
    await shell.readUntil(/#$/);
    shell.send('terminal width 132\r\n');
    expect(await shell.readUntil(/#$/)).toBe('terminal width 132\r\nbranch-router-with-a-long-name#');
    shell.send('show terminak\x7fl\r');
    const out = await shell.readUntil(/#$/);
    expect(out).toContain('Length: 0 lines, Width: 132 columns');
    shell.close();
  });

  test('do runs exec commands from config mode', async () => {
    const shell = await privileged();
    await shell.run('conf t');
    expect(await shell.run('do show privilege')).toContain('Current privilege level is 15');
    const out = await shell.run('do show zzz');
    const cfgPrompt = 'branch-router-with-a(config)#';
    expect(out).toContain(`\r\n${' '.repeat(cfgPrompt.length + 'do show '.length)}^\r\n`);
    shell.close();
  });
});

describe('paging', () => {
  let pager: RunningIosEmulator;
  beforeAll(async () => {
    const members = Array.from({ length: 60 }, (_, i) => ` host 10.0.0.${i + 1}`).join('\n');
    pager = await startIosEmulator({
      ...CREDS,
      enablePassword: 'pw-enable',
      config: `object-group network BIG\n${members}\n`,
    });
  });
  afterAll(() => pager.close());

  test('--More-- pages with space, steps with Enter, quits with q, erased by backspaces', async () => {
    const shell = await privileged(pager);
    const first = await shell.run('show object-group BIG', / --More-- $/);
    expect(first.split('\r\n')).toHaveLength(25); // echo + 23 lines (length 24 - 1) + the --More-- line
    shell.send('\r');
    const erase = '\b'.repeat(10) + ' '.repeat(10) + '\b'.repeat(10);
    expect(await shell.readUntil(/ --More-- $/)).toBe(`${erase} host 10.0.0.23\r\n --More-- `);
    shell.send(' ');
    const page = await shell.readUntil(/ --More-- $/);
    expect(page.split('\r\n')).toHaveLength(24);
    shell.send('q');
    expect(await shell.readUntil(/#$/)).toBe(`${erase}Router#`);
    shell.close();
  });

  test('terminal length 0 prints everything at once', async () => {
    const shell = await privileged(pager);
    await shell.run('terminal length 0');
    const out = await shell.run('show object-group BIG');
    expect(out).not.toContain('--More--');
    expect(out).toContain(' host 10.0.0.60\r\nRouter#');
    shell.close();
  });
});

describe('faults', () => {
  test('dropAfterCommands closes the connection after the Nth command (which still runs)', async () => {
    const faulty = await startIosEmulator({ ...CREDS, enablePassword: 'e', faults: { dropAfterCommands: 3 } });
    const shell = await openTestShell(faulty, CREDS);
    await shell.readUntil(/>$/);
    shell.sendLine('enable');
    await shell.readUntil(/Password: $/);
    await shell.run('e', /#$/);
    await shell.run('configure terminal');
    shell.sendLine('object-group network DROPPED');
    await shell.closed;
    expect(shell.all()).not.toContain('(config-network-group)#');
    expect(faulty.objectGroups().has('DROPPED')).toBe(true);
    expect(faulty.commandLog()).toEqual(['enable', 'configure terminal', 'object-group network DROPPED']);
    await faulty.close();
  });

  test('setFaults reaches live sessions: config lock, reply delay', async () => {
    const shell = await privileged();
    emu.setFaults({ configLockedTimes: 1, replyDelayMs: 20 });
    expect(await shell.run('conf t')).toBe(
      "conf t\r\nConfiguration mode is locked by process '484' user 'NETCONF' from terminal '64'. Please try later.\r\n" +
        'branch-router-with-a-long-name#',
    );
    expect(await shell.run('conf t')).toContain('(config)#');
    emu.setFaults({});
    shell.close();
  });

  test('logConfigEvents sends %SYS-5-CONFIG_I after leaving config mode', async () => {
    const logging = await startIosEmulator({ ...CREDS, enablePassword: 'e', logConfigEvents: true });
    const shell = await openTestShell(logging, CREDS);
    await shell.readUntil(/>$/);
    shell.sendLine('enable');
    await shell.readUntil(/Password: $/);
    await shell.run('e', /#$/);
    await shell.run('conf t');
    await shell.run('end');
    const line = await shell.readUntil(/\r\n$/);
    expect(line).toMatch(
      /^\r\n\*\w{3} [ \d]\d [\d:.]+: %SYS-5-CONFIG_I: Configured from console by netops on vty0 \(127\.0\.0\.1\)\r\n$/,
    );
    shell.close();
    await logging.close();
  });
});
