// The uploader against a real local HTTPS endpoint (and a real tinyproxy): files go oldest first, are deleted only
// after a 2xx, survive failures and come through exactly once, a lost reply does not store a file twice, a device
// that keeps its files sends nothing, and no secret reaches a log line or an outcome.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateLabCertificate, type LabCertificate } from '../../lab/tls-cert.js';
import { startTinyproxy, type Tinyproxy } from '../../../test/helpers/tinyproxy.js';
import { startUploadServer, type UploadServer } from '../../../test/helpers/upload-server.js';
import type { Logger, UploadTarget } from '../model.js';
import { listSpool } from '../store/spool.js';
import { createUploader, type Uploader, type UploaderOptions } from './uploader.js';

const HOST = `127.0.11.${120 + Math.floor(Math.random() * 100)}`;
const PASSWORD = 'pr0xy-S3CRET-uploader';
const TOKEN = 'T0KEN-uploader-secret';
const FAST = { firstDelayMs: 5, maxDelayMs: 20 };

const lines: string[] = [];
const log: Logger = {
  debug: (msg, f) => void lines.push(JSON.stringify({ msg, ...f })),
  info: (msg, f) => void lines.push(JSON.stringify({ msg, ...f })),
  warn: (msg, f) => void lines.push(JSON.stringify({ msg, ...f })),
  error: (msg, f) => void lines.push(JSON.stringify({ msg, ...f })),
};

let ca: LabCertificate;
let server: UploadServer;
let proxy: Tinyproxy;
let dir: string | undefined;
let uploader: Uploader | undefined;

beforeAll(async () => {
  ca = await generateLabCertificate({ commonName: 'tscm uploader test CA', isCa: true });
  server = await startUploadServer({
    host: HOST,
    certificate: await generateLabCertificate({ hosts: [HOST], ca }),
    token: TOKEN,
  });
  proxy = await startTinyproxy({
    host: HOST,
    connectPorts: [server.port],
    auth: { username: 'up', password: PASSWORD },
  });
});

afterEach(async () => {
  await uploader?.close();
  uploader = undefined;
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

afterAll(async () => {
  await proxy?.stop();
  await server?.close();
  // Every log line of every case above, successes and failures alike: no secret in any.
  const all = lines.join('\n');
  expect(all).not.toContain(PASSWORD);
  expect(all).not.toContain(TOKEN);
});

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Writes rotated files as the store would; returns their sha256 by file path. */
async function spool(device: string, seqs: readonly number[]): Promise<Map<string, string>> {
  dir ??= await mkdtemp(join(tmpdir(), 'tscm-upload-'));
  await mkdir(join(dir, device), { recursive: true });
  const written = new Map<string, string>();
  for (const seq of seqs) {
    const path = join(dir, device, `syslog.${String(seq).padStart(6, '0')}.gz`);
    const body = gzipSync(`<190>Nov 30 12:00:00 ${device} %ASA-4-106023: Deny tcp seq ${seq} ${Math.random()}\n`);
    await writeFile(path, body);
    written.set(path, sha(body));
  }
  return written;
}

function start(extra: Partial<UploaderOptions> & { target?: Partial<UploadTarget> | null } = {}): Uploader {
  const { target, ...rest } = extra;
  uploader = createUploader({
    dir: dir!,
    log,
    retry: FAST,
    requestTimeoutMs: 5000,
    uploadAtStart: false,
    targetFor: (device) =>
      target === null ? null : { url: server.url, deviceId: `ID-${device}`, ca: ca.cert, token: TOKEN, ...target },
    ...rest,
  });
  return uploader;
}

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const spoolEmpty = async (device: string): Promise<boolean> => (await listSpool(dir!, device)).length === 0;
const storedShas = (): Set<string> => new Set(server.stored().map((s) => s.sha256));

describe('uploader', () => {
  it("kicked: sends every device's files, oldest first per device, each once, deleting them after the 2xx", async () => {
    const files = new Map([
      ...(await spool('fw-a', [3, 1, 2])),
      ...(await spool('fw-b', [7])),
      ...(await spool('fw-c', [1, 2])),
    ]);
    const before = server.requests().length;
    start().kick();
    await until(
      async () => (await spoolEmpty('fw-a')) && (await spoolEmpty('fw-b')) && (await spoolEmpty('fw-c')),
      'an empty spool',
    );
    const got = server.requests().slice(before);
    expect(got.map((r) => r.outcome).every((o) => o === 201)).toBe(true);
    expect(new Set(got.map((r) => r.sha256))).toEqual(new Set(files.values()));
    expect(got).toHaveLength(files.size);
    const order = got.filter((r) => r.headers['x-tscm-device'] === 'fw-a').map((r) => r.headers['x-tscm-file']);
    expect(order).toEqual(['syslog.000001.gz', 'syslog.000002.gz', 'syslog.000003.gz']);
    expect(got.find((r) => r.headers['x-tscm-device'] === 'fw-b')?.headers['x-tscm-device-id']).toBe('ID-fw-b');
    await until(() => uploader!.counters().uploaded === 6, 'the counters');
    expect(uploader!.counters()).toMatchObject({ uploaded: 6, failures: 0, pending: 0 });
  });

  it('an endpoint failing 3 times then recovering: every file arrives exactly once, kept until its 2xx', async () => {
    const files = await spool('edge', [1, 2, 3, 4]);
    server.script({ status: 503 }, { status: 500 }, { status: 413 });
    const before = server.requests().length;
    const up = start();
    // The first failure, made by hand: the file is still there, the outcome says why.
    const [first] = await up.uploadNow('edge');
    expect(first).toMatchObject({ device: 'edge', file: 'syslog.000001.gz', result: 'failed', httpStatus: 503 });
    expect([...files.keys()].every((p) => existsSync(p))).toBe(true);
    up.kick();
    await until(() => spoolEmpty('edge'), 'the spool to drain');
    // The file goes first, the counters right after it.
    await until(() => up.counters().uploaded === 4, 'the counters');
    const got = server.requests().slice(before);
    expect(got.map((r) => r.outcome)).toEqual([503, 500, 413, 201, 201, 201, 201]);
    // Every failed attempt was the oldest file again: nothing skipped ahead of it.
    expect(got.slice(0, 4).every((r) => r.headers['x-tscm-file'] === 'syslog.000001.gz')).toBe(true);
    for (const h of files.values()) expect(server.stored().filter((s) => s.sha256 === h)).toHaveLength(1);
    expect(up.counters()).toMatchObject({ uploaded: 4, failures: 3, pending: 0 });
    expect(lines.some((l) => l.includes('"file":"syslog.000001.gz"') && l.includes('answered HTTP 413'))).toBe(true);
  });

  it('the reply lost after the endpoint stored the file: the retry carries the same key, stored once', async () => {
    const files = await spool('core', [9]);
    const [path, hash] = [...files][0]!;
    server.script({ reset: true });
    const up = start();
    expect(await up.uploadNow('core')).toEqual([
      expect.objectContaining({ result: 'failed', reason: expect.stringContaining('closed before a reply') }),
    ]);
    expect(existsSync(path)).toBe(true);
    expect(await up.uploadNow('core')).toEqual([
      { device: 'core', file: 'syslog.000009.gz', bytes: expect.any(Number), result: 'uploaded', httpStatus: 200 },
    ]);
    expect(existsSync(path)).toBe(false);
    expect(server.stored().filter((s) => s.sha256 === hash)).toHaveLength(1);
    const tries = server.requests().filter((r) => r.sha256 === hash);
    expect(tries.map((r) => [r.outcome, r.duplicate])).toEqual([
      ['reset', false],
      [200, true],
    ]);
    expect(new Set(tries.map((r) => r.headers['idempotency-key'])).size).toBe(1);
  });

  it('through tinyproxy: sent; with a wrong proxy password: kept, and the log names the credentials, not them', async () => {
    const files = await spool('branch', [1, 2]);
    const good = start({ target: { proxy: { url: proxy.url, username: 'up', password: PASSWORD } } });
    expect((await good.uploadNow()).map((o) => o.result)).toEqual(['uploaded', 'uploaded']);
    for (const h of files.values()) expect(storedShas().has(h)).toBe(true);
    expect(await proxy.log()).toContain(`CONNECT ${HOST}:${server.port}`);
    await good.close();

    const kept = await spool('branch', [3]);
    const bad = start({ target: { proxy: { url: proxy.url, username: 'up', password: 'nope' } } });
    const [out] = await bad.uploadNow('branch');
    expect(out).toMatchObject({ result: 'failed', reason: expect.stringContaining('refused the credentials') });
    expect([...kept.keys()].every((p) => existsSync(p))).toBe(true);
    expect(lines.at(-1)).toContain('refused the credentials (logs.proxy.username/password)');
  });

  it('a device that keeps its files (targetFor null): nothing sent, the files reported as kept', async () => {
    const files = await spool('quiet', [1, 2]);
    const before = server.requests().length;
    const up = start({ target: null, uploadAtStart: true });
    expect((await up.uploadNow()).map((o) => [o.file, o.result])).toEqual([
      ['syslog.000001.gz', 'kept'],
      ['syslog.000002.gz', 'kept'],
    ]);
    up.kick();
    await up.close();
    expect(server.requests().length).toBe(before);
    expect([...files.keys()].every((p) => existsSync(p))).toBe(true);
  });

  it('close() waits for the upload in flight, then stops before the next file', async () => {
    const [first, second] = [...(await spool('slow', [1, 2])).keys()];
    let release = (): void => undefined;
    server.script({ waitFor: new Promise<void>((r) => (release = r)) });
    const up = start();
    let settled = false;
    const seen = server.seen();
    const now = up.uploadNow('slow').then((o) => ((settled = true), o));
    await until(() => server.seen() > seen, 'the first upload to reach the server');
    let closed = false;
    const closing = up.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(settled).toBe(true);
    expect((await now).map((o) => [o.file, o.result])).toEqual([['syslog.000001.gz', 'uploaded']]);
    expect([existsSync(first!), existsSync(second!)]).toEqual([false, true]);
    expect(await up.uploadNow()).toEqual([]);
  });

  it('a file that vanished meanwhile (another run sent it) is skipped, not reported', async () => {
    const [, second, third] = [...(await spool('gone', [1, 2, 3])).keys()];
    let release = (): void => undefined;
    server.script({ waitFor: new Promise<void>((r) => (release = r)) });
    const up = start();
    const seen = server.seen();
    const now = up.uploadNow('gone');
    await until(() => server.seen() > seen, 'the first upload to reach the server');
    await rm(second!);
    release();
    expect((await now).map((o) => [o.file, o.result])).toEqual([
      ['syslog.000001.gz', 'uploaded'],
      ['syslog.000003.gz', 'uploaded'],
    ]);
    expect(existsSync(third!)).toBe(false);
  });

  it("lists only the store's exact names: no temp files, symlinks, odd names or unsafe device folders", async () => {
    await spool('lst', [2, 10]);
    const folder = join(dir!, 'lst');
    await writeFile(join(folder, 'syslog.000003.gz.tmp'), 'partial');
    await writeFile(join(folder, 'syslog.12.gz'), 'short number');
    await writeFile(join(folder, 'syslog'), 'the active file');
    await symlink('/etc/passwd', join(folder, 'syslog.000004.gz'));
    expect((await listSpool(dir!, 'lst')).map((f) => f.seq)).toEqual([2, 10]);
    expect(await listSpool(dir!, '..')).toEqual([]);
    expect((await readdir(join(dir!, 'lst'))).length).toBe(6);
  });
});
