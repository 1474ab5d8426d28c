// `tscm syslog` under load and rotating: a 100,000-message burst over several TCP connections filed with none lost
// and none twice while the file rotates by size (rotateKb 50: every rotated file near 50 KB, numbered, gzip'd), and
// rotation by time (rotateInterval 1s) of a file that is not empty, never of an empty one.

import { readFile, stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  linesFiled,
  logger,
  HAVE_LOGGER,
  makeDefinitions,
  rotatedFiles,
  startSyslog,
  stopAll,
  until,
  type Definitions,
} from '../helpers/syslog-cli.js';

let defs: Definitions | undefined;
afterEach(async () => {
  await stopAll();
  await defs?.close();
  defs = undefined;
});

const BURST = 100_000;
const CONNECTIONS = 4;
const ROTATE_BYTES = 50 * 1024;

/** Message i: an ASA deny line (~130 bytes) carrying its sequence number. */
const message = (i: number) =>
  `<164>Nov 30 2026 13:52:${String(i % 60).padStart(2, '0')}: %ASA-4-106023: Deny tcp src outside:198.18.${(i >> 8) & 255}.${i & 255}/${1024 + (i % 60000)} dst inside:10.0.0.1/443 by access-group "outside_in" seq=${i}`;

/** Reads the device's files, gunzipping each rotated file once (they never change once renamed into place). */
function fileReader(logDir: string, device: string) {
  const cache = new Map<string, { text: string; lines: number }>();
  const countLines = (text: string) => {
    let n = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
    return n;
  };
  return async () => {
    const rotated = await rotatedFiles(logDir, device);
    for (const f of rotated) {
      if (cache.has(f)) continue;
      const text = gunzipSync(await readFile(f)).toString('latin1');
      cache.set(f, { text, lines: countLines(text) });
    }
    const active = await readFile(path.join(logDir, device, 'syslog'), 'latin1').catch(() => '');
    const lines = rotated.reduce((n, f) => n + cache.get(f)!.lines, countLines(active));
    return { rotated: rotated.map((f) => ({ path: f, text: cache.get(f)!.text })), active, lines };
  };
}

describe('tscm syslog under a burst', () => {
  it(`files ${BURST.toLocaleString('en')} TCP messages with none lost or doubled, rotating by size`, async () => {
    defs = await makeDefinitions([{ name: 'fw-a', host: '127.0.0.1', extra: 'logs: { rotateKb: 50 }' }]);
    const rx = await startSyslog(defs);
    const per = BURST / CONNECTIONS;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, (_, c) => {
        const parts: string[] = [];
        for (let i = c * per; i < (c + 1) * per; i++) parts.push(message(i), '\n');
        const payload = Buffer.from(parts.join(''));
        return new Promise<void>((resolve, reject) => {
          const socket = net.connect({ host: rx.host, port: rx.port }, () => socket.end(payload, resolve));
          socket.on('error', reject);
        });
      }),
    );
    const read = fileReader(defs.logDir, 'fw-a');
    const files = await until(
      'every message filed',
      async () => {
        const f = await read();
        return f.lines >= BURST ? f : undefined;
      },
      30_000,
    );
    const seen = new Uint8Array(BURST);
    const wrong: string[] = [];
    for (const text of [...files.rotated.map((r) => r.text), files.active]) {
      for (const line of text.split('\n')) {
        if (line === '') continue;
        const seq = Number(/ seq=(\d+)$/.exec(line)?.[1] ?? -1);
        if (line !== message(seq) || seen[seq] === 1) wrong.push(line);
        else seen[seq] = 1;
      }
    }
    // (plain checks in the loop, one expect after it: 100,000 expect calls would cost seconds)
    expect(wrong.slice(0, 5), 'lines changed, unknown or filed twice').toEqual([]);
    expect(seen.every((x) => x === 1)).toBe(true);
    // rotation by size: ~10 MB in files of about 50 KB, numbered 1, 2, 3, ... without a gap
    expect(files.rotated.length).toBeGreaterThan(150);
    const numbers = files.rotated.map((r) => Number(path.basename(r.path).split('.')[1]));
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
    for (const r of files.rotated) {
      expect(r.text.length).toBeGreaterThan(ROTATE_BYTES - 200);
      expect(r.text.length).toBeLessThan(ROTATE_BYTES + 200);
    }
    expect(files.active.length).toBeLessThan(ROTATE_BYTES + 200);
    expect((await rx.stop()).code).toBe(0);
  });
});

describe.skipIf(!HAVE_LOGGER)('tscm syslog rotating by time', () => {
  it('rotates a non-empty file every rotateInterval (1s) and never an empty one', async () => {
    defs = await makeDefinitions([{ name: 'fw-a', host: '127.0.0.1' }], '  rotateInterval: 1s\n');
    const rx = await startSyslog(defs);
    const read = fileReader(defs.logDir, 'fw-a');
    for (let round = 1; round <= 2; round++) {
      await logger(['-n', rx.host, '-P', String(rx.port), '-T', '-t', 'asa', `timed rotation ${round}`]);
      await linesFiled(defs.logDir, 'fw-a', round);
      // the tick rotates it: one more .gz holding just this message, the active file emptied
      const files = await until(`rotation ${round}`, async () => {
        const f = await read();
        return f.rotated.length >= round && f.active === '' ? f : undefined;
      });
      expect(files.rotated).toHaveLength(round);
      expect(files.rotated.map((r) => r.text)).toEqual(
        Array.from({ length: round }, (_, i) => expect.stringMatching(new RegExp(`timed rotation ${i + 1}\\n$`))),
      );
    }
    // no empty file was rotated in between (2 rotations, 2 messages, each .gz one line)
    const files = await read();
    expect(files.rotated.map((r) => r.text.split('\n').length - 1)).toEqual([1, 1]);
    for (const r of files.rotated) expect((await stat(r.path)).size).toBeGreaterThan(0);
    expect((await rx.stop()).code).toBe(0);
  });
});
