// The apply journal (<stateDir>/<device>/journal.jsonl): before each window of an apply is sent, the member adds
// it carries are appended here and fsync'd. If the run dies (kill -9, power cut) before it records its state, the
// next run reads the journal: the journaled members it finds on the device are tscm's own adds, so they enter the
// inventory instead of being mistaken for an administrator's. A window is small (advanced.applyWindow members), so
// each write is small; the file lives only until the run (or the next one) records a state read from the device.

import { open, readFile, unlink } from 'node:fs/promises';
import { parseCidrText, prefixesToStrings } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import { ConfigError } from '../errors.js';
import { writeFileAtomic } from '../plan/atomic-write.js';
import { mergeInventories } from '../plan/ownership.js';
import type { GroupRole, Inventory } from '../plan/model.js';
import { journalFilePath } from './device-paths.js';

export interface JournalEntry {
  /** `host:port` of the endpoint the window went to. */
  readonly endpoint: string;
  readonly group: string;
  readonly role: GroupRole;
  /** The window creates the group (it did not exist when the plan was made). */
  readonly create: boolean;
  readonly add: PrefixList;
}

const GROUP_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const ENDPOINT = /^[^\s]{1,300}$/;

export function endpointKey(e: { readonly host: string; readonly port: number }): string {
  return `${e.host}:${e.port}`;
}

/** Appends the entries as one write and fsyncs it: when this returns, a crash cannot lose them. */
export async function appendJournal(stateDir: string, device: string, entries: readonly JournalEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const handle = await open(journalFilePath(stateDir, device), 'a', 0o600);
  try {
    await handle.writeFile(entries.map(encodeEntry).join(''));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function encodeEntry(e: JournalEntry): string {
  const add = prefixesToStrings(e.add).join('\n');
  return `${JSON.stringify({ endpoint: e.endpoint, group: e.group, role: e.role, create: e.create, add })}\n`;
}

/**
 * The journal's entries (none when there is no journal). A last line without its newline was being written when
 * the run died: it was never sent (the write is fsync'd before the window goes out), so it is dropped. Any other
 * damage is a ConfigError naming the file and line, never silently "no journal".
 */
export async function readJournal(stateDir: string, device: string): Promise<JournalEntry[]> {
  const file = journalFilePath(stateDir, device);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const lines = text.split('\n');
  lines.pop(); // the part after the last newline: '' or a torn write
  return lines.map((line, i) => decodeEntry(line, `${file}:${i + 1}`));
}

function decodeEntry(line: string, where: string): JournalEntry {
  const damaged = (what: string): ConfigError =>
    new ConfigError(
      `apply journal ${where}: ${what}`,
      'the journal was edited or damaged; move it aside, then run `tscm plan --adopt` after checking the device',
    );
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw damaged('not valid JSON');
  }
  const { endpoint, group, role, create, add } = v ?? {};
  if (typeof endpoint !== 'string' || !ENDPOINT.test(endpoint)) throw damaged('bad endpoint');
  if (typeof group !== 'string' || !GROUP_NAME.test(group)) throw damaged('bad group name');
  if (role !== 'block' && role !== 'allow') throw damaged('bad role');
  if (typeof create !== 'boolean') throw damaged('bad create flag');
  if (typeof add !== 'string') throw damaged('bad member list');
  const parsed = parseCidrText(add, where);
  if (parsed.errors.length > 0 || parsed.hostBitsCount > 0) throw damaged('a member is not a valid prefix');
  return { endpoint, group, role, create, add: parsed.list };
}

/** Replaces the journal with `entries` (removes it when there are none). */
export async function writeJournal(stateDir: string, device: string, entries: readonly JournalEntry[]): Promise<void> {
  const file = journalFilePath(stateDir, device);
  if (entries.length === 0) {
    await unlink(file).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    return;
  }
  await writeFileAtomic(file, entries.map(encodeEntry).join(''));
}

/**
 * What the journal may have given tscm on one endpoint: its members count as tscm's where the device has them
 * (planning intersects with the device), and a group it created counts as created if it exists.
 */
export function journalInventory(entries: readonly JournalEntry[], endpoint: string): Inventory {
  const groups = entries
    .filter((e) => e.endpoint === endpoint)
    .map((e) => ({ name: e.group, role: e.role, created: e.create, members: e.add }));
  return mergeInventories({ groups });
}
