// Upload end to end: `tscm syslog` rotating and uploading through a real HTTP CONNECT proxy (tinyproxy, Basic auth)
// to a local HTTPS endpoint that fails, loses a reply, then recovers: every rotated file stored once, nothing lost
// (what the endpoint stored, gunzipped in order, followed by what is still local, is exactly what was sent);
// `tscm logs DEVICE` against the running receiver and without one; wrong proxy credentials named; the proxy password
// and the upload token in no output and no file.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { generateLabCertificate } from '../../src/lab/tls-cert.js';
import { runTscm } from '../helpers/cli.js';
import {
  deviceLines,
  HAVE_LOGGER,
  linesFiled,
  logger,
  loopback,
  makeDefinitions,
  startSyslog,
  stopAll,
  until,
  type Definitions,
} from '../helpers/syslog-cli.js';
import { startTinyproxy, type Tinyproxy } from '../helpers/tinyproxy.js';
import { startUploadServer, type UploadServer } from '../helpers/upload-server.js';

const HAVE_TINYPROXY = spawnSync('tinyproxy', ['-v']).status === 0;

let defs: Definitions | undefined;
let server: UploadServer | undefined;
let proxy: Tinyproxy | undefined;
afterEach(async () => {
  await stopAll();
  await proxy?.stop();
  await server?.close();
  await defs?.close();
  defs = server = proxy = undefined;
});

const SECRETS = {
  TSCM_E2E_PROXY_USER: 'logship',
  TSCM_E2E_PROXY_PASSWORD: 'px-' + randomBytes(12).toString('hex'),
  TSCM_E2E_UPLOAD_TOKEN: 'tok-' + randomBytes(16).toString('hex'),
};
const secretValues = [SECRETS.TSCM_E2E_PROXY_PASSWORD, SECRETS.TSCM_E2E_UPLOAD_TOKEN];

/** Every file under the folder, gunzipped when it is a .gz, as text. */
async function allFileText(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const body = await readFile(path.join(e.parentPath, e.name)).catch(() => Buffer.alloc(0));
    parts.push((e.name.endsWith('.gz') ? gunzipSync(body) : body).toString('latin1'));
  }
  return parts.join('\n');
}

async function setUp(proxyPassword = SECRETS.TSCM_E2E_PROXY_PASSWORD) {
  const host = loopback();
  const certificate = await generateLabCertificate({ commonName: 'upload.e2e', hosts: [host] });
  server = await startUploadServer({ host, certificate, token: SECRETS.TSCM_E2E_UPLOAD_TOKEN });
  proxy = await startTinyproxy({
    host: loopback(),
    connectPorts: [server.port],
    auth: { username: SECRETS.TSCM_E2E_PROXY_USER, password: proxyPassword },
  });
  defs = await makeDefinitions(
    [
      {
        name: 'fw-a',
        host: '127.0.0.1',
        extra: `logs:
  upload: true
  proxy:
    url: ${proxy.url}
    username: { env: TSCM_E2E_PROXY_USER }
    password: { env: TSCM_E2E_PROXY_PASSWORD }`,
      },
    ],
    `  uploadUrl: ${server.url}
  uploadCa: upload-ca.pem
  uploadToken: { env: TSCM_E2E_UPLOAD_TOKEN }
  retry: { firstDelay: 1s, maxDelay: 1s }
`,
  );
  await writeFile(path.join(defs.dir, 'upload-ca.pem'), certificate.cert);
  return { defs, server, proxy };
}

const lines = (tag: string, from: number, n: number) =>
  Array.from({ length: n }, (_, i) => `${tag} seq=${String(from + i).padStart(5, '0')}`);

/** A filed line without the header logger put on it. */
const text = (line: string) => /\S+ seq=\d+$/.exec(line)?.[0] ?? line;

/** The gunzipped bodies the endpoint stored, in the order stored (the uploader sends oldest first), as lines. */
function storedLines(s: UploadServer): string[] {
  return s
    .stored()
    .flatMap((u) => gunzipSync(u.body).toString('latin1').split('\n'))
    .filter((l) => l !== '')
    .map(text);
}

describe.skipIf(!HAVE_LOGGER || !HAVE_TINYPROXY)('device log upload through tinyproxy', () => {
  it('uploads through the proxy with back-off over failures, each file once, nothing lost; tscm logs with and without a receiver', async () => {
    const { defs, server, proxy } = await setUp();
    // the endpoint: two failures, then one upload stored whose reply is lost, then healthy
    server.script({ status: 503 }, { status: 500 }, { reset: true });
    const rx = await startSyslog(defs, { env: SECRETS });
    const to = ['-n', rx.host, '-P', String(rx.port), '-T', '-t', 'asa'];
    const sent: string[] = [];
    const send = async (batch: string[]) => {
      sent.push(...batch);
      await logger(to, batch.join('\n') + '\n');
      // filed: what is still local plus what the endpoint already holds (the uploader may run meanwhile)
      await until(`${sent.length} lines filed`, async () => {
        const local = await deviceLines(defs.logDir, 'fw-a');
        return local.length + storedLines(server).length >= sent.length ? true : undefined;
      });
    };

    await send(lines('batch-a', 0, 300));
    // tscm logs DEVICE asks the running receiver: it rotates, the upload fails (503), the file is kept
    const first = await runTscm(['logs', 'fw-a', '--dir', defs.dir], { env: SECRETS });
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toMatch(
      /^fw-a\s+syslog\.\d{6}\.gz\s+\d+ bytes\s+failed: .*503.*\(kept, the receiver retries it\)$/m,
    );

    await send(lines('batch-b', 300, 300));
    const second = await runTscm(['logs', 'fw-a', '--dir', defs.dir, '--json'], { env: SECRETS });
    const report = JSON.parse(second.stdout) as { via: string; rotated: unknown[]; uploads: unknown[] };
    expect(report, second.stdout).toMatchObject({ via: 'receiver', rotated: [expect.anything()] });

    // the receiver's own back-off retries until the endpoint recovers: every rotated file ends up stored, once
    await until(
      'every rotated file uploaded',
      async () => {
        const local = await readdir(path.join(defs.logDir, 'fw-a'));
        return server.stored().length >= 2 && !local.some((n) => n.endsWith('.gz')) ? true : undefined;
      },
      15_000,
    );
    await send(lines('batch-c', 600, 200));
    expect((await rx.stop()).code).toBe(0);

    // no receiver now: tscm logs claims the folder, rotates what batch-c left, uploads it
    const third = await runTscm(['logs', 'fw-a', '--dir', defs.dir], { env: SECRETS });
    expect(third.code, third.stdout + third.stderr).toBe(0);
    expect(third.stdout).toMatch(/^fw-a\s+syslog\.\d{6}\.gz\s+\d+ bytes\s+uploaded \(HTTP 201\)$/m);

    // each stored body once (by file and digest)
    const stored = server.stored().map((u) => `${u.file} ${u.sha256}`);
    expect(new Set(stored).size).toBe(stored.length);
    // numbered on across the restart although the uploads had emptied the folder: never two files of one name
    expect(server.stored().map((u) => u.file)).toEqual(['syslog.000001.gz', 'syslog.000002.gz', 'syslog.000003.gz']);
    for (const u of server.stored()) expect(u).toMatchObject({ device: 'fw-a', deviceId: 'tdid_fwa' });
    // the reply lost after storing: the retry carried the same Idempotency-Key, the endpoint kept one copy
    expect(server.duplicates()).toBe(1);
    const local = (await deviceLines(defs.logDir, 'fw-a')).map(text);
    expect([...storedLines(server), ...local]).toEqual(sent);
    expect(local).toEqual([]);
    // every request went through the proxy's CONNECT tunnel
    expect(await proxy.log()).toContain(`CONNECT`);
    expect(server.requests().every((r) => r.headers.authorization === `Bearer ${SECRETS.TSCM_E2E_UPLOAD_TOKEN}`)).toBe(
      true,
    );

    const everything = [rx.stdout(), rx.stderr(), first.stdout, first.stderr, second.stdout, second.stderr];
    everything.push(third.stdout, third.stderr, await allFileText(defs.logDir));
    for (const secret of secretValues) for (const text of everything) expect(text).not.toContain(secret);
  });

  it('names refused proxy credentials and keeps the file (tscm logs without a receiver)', async () => {
    const { defs, server } = await setUp('not-the-password');
    const rx = await startSyslog(defs, { env: SECRETS });
    await logger(['-n', rx.host, '-P', String(rx.port), '-T', '-t', 'asa'], lines('kept', 0, 50).join('\n') + '\n');
    await linesFiled(defs.logDir, 'fw-a', 50);
    expect((await rx.stop()).code).toBe(0);

    const r = await runTscm(['logs', 'fw-a', '--dir', defs.dir], { env: SECRETS });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/failed: the proxy \S+ refused the credentials \(logs\.proxy\.username\/password\)/);
    expect(r.stdout).toMatch(/\(kept until the next tscm logs or receiver start\)$/m); // no receiver retries it
    expect(server.requests()).toEqual([]);
    expect((await deviceLines(defs.logDir, 'fw-a')).map(text)).toEqual(lines('kept', 0, 50));
    for (const secret of secretValues) expect(r.stdout + r.stderr).not.toContain(secret);
  });
});
