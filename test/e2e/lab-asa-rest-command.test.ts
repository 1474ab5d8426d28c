// `tscm lab --platform asa-rest` through the built CLI: the banner's URL and fingerprint match what the HTTPS
// server presents, the REST API answers, the SSH CLI of the same ASA shows a REST change, the faults file applies,
// the printed definitions validate, and SIGTERM stops the lab with exit 0.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { openTestShell } from '../../src/lab/vty/test-shell.js';
import { CLI, runTscm } from '../helpers/cli.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const loopback = (): string => `127.0.91.${randomInt(2, 254)}`;

async function spawnLab(
  args: string[],
): Promise<{ banner: string; child: ChildProcess; exited: Promise<number | null> }> {
  for (let attempt = 0; ; attempt++) {
    const child = spawn(
      process.execPath,
      [CLI, 'lab', '--platform', 'asa-rest', ...args, '--dns-listen', `${loopback()}:5353`],
      { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
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
      return { banner, child, exited };
    } catch (err) {
      if (attempt > 5 || !/EADDRINUSE/.test((err as Error).message)) throw err;
    }
  }
}

/** The SHA-256 fingerprint of the certificate the server presents (not trusting it: we only look). */
function presentedFingerprint(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.once('error', reject);
  });
}

describe('tscm lab --platform asa-rest', () => {
  it('serves the REST API with the printed certificate, SSH on the same ASA, definitions that validate', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tscm-lab-rest-'));
    dirs.push(dir);
    await writeFile(path.join(dir, 'faults.yaml'), 'maxSessions: 3\nserverErrors: { afterRequests: 1000 }\n');
    const address = loopback();
    const lab = await spawnLab([
      '--listen',
      `${address}:0`,
      '--ssh-listen',
      `${address}:0`,
      '--faults',
      path.join(dir, 'faults.yaml'),
    ]);
    expect(lab.banner).toMatch(/faults {6}maxSessions=3, serverErrors\(afterRequests=1000\)/);
    const [, url, host, port] = /REST API on (https:\/\/(\S+):(\d+)\/api),/.exec(lab.banner) ?? [];
    const fingerprint = /certificate SHA-256 (\S+)/.exec(lab.banner)?.[1];
    expect(await presentedFingerprint(host!, Number(port))).toBe(fingerprint);
    expect(lab.banner).toContain(`certificateFingerprint: ${fingerprint}`);
    const [, sshAt, sshKey] = /SSH {9}\S+:(\d+), host key (\S+) /.exec(lab.banner) ?? [];
    expect(lab.banner).toContain(`  fallback: ssh\n  sshPort: ${sshAt}\n`);
    expect(lab.banner).toContain(`hostKey: { fingerprint: "${sshKey}" }`);
    expect(lab.banner).not.toMatch(/password: ['"]?admin/);

    const agent = new Agent({ connect: { rejectUnauthorized: false } });
    const auth = `Basic ${Buffer.from('admin:admin').toString('base64')}`;
    const headers = { 'user-agent': 'REST API Agent', authorization: auth, 'content-type': 'application/json' };
    const created = await request(`${url}/objects/networkobjectgroups`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'LAB_G', members: [{ kind: 'IPv4Address', value: '192.0.2.44' }] }),
      dispatcher: agent,
    });
    expect(created.statusCode).toBe(201);
    await created.body.dump();
    await agent.close();

    const [, sshHost, sshPort] = /SSH {9}(\S+):(\d+),/.exec(lab.banner) ?? [];
    const shell = await openTestShell(
      { host: sshHost!, port: Number(sshPort) },
      { username: 'admin', password: 'admin' },
    );
    await shell.readUntil(/> $|>$/);
    shell.sendLine('enable');
    await shell.readUntil(/Password: $/);
    await shell.run('enable', /# ?$/);
    await shell.run('terminal pager 0', /# ?$/);
    expect(await shell.run('show running-config object-group', /# ?$/)).toContain(
      'object-group network LAB_G\r\n network-object host 192.0.2.44\r\n',
    );
    shell.close();

    const root = await mkdtemp(path.join(tmpdir(), 'tscm-lab-rest-defs-'));
    dirs.push(root);
    const files = [...lab.banner.matchAll(/^cat > (\S+) <<'EOF'\n([\s\S]*?)\nEOF$/gm)];
    expect(files.map((m) => m[1])).toEqual(['lab-defs/tscm.yaml', 'lab-defs/devices/lab-asa-rest.yaml']);
    for (const [, file, body] of files) {
      await mkdir(path.dirname(path.join(root, file!)), { recursive: true });
      await writeFile(path.join(root, file!), `${body}\n`);
    }
    const env = Object.fromEntries([...lab.banner.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]));
    const result = await runTscm(['validate', '--dir', path.join(root, 'lab-defs')], { env });
    expect(result.stderr + result.stdout).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    lab.child.kill('SIGTERM');
    expect(await lab.exited).toBe(0);
  });

  it('refuses SSH-only fault flags and --ssh-listen on other platforms, and a bad faults file', async () => {
    const flag = await runTscm(['lab', '--platform', 'asa-rest', '--drop-after', '2']);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toContain('--drop-after is not a REST fault');
    const ssh = await runTscm(['lab', '--platform', 'asa', '--ssh-listen', '127.0.91.3:0']);
    expect(ssh.stderr).toContain('--ssh-listen is for --platform asa-rest');
    const dir = await mkdtemp(path.join(tmpdir(), 'tscm-lab-rest-bad-'));
    dirs.push(dir);
    await writeFile(path.join(dir, 'f.yaml'), 'agentRestart: { afterRequests: 2 }\n');
    const bad = await runTscm(['lab', '--platform', 'asa-rest', '--faults', path.join(dir, 'f.yaml')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('field "agentRestart" needs "downMs"');
  });
});
