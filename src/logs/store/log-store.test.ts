import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RotatedFile } from '../model.js';
import { listSpool, openLogStore, type LogStoreOptions } from './log-store.js';
import { deviceFiles, deviceLines, recordingLogger, tempDir } from './test-helpers.js';

function options(dir: string, over: Partial<LogStoreOptions> = {}): LogStoreOptions {
  return {
    dir,
    rotateBytesFor: () => 1000,
    rotateIntervalMs: 3_600_000,
    spoolMaxBytes: 1 << 30,
    log: recordingLogger(),
    ...over,
  };
}

/** A line of exactly `bytes` bytes on disk (its LF included). */
const line = (tag: string, bytes: number) => Buffer.from(`${tag}${'x'.repeat(bytes - 1 - tag.length)}`);

describe('log store: lines and escaping', () => {
  it('writes one line per message, CR, LF and NUL escaped as rsyslog does, bytes otherwise unchanged', async () => {
    const dir = await tempDir();
    const store = await openLogStore(options(dir));
    store.append('r1', Buffer.from('<189>a\r\nb\0c'));
    store.append('r1', Buffer.from([0x3c, 0x31, 0x3e, 0xff, 0xe9, 0x23, 0x30]));
    store.append('r1', Buffer.from('trailing\n'));
    await store.flush();
    const text = await readFile(join(dir, 'r1', 'syslog'));
    expect(text).toEqual(
      Buffer.concat([
        Buffer.from('<189>a#015#012b#000c\n'),
        Buffer.from([0x3c, 0x31, 0x3e, 0xff, 0xe9, 0x23, 0x30, 0x0a]),
        Buffer.from('trailing#012\n'),
      ]),
    );
    expect(store.counters().perDevice.r1).toMatchObject({ messages: 3, bytes: text.length, rotations: 0 });
    await store.close();
  });

  it('refuses a device name that is not a safe path segment', async () => {
    const dir = await tempDir();
    const store = await openLogStore(options(dir));
    for (const bad of ['..', '.', '../etc', 'a/b', '', 'a b']) {
      expect(() => store.append(bad, Buffer.from('x'))).toThrow(/not a safe folder name/);
    }
    await store.close();
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('log store: rotation by size', () => {
  it('rotates when the file reaches the size exactly, and before a line that would pass it', async () => {
    const dir = await tempDir();
    const rotated: RotatedFile[] = [];
    const store = await openLogStore(options(dir, { rotateBytesFor: () => 100, onRotated: (f) => rotated.push(f) }));
    for (let i = 0; i < 10; i++) store.append('a', line(`a${i}`, 10)); // exactly 100 bytes: rotated
    store.append('a', line('b0', 10));
    for (let i = 0; i < 3; i++) store.append('b', line(`c${i}`, 30)); // 90 bytes; the next 30 would pass 100
    store.append('b', line('c3', 30));
    store.append('c', line('big', 150)); // one line alone larger than the limit: a file of its own
    store.append('c', line('small', 20));
    store.append('c', line('big2', 150)); // 20 + 150 > 100: rotated before it, then after it
    await store.close();

    const a = await deviceFiles(dir, 'a');
    expect(a.rotated.map((t) => t.length)).toEqual([100]);
    expect(a.active).toBe(`${line('b0', 10)}\n`);
    const b = await deviceFiles(dir, 'b');
    expect(b.rotated.map((t) => t.length)).toEqual([90]);
    expect(b.active.length).toBe(30);
    const c = await deviceFiles(dir, 'c');
    expect(c.rotated.map((t) => t.length)).toEqual([150, 20, 150]);
    expect(c.active).toBe('');
    expect(rotated.map((f) => `${f.device}:${f.seq}`).sort()).toEqual(['a:1', 'b:1', 'c:1', 'c:2', 'c:3']);
    for (const f of rotated) expect((await stat(f.path)).size).toBe(f.bytes);
  });

  it('keeps every line in order and rotates only when needed, whatever the line sizes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 40 }), async (sizes) => {
        const dir = await tempDir();
        const limit = 200;
        const store = await openLogStore(options(dir, { rotateBytesFor: () => limit }));
        const lines = sizes.map((n, i) => line(`${i}:`.slice(0, n - 1), n));
        for (const l of lines) store.append('d', l);
        await store.close();
        const { rotated, active } = await deviceFiles(dir, 'd');
        expect([...rotated, active].join('').split('\n').slice(0, -1)).toEqual(lines.map(String));
        const files = [...rotated, active];
        for (let i = 0; i < rotated.length; i++) {
          const f = rotated[i]!;
          const count = f.split('\n').length - 1;
          expect(f.length <= limit || count === 1).toBe(true);
          // Rotated only because it reached the limit or the next line would have passed it.
          const next = files[i + 1]!.indexOf('\n') + 1;
          expect(f.length >= limit || f.length + next > limit).toBe(true);
        }
      }),
      { numRuns: 12 },
    );
  });
});

describe('log store: rotation by time', () => {
  it('rotates each non-empty file when the interval has passed on the clock, and only then', async () => {
    const dir = await tempDir();
    let now = 1_000_000;
    const store = await openLogStore(options(dir, { rotateIntervalMs: 900_000, now: () => now }));
    store.append('a', Buffer.from('one'));
    store.append('b', Buffer.from('two'));
    await store.rotate('b'); // b is now empty: the tick must not rotate it again
    now += 899_999;
    expect(await store.tick()).toEqual([]);
    now += 1;
    const files = await store.tick();
    expect(files.map((f) => `${f.device}:${f.seq}`)).toEqual(['a:1']);
    expect(await deviceLines(dir, 'a')).toEqual(['one']);
    store.append('a', Buffer.from('three'));
    now += 1000;
    expect(await store.tick()).toEqual([]); // the next tick is a whole interval later
    now += 900_000;
    expect((await store.tick()).map((f) => f.seq)).toEqual([2]);
    expect(await store.tick()).toEqual([]);
    await store.close();
    expect((await listSpool(dir)).map((f) => `${f.device}:${f.seq}`)).toEqual(['a:1', 'a:2', 'b:1']);
  });

  it('runs the time rotation from its own timer', async () => {
    const dir = await tempDir();
    let resolve!: (f: RotatedFile) => void;
    const rotated = new Promise<RotatedFile>((r) => (resolve = r));
    const store = await openLogStore(options(dir, { rotateIntervalMs: 20, onRotated: (f) => resolve(f) }));
    store.append('t', Buffer.from('timed'));
    const file = await rotated;
    expect(file).toMatchObject({ device: 't', seq: 1 });
    await store.close();
    expect(await deviceLines(dir, 't')).toEqual(['timed']);
  });
});

describe('log store: restarts', () => {
  it('numbers rotations on from the highest on disk, and a close loses nothing appended', async () => {
    const dir = await tempDir();
    let store = await openLogStore(options(dir));
    store.append('r', Buffer.from('1'));
    await store.rotate();
    store.append('r', Buffer.from('2'));
    await store.rotate('r');
    store.append('r', Buffer.from('3'));
    await store.close(); // no rotation at close: '3' stays in the active file
    const spool = await listSpool(dir, 'r');
    expect(spool.map((f) => f.seq)).toEqual([1, 2]);
    await unlink(spool[0]!.path); // uploaded

    store = await openLogStore(options(dir));
    expect(store.counters().spoolBytes).toBe(spool[1]!.bytes);
    store.append('r', Buffer.from('4'));
    const [third] = await store.rotate('r');
    expect(third).toMatchObject({ device: 'r', seq: 3 });
    await store.close();
    expect(await deviceLines(dir, 'r')).toEqual(['2', '3', '4']);
  });

  it('files 100,000 messages across 50 devices, with rotations, every line exactly once and in order', async () => {
    const dir = await tempDir();
    const store = await openLogStore(options(dir, { rotateBytesFor: () => 100 * 1024, highWaterBytes: 1 << 20 }));
    const sent = new Map<string, string[]>();
    for (let i = 0; i < 100_000; i++) {
      const device = `dev-${i % 50}`;
      const msg = `<190>Nov 30 12:00:00 ${device} %SEC-6-IPACCESSLOGP: list BLOCK denied tcp 10.0.${i % 256}.1(1234) -> 10.1.1.1(443), 1 packet #${i}`;
      store.append(device, Buffer.from(msg));
      if (!sent.has(device)) sent.set(device, []);
      sent.get(device)!.push(msg);
      if (i % 5000 === 4999) await new Promise((r) => setImmediate(r)); // let writes and rotations interleave
    }
    await store.close();
    let rotations = 0;
    for (const [device, msgs] of sent) {
      expect(await deviceLines(dir, device)).toEqual(msgs);
      expect(store.counters().perDevice[device]!.rotations).toBe(2); // ~300 KB each at 100 KB per file
      rotations += 2;
    }
    expect((await listSpool(dir)).length).toBe(rotations);
  });
});

describe('log store: back-pressure', () => {
  it('is busy past the high-water mark and calls onDrain once back under half of it', async () => {
    const dir = await tempDir();
    const store = await openLogStore(options(dir, { highWaterBytes: 1000, flushIntervalMs: 60_000 }));
    let drains = 0;
    store.onDrain(() => drains++);
    for (let i = 0; i < 10; i++) store.append('p', line(`p${i}`, 99));
    expect(store.busy).toBe(false); // 990 bytes
    store.append('p', line('p10', 20));
    expect(store.busy).toBe(true);
    await store.flush();
    expect(store.busy).toBe(false);
    expect(drains).toBe(1);
    await store.close();
    expect((await deviceLines(dir, 'p')).length).toBe(11);
  });
});

describe('log store: spool bound', () => {
  it('drops new messages when the spool is full, counts and warns once a minute, and deletes nothing', async () => {
    const dir = await tempDir();
    const log = recordingLogger();
    let now = 5_000_000;
    const store = await openLogStore(options(dir, { spoolMaxBytes: 10, log, now: () => now }));
    store.append('s', Buffer.from('before'));
    const [first] = await store.rotate();
    expect(store.counters().spoolBytes).toBe(first!.bytes);
    store.append('s', Buffer.from('dropped 1'));
    store.append('s', Buffer.from('dropped 2'));
    now += 59_000;
    store.append('s', Buffer.from('dropped 3'));
    const warnings = log.records.filter((r) => r.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toBe(`log spool full (${first!.bytes} of 10 bytes): new messages of s are dropped`);
    expect(warnings[0]!.fields?.hint).toMatch(/logs\.spoolMb.*logs\.uploadUrl/);
    now += 1000;
    store.append('s', Buffer.from('dropped 4'));
    expect(log.records.filter((r) => r.level === 'warn')).toHaveLength(2);
    expect(store.counters().perDevice.s).toMatchObject({ messages: 1, droppedSpoolFull: 4 });
    await store.flush();
    expect((await listSpool(dir)).map((f) => f.path)).toEqual([first!.path]); // nothing unsent deleted

    await unlink(first!.path); // the uploader sent it
    store.noteRemoved(first!);
    store.append('s', Buffer.from('after'));
    await store.close();
    expect(await deviceLines(dir, 's')).toEqual(['after']);
  });

  it('notices files the uploader removed by rescanning the folder while full', async () => {
    const dir = await tempDir();
    let now = 0;
    const store = await openLogStore(options(dir, { spoolMaxBytes: 10, now: () => now }));
    store.append('s', Buffer.from('x'));
    const [file] = await store.rotate();
    await unlink(file!.path);
    store.append('s', Buffer.from('dropped')); // triggers a rescan
    expect(await store.rescanSpool()).toBe(0);
    now += 10_000;
    store.append('s', Buffer.from('kept'));
    await store.close();
    expect(await deviceLines(dir, 's')).toEqual(['kept']);
  });
});
