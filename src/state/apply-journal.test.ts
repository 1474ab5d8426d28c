import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prefixesFromStrings, prefixesToStrings } from '../cidr/index.js';
import { ConfigError } from '../errors.js';
import { appendJournal, journalInventory, readJournal, writeJournal, type JournalEntry } from './apply-journal.js';
import { deviceDir } from './device-paths.js';
import { mkdir } from 'node:fs/promises';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tscm-journal-'));
  await mkdir(deviceDir(dir, 'edge-1'), { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const entry = (endpoint: string, group: string, members: string[], create = false): JournalEntry => ({
  endpoint,
  group,
  role: 'block',
  create,
  add: prefixesFromStrings(members),
});

describe('apply journal', () => {
  it('appends windows and reads them back as each endpoint inventory', async () => {
    expect(await readJournal(dir, 'edge-1')).toEqual([]);
    await appendJournal(dir, 'edge-1', [entry('10.0.0.1:22', 'BLOCK', ['192.0.2.1/32'], true)]);
    await appendJournal(dir, 'edge-1', [
      entry('10.0.0.1:22', 'BLOCK', ['192.0.2.2/32', '2001:db8::/48']),
      entry('10.0.0.2:22', 'BLOCK', ['198.51.100.0/24']),
    ]);
    const entries = await readJournal(dir, 'edge-1');
    expect(entries).toHaveLength(3);
    const inv = journalInventory(entries, '10.0.0.1:22');
    expect(inv.groups).toHaveLength(1);
    expect(inv.groups[0]!.created).toBe(true);
    expect(prefixesToStrings(inv.groups[0]!.members)).toEqual(['192.0.2.1/32', '192.0.2.2/32', '2001:db8::/48']);
    expect(prefixesToStrings(journalInventory(entries, '10.0.0.2:22').groups[0]!.members)).toEqual(['198.51.100.0/24']);
    await writeJournal(dir, 'edge-1', entries.slice(2));
    expect(await readJournal(dir, 'edge-1')).toHaveLength(1);
    await writeJournal(dir, 'edge-1', []);
    expect(await readJournal(dir, 'edge-1')).toEqual([]);
  });

  it('drops a torn last line (never sent), and refuses any other damage naming file and line', async () => {
    await appendJournal(dir, 'edge-1', [entry('h:22', 'BLOCK', ['192.0.2.1/32'])]);
    const file = join(deviceDir(dir, 'edge-1'), 'journal.jsonl');
    await appendFile(file, '{"endpoint":"h:22","group":"BL');
    expect(await readJournal(dir, 'edge-1')).toHaveLength(1);
    const good = (await readFile(file, 'utf8')).split('\n')[0]!;
    for (const [bad, why] of [
      [good.replace('"BLOCK"', '"BLOCK\\nhostname x"'), /bad group name/],
      [good.replace('192.0.2.1/32', '0.0.0.0/0\\nnot-an-ip'), /not a valid prefix/],
      [good.replace('"block"', '"deny"'), /bad role/],
      ['[]', /bad endpoint/],
      ['{', /not valid JSON/],
    ] as const) {
      await writeFile(file, `${good}\n${bad}\n`);
      const err = await readJournal(dir, 'edge-1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(new RegExp(`journal.jsonl:2: `));
      expect((err as Error).message).toMatch(why);
    }
  });
});
