// Each crash point of a rotation, recreated by leaving the files a crash there would leave; and the log folder as
// untrusted ground (symlinks planted where tscm writes).
import { mkdir, readdir, readFile, rename, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { RotatedFile } from '../model.js';
import { listSpool, openLogStore, type LogStoreOptions } from './log-store.js';
import { deviceFiles, deviceLines, recordingLogger, tempDir } from './test-helpers.js';

function options(dir: string, over: Partial<LogStoreOptions> = {}): LogStoreOptions {
  return {
    dir,
    rotateBytesFor: () => 100,
    rotateIntervalMs: 3_600_000,
    spoolMaxBytes: 1 << 30,
    log: recordingLogger(),
    ...over,
  };
}

/** The folder's files but the rotation-number marker (seq-marker.ts). */
const files = async (folder: string) => (await readdir(folder)).filter((n) => n !== '.last-seq');

async function deviceFolder(files: Record<string, string | Buffer>): Promise<{ dir: string; folder: string }> {
  const dir = await tempDir();
  const folder = join(dir, 'fw1');
  await mkdir(folder);
  for (const [name, content] of Object.entries(files)) await writeFile(join(folder, name), content);
  return { dir, folder };
}

describe('log store recovery: each crash point of a rotation', () => {
  it('renamed but not compressed: the plain file is compressed, announced and counted; numbering goes on', async () => {
    const { dir, folder } = await deviceFolder({ 'syslog.000003': 'a\nb\n', syslog: 'c\n' });
    const rotated: RotatedFile[] = [];
    const store = await openLogStore(options(dir, { onRotated: (f) => rotated.push(f) }));
    expect(rotated).toEqual([
      { device: 'fw1', seq: 3, path: join(folder, 'syslog.000003.gz'), bytes: expect.any(Number) },
    ]);
    expect(store.counters().spoolBytes).toBe(rotated[0]!.bytes);
    store.append('fw1', Buffer.from('d'));
    expect((await store.rotate('fw1')).map((f) => f.seq)).toEqual([4]);
    await store.close();
    expect((await files(folder)).sort()).toEqual(['syslog', 'syslog.000003.gz', 'syslog.000004.gz']);
    expect(await deviceLines(dir, 'fw1')).toEqual(['a', 'b', 'c', 'd']);
  });

  it('compressing: a partial .gz.tmp beside the plain file is thrown away and the compression redone', async () => {
    const full = gzipSync('x\ny\n');
    const { dir, folder } = await deviceFolder({
      'syslog.000001': 'x\ny\n',
      'syslog.000001.gz.tmp': full.subarray(0, 8),
    });
    const store = await openLogStore(options(dir));
    await store.close();
    expect(await readdir(folder)).toEqual(['syslog.000001.gz']);
    expect(await deviceLines(dir, 'fw1')).toEqual(['x', 'y']);
  });

  it('compressed and renamed, plain not yet removed: the plain file is removed, the .gz kept as it is', async () => {
    const gz = gzipSync('kept\n');
    const { dir, folder } = await deviceFolder({ 'syslog.000002': 'kept\n', 'syslog.000002.gz': gz });
    const rotated: RotatedFile[] = [];
    const store = await openLogStore(options(dir, { onRotated: (f) => rotated.push(f) }));
    await store.close();
    expect(rotated).toEqual([]); // nothing new: the uploader finds it in the spool
    expect(await readdir(folder)).toEqual(['syslog.000002.gz']);
    expect(await readFile(join(folder, 'syslog.000002.gz'))).toEqual(gz);
  });

  it('a .gz.tmp left beside its finished .gz is removed', async () => {
    const gz = gzipSync('one\n');
    const { dir, folder } = await deviceFolder({ 'syslog.000005.gz': gz, 'syslog.000005.gz.tmp': gz.subarray(0, 5) });
    const store = await openLogStore(options(dir));
    await store.close();
    expect(await readdir(folder)).toEqual(['syslog.000005.gz']);
  });

  it('a lone .gz.tmp that gunzips whole is kept as the .gz; a truncated one is set aside, warned, not spooled', async () => {
    const whole = gzipSync('whole\n');
    const cut = gzipSync('some longer text that will be cut short\n'.repeat(20));
    const { dir, folder } = await deviceFolder({
      'syslog.000001.gz.tmp': whole,
      'syslog.000002.gz.tmp': cut.subarray(0, cut.length - 6),
    });
    const log = recordingLogger();
    const store = await openLogStore(options(dir, { log }));
    store.append('fw1', Buffer.from('next'));
    expect((await store.rotate()).map((f) => f.seq)).toEqual([3]);
    await store.close();
    expect((await files(folder)).sort()).toEqual([
      'syslog',
      'syslog.000001.gz',
      'syslog.000002.gz.damaged',
      'syslog.000003.gz',
    ]);
    expect((await listSpool(dir)).map((f) => f.seq)).toEqual([1, 3]);
    expect(log.records.find((r) => r.level === 'warn')?.fields?.path).toBe(join(folder, 'syslog.000002.gz.damaged'));
  });

  it('a leftover active file is appended to and counts toward the rotation size', async () => {
    const { dir } = await deviceFolder({ syslog: `${'o'.repeat(89)}\n`, 'notes.txt': 'mine', 'syslog.bak': 'b' });
    const store = await openLogStore(options(dir));
    store.append('fw1', Buffer.from('n'.repeat(19))); // 90 + 20 > 100: rotated first
    await store.close();
    const { rotated, active } = await deviceFiles(dir, 'fw1');
    expect(rotated).toEqual([`${'o'.repeat(89)}\n`]);
    expect(active).toBe(`${'n'.repeat(19)}\n`);
    expect((await files(join(dir, 'fw1'))).sort()).toEqual(['notes.txt', 'syslog', 'syslog.000001.gz', 'syslog.bak']);
  });
});

describe('log store: symlinks in the log folder are never followed', () => {
  it('a device folder that is a symlink: its messages are dropped and counted, nothing written through it', async () => {
    const dir = await tempDir();
    const outside = await tempDir('tscm-outside-');
    await symlink(outside, join(dir, 'fw1'));
    const log = recordingLogger();
    const store = await openLogStore(options(dir, { log }));
    store.append('fw1', Buffer.from('evil'));
    await store.rotate();
    await store.close();
    expect(await readdir(outside)).toEqual([]);
    expect(store.counters().perDevice.fw1).toMatchObject({ messages: 0, droppedRefused: 1 });
    expect(log.records.some((r) => r.level === 'warn' && r.fields?.device === 'fw1')).toBe(true);
  });

  it('a device folder planted as a symlink after start is refused when first written', async () => {
    const dir = await tempDir();
    const outside = await tempDir('tscm-outside-');
    const log = recordingLogger();
    const store = await openLogStore(options(dir, { log }));
    await symlink(outside, join(dir, 'late'));
    store.append('late', Buffer.from('evil'));
    await store.flush();
    store.append('late', Buffer.from('evil again'));
    await store.close();
    expect(await readdir(outside)).toEqual([]);
    expect(log.records.find((r) => r.level === 'error')?.fields).toMatchObject({ device: 'late' });
    expect(store.counters().perDevice.late).toMatchObject({ messages: 0, droppedRefused: 2 });
  });

  it('a device folder swapped for a symlink while written: the rotation is refused, nothing goes through it', async () => {
    const dir = await tempDir();
    const outside = await tempDir('tscm-outside-');
    const log = recordingLogger();
    const store = await openLogStore(options(dir, { log }));
    store.append('sw', Buffer.from('before'));
    await store.flush();
    await rename(join(dir, 'sw'), join(dir, 'sw-moved'));
    await symlink(outside, join(dir, 'sw'));
    store.append('sw', Buffer.from('after'));
    await store.rotate('sw');
    store.append('sw', Buffer.from('later'));
    await store.close();
    expect(await readdir(outside)).toEqual([]);
    expect(await readFile(join(dir, 'sw-moved', 'syslog'), 'utf8')).toBe('before\nafter\n');
    expect(store.counters().perDevice.sw).toMatchObject({ droppedRefused: 1, rotations: 0 });
    expect(log.records.some((r) => r.level === 'error' && /changed under tscm/.test(r.msg))).toBe(true);
  });

  it('an active file that is a symlink is refused; a rotated name that is a symlink is left alone', async () => {
    const dir = await tempDir();
    const outside = await tempDir('tscm-outside-');
    const target = join(outside, 'passwd');
    await writeFile(target, 'root:x:0:0\n');
    await mkdir(join(dir, 'fw1'));
    await symlink(target, join(dir, 'fw1', 'syslog'));
    await mkdir(join(dir, 'fw2'));
    await symlink(target, join(dir, 'fw2', 'syslog.000001'));
    const store = await openLogStore(options(dir));
    store.append('fw1', Buffer.from('evil'));
    store.append('fw2', Buffer.from('fine'));
    await store.rotate();
    await store.close();
    expect(await readFile(target, 'utf8')).toBe('root:x:0:0\n');
    expect(await readdir(outside)).toEqual(['passwd']);
    expect(store.counters().perDevice.fw1).toMatchObject({ droppedRefused: 1 });
    // fw2's numbering skips the link's number; the link itself stays.
    expect((await files(join(dir, 'fw2'))).sort()).toEqual(['syslog', 'syslog.000001', 'syslog.000002.gz']);
    expect(await deviceLines(dir, 'fw2')).toEqual(['fine']);
  });
});

describe('listSpool', () => {
  it('lists the .gz files oldest first per device, ignoring plain, tmp, damaged, unknown and linked entries', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'b'));
    await mkdir(join(dir, 'a'));
    await mkdir(join(dir, '.hidden'));
    const gz = gzipSync('z\n');
    for (const n of ['syslog.000010.gz', 'syslog.000002.gz', 'syslog.000011', 'syslog.000012.gz.tmp', 'x.gz'])
      await writeFile(join(dir, 'b', n), gz);
    await writeFile(join(dir, 'b', 'syslog.000003.gz.damaged'), gz);
    await writeFile(join(dir, 'a', 'syslog.000001.gz'), gz);
    await writeFile(join(dir, '.hidden', 'syslog.000001.gz'), gz);
    await symlink(join(dir, 'a', 'syslog.000001.gz'), join(dir, 'b', 'syslog.000004.gz'));
    await symlink(join(dir, 'a'), join(dir, 'c'));
    expect((await listSpool(dir)).map((f) => `${f.device}:${f.seq}:${f.bytes}`)).toEqual([
      `a:1:${gz.length}`,
      `b:2:${gz.length}`,
      `b:10:${gz.length}`,
    ]);
    expect((await listSpool(dir, 'b')).map((f) => f.path)).toEqual([
      join(dir, 'b', 'syslog.000002.gz'),
      join(dir, 'b', 'syslog.000010.gz'),
    ]);
    expect(await listSpool(dir, 'c')).toEqual([]);
    expect(await listSpool(join(dir, 'missing'))).toEqual([]);
  });
});

describe('log store recovery: a write cut short', () => {
  it('ends a partial last line with an LF, so the next message starts on its own line', async () => {
    const { dir } = await deviceFolder({ syslog: 'whole\npart' });
    const log = recordingLogger();
    const store = await openLogStore(options(dir, { log }));
    store.append('fw1', Buffer.from('next'));
    await store.close();
    expect(await deviceLines(dir, 'fw1')).toEqual(['whole', 'part', 'next']);
    expect(log.records.some((r) => r.level === 'warn' && /partial line/.test(r.msg))).toBe(true);
  });
});

describe('log store: rotation numbers are never reused', () => {
  it('goes on after the uploader sent and deleted every file and the store was reopened', async () => {
    const dir = await tempDir();
    const first = await openLogStore(options(dir));
    first.append('fw1', Buffer.from('one'));
    first.append('fw1', Buffer.from('two'));
    const sent = [...(await first.rotate('fw1'))];
    expect(sent.map((f) => f.seq)).toEqual([1]);
    first.append('fw1', Buffer.from('three'));
    sent.push(...(await first.rotate('fw1')));
    await first.close();
    for (const f of sent) await unlink(f.path); // what the uploader does after each 2xx
    expect(await listSpool(dir, 'fw1')).toEqual([]);
    const again = await openLogStore(options(dir));
    again.append('fw1', Buffer.from('four'));
    expect((await again.rotate('fw1')).map((f) => f.seq)).toEqual([3]);
    await again.close();
  });

  it('a marker that is not a number, or is a symlink, is ignored: the files on disk still bound the number', async () => {
    const { dir, folder } = await deviceFolder({ 'syslog.000007.gz': gzipSync('x\n'), '.last-seq': 'ninety\n' });
    const store = await openLogStore(options(dir));
    store.append('fw1', Buffer.from('y'));
    expect((await store.rotate('fw1')).map((f) => f.seq)).toEqual([8]);
    await store.close();
    const elsewhere = join(await tempDir(), 'target');
    await writeFile(elsewhere, '500\n');
    const other = await deviceFolder({});
    await symlink(elsewhere, join(other.folder, '.last-seq'));
    const planted = await openLogStore(options(other.dir));
    planted.append('fw1', Buffer.from('z'));
    expect((await planted.rotate('fw1')).map((f) => f.seq)).toEqual([1]);
    await planted.close();
    expect(await readFile(elsewhere, 'utf8')).toBe('500\n'); // nothing written through the link
    expect(await readFile(join(other.folder, '.last-seq'), 'utf8')).toBe('1\n'); // the link replaced
    expect(await readdir(folder)).toContain('.last-seq');
  });
});
