// `tscm lab --platform pix` through the built CLI: PIX 6 on telnet, PIX 7 on SSH, each reachable with a real
// client; the printed definitions validate; SIGTERM stops the lab with exit 0.

import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomInt } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTelnetShell } from '../../src/lab/vty/telnet-shell.js';
import { openTestShell } from '../../src/lab/vty/test-shell.js';
import { CLI, runTscm } from '../helpers/cli.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const loopback = (): string => `127.0.9.${randomInt(2, 254)}`;

async function spawnLab(
  args: string[],
): Promise<{ child: ChildProcess; banner: string; exited: Promise<number | null> }> {
  for (let attempt = 0; ; attempt++) {
    const child = spawn(
      process.execPath,
      [CLI, 'lab', '--platform', 'pix', ...args, '--dns-listen', `${loopback()}:5353`],
      {
        env: { ...process.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const banner = await new Promise<string>((resolve, reject) => {
        child.stdout!.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          if (out.includes('Ready. Press Ctrl-C to stop.\n')) resolve(out);
        });
        child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
        void exited.then((code) => reject(new Error(`tscm lab exited (${code}) before ready:\n${out}`)));
      });
      return { child, banner, exited };
    } catch (err) {
      if (attempt > 5 || !/EADDRINUSE/.test((err as Error).message)) throw err;
    }
  }
}

async function validateSnippet(banner: string): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'tscm-lab-pix-'));
  dirs.push(root);
  const files = [...banner.matchAll(/^cat > (\S+) <<'EOF'\n([\s\S]*?)\nEOF$/gm)];
  expect(files.map((m) => m[1])).toEqual(['lab-defs/tscm.yaml', 'lab-defs/devices/lab-pix.yaml']);
  for (const [, file, body] of files) {
    await mkdir(path.dirname(path.join(root, file!)), { recursive: true });
    await writeFile(path.join(root, file!), `${body}\n`);
  }
  const env = Object.fromEntries([...banner.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]));
  const result = await runTscm(['validate', '--dir', path.join(root, 'lab-defs')], { env });
  expect(result.stderr + result.stdout).not.toMatch(/error/i);
  expect(result.code).toBe(0);
}

describe('tscm lab --platform pix', () => {
  it('serves PIX 6 over telnet, prints definitions that validate, stops on SIGTERM', async () => {
    const lab = await spawnLab(['--variant', 'pix6', '--listen', `${loopback()}:0`]);
    const [, host, port] = /telnet (\S+):(\d+)/.exec(lab.banner) ?? [];
    const shell = await openTelnetShell(host!, Number(port));
    await shell.readUntil(/Username: $/);
    shell.sendLine('admin');
    await shell.readUntil(/Password: $/);
    expect(await shell.run('admin')).toMatch(/pixfirewall> $/);
    shell.close();
    await validateSnippet(lab.banner);
    lab.child.kill('SIGTERM');
    expect(await lab.exited).toBe(0);
  });

  it('serves PIX 7 over SSH with its host key in the banner, and telnet beside it', async () => {
    const address = loopback();
    const dir = await mkdtemp(path.join(tmpdir(), 'tscm-lab-pix-faults-'));
    dirs.push(dir);
    await writeFile(path.join(dir, 'faults.yaml'), 'standby: true\naceLimit: 50000\n');
    const faults = ['--faults', path.join(dir, 'faults.yaml'), '--reply-delay', '0'];
    const lab = await spawnLab(['--listen', `${address}:0`, '--telnet-listen', `${address}:0`, ...faults]);
    expect(lab.banner).toMatch(/faults {6}.*aceLimit=50000.*standby/);
    const [, host, port] = /SSH (\S+):(\d+)/.exec(lab.banner) ?? [];
    const fingerprint = /host key {4}(SHA256:\S+)/.exec(lab.banner)?.[1];
    let seen = '';
    const shell = await openTestShell(
      { host: host!, port: Number(port) },
      {
        username: 'admin',
        password: 'admin',
        hostVerifier: (key: Buffer) => {
          seen = `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
          return true;
        },
      },
    );
    expect(await shell.readUntil(/pixfirewall> $/)).toContain("Type help or '?'");
    expect(seen).toBe(fingerprint);
    shell.close();
    expect(lab.banner).toMatch(/telnet \S+:\d+/);
    await validateSnippet(lab.banner);
    lab.child.kill('SIGTERM');
    expect(await lab.exited).toBe(0);
  });

  it('refuses flags of the other platform, naming them', async () => {
    const ios = await runTscm(['lab', '--variant', 'pix6']);
    expect(ios.code).toBe(1);
    expect(ios.stderr).toContain('--variant and --telnet-listen are for --platform pix');
    const pix = await runTscm(['lab', '--platform', 'pix', '--nvram-busy', '2']);
    expect(pix.code).toBe(1);
    expect(pix.stderr).toContain('--nvram-busy is an IOS fault');
    const variant = await runTscm(['lab', '--platform', 'pix', '--variant', 'asa']);
    expect(variant.stderr).toContain('--variant "asa" is not a PIX variant');
  });
});
