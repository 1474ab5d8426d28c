import { spawn, spawnSync } from 'node:child_process';
import { lstat, mkdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimLogDir, controlSocketPath, OWNER_FILE } from './dir-claim.js';
import { recordingLogger, tempDir } from './test-helpers.js';

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

function owner(fields: Record<string, unknown>): string {
  return JSON.stringify({
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    controlSocket: '/tmp/x.sock',
    token: 'abc',
    ...fields,
  });
}

describe('claimLogDir', () => {
  it('claims a free folder, tells a second claimant who holds it, and releases only its own claim', async () => {
    const dir = await tempDir();
    const first = await claimLogDir(dir);
    if (!('claimed' in first)) throw new Error('expected a claim');
    expect(first.claimed.controlSocket).toBe(join(dir, '.control.sock'));
    const record = JSON.parse(await readFile(join(dir, OWNER_FILE), 'utf8'));
    expect(record).toMatchObject({ pid: process.pid, hostname: hostname(), controlSocket: join(dir, '.control.sock') });

    const second = await claimLogDir(dir);
    expect(second).toEqual({ heldBy: { pid: process.pid, controlSocket: join(dir, '.control.sock') } });

    await first.claimed.release();
    await expect(lstat(join(dir, OWNER_FILE))).rejects.toThrow(/ENOENT/);
    const third = await claimLogDir(dir);
    if (!('claimed' in third)) throw new Error('expected a claim');
    // A claim that is no longer ours (taken over meanwhile) is left in place by release().
    await writeFile(join(dir, OWNER_FILE), owner({ token: 'someone-else' }));
    await third.claimed.release();
    expect(JSON.parse(await readFile(join(dir, OWNER_FILE), 'utf8')).token).toBe('someone-else');
  });

  it('takes over from a dead owner on this host, with a warning, and removes its stale control socket', async () => {
    const dir = await tempDir();
    const sock = controlSocketPath(dir);
    // A process that listens on the socket and dies without closing it, as a killed receiver would.
    const child = spawn(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(sock)}, () => { process.stdout.write(String(process.pid)); process.kill(process.pid, 'SIGKILL'); })`,
    ]);
    let pid = '';
    child.stdout.on('data', (c: Buffer) => (pid += c.toString()));
    await new Promise((r) => child.on('exit', r));
    expect((await lstat(sock)).isSocket()).toBe(true);
    await writeFile(join(dir, OWNER_FILE), owner({ pid: Number(pid), controlSocket: sock }));

    const log = recordingLogger();
    const result = await claimLogDir(dir, { log });
    if (!('claimed' in result)) throw new Error('expected a takeover');
    expect(log.records).toEqual([
      expect.objectContaining({
        level: 'warn',
        fields: expect.objectContaining({ why: expect.stringMatching(/no longer runs/) }),
      }),
    ]);
    await expect(lstat(sock)).rejects.toThrow(/ENOENT/);
    expect(JSON.parse(await readFile(join(dir, OWNER_FILE), 'utf8')).pid).toBe(process.pid);
    await result.claimed.release();
  });

  it('never takes over from an owner on another host or a live one', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, OWNER_FILE),
      owner({ pid: deadPid(), hostname: `${hostname()}-other`, controlSocket: '/x/other.sock' }),
    );
    expect(await claimLogDir(dir)).toEqual({ heldBy: { pid: expect.any(Number), controlSocket: '/x/other.sock' } });
    await writeFile(join(dir, OWNER_FILE), owner({ pid: 1 }));
    expect(await claimLogDir(dir)).toMatchObject({ heldBy: { pid: 1 } });
  });

  it('takes over an unreadable owner file only once it is old; refuses a symlink in its place', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, OWNER_FILE), '{"pid": 12');
    await expect(claimLogDir(dir)).rejects.toThrow(/being claimed by another tscm process/);
    const old = new Date(Date.now() - 60_000);
    await utimes(join(dir, OWNER_FILE), old, old);
    const r = await claimLogDir(dir);
    expect('claimed' in r).toBe(true);

    const other = await tempDir();
    await writeFile(join(other, 'target'), 'x');
    await symlink(join(other, 'target'), join(other, OWNER_FILE));
    await expect(claimLogDir(other)).rejects.toThrow(/is not a regular file/);
    expect(await readFile(join(other, 'target'), 'utf8')).toBe('x');
  });

  it('puts the control socket under the temp folder when the folder path is too long for a unix socket', async () => {
    const base = await tempDir();
    const deep = join(base, 'a'.repeat(60), 'b'.repeat(60));
    await mkdir(deep, { recursive: true });
    const r = await claimLogDir(deep);
    if (!('claimed' in r)) throw new Error('expected a claim');
    expect(r.claimed.controlSocket.startsWith(tmpdir())).toBe(true);
    expect(Buffer.byteLength(r.claimed.controlSocket)).toBeLessThanOrEqual(100);
    expect(controlSocketPath(deep)).toBe(r.claimed.controlSocket);
    expect(controlSocketPath(`${deep}x`)).not.toBe(r.claimed.controlSocket);
    expect(JSON.parse(await readFile(join(deep, OWNER_FILE), 'utf8')).controlSocket).toBe(r.claimed.controlSocket);
    await r.claimed.release();
  });
});
