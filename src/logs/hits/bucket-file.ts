// One bucket of a device's ACL hits (an hour by default) as counts in memory and as a JSON file
// `<logDir>/<device>/hits/<YYYY-MM-DDTHH>.json`. Counts are packets as the device logged them (IOS "N packets",
// ASA hit-cnt), except `aclLines`. Every map is bounded by the bucket's key limit: keys beyond it go to `other`.
// The files are written atomically (temp file, fsync, rename) and read back as untrusted input: a damaged or
// hostile file is an error naming the file, never quoting it.

import { parsePrefix } from '../../cidr/index.js';
import { FileReadError, readLimitedFile } from '../../config/limited-file.js';
import { normaliseAddress } from './acl-log-line.js';

export const BUCKET_FORMAT_VERSION = 1;
const BUCKET_FILE = { noun: 'a hit bucket file', maxBytes: 64 * 1024 * 1024 };
const MAX_COUNT = Number.MAX_SAFE_INTEGER;
const ACL_NAME = /^[\x21-\x7e]{1,128}$/;

export interface BucketTotals {
  aclLines: number;
  deniedPackets: number;
  permittedPackets: number;
  blockHits: number;
  allowHits: number;
}

export const TOTAL_KEYS: readonly (keyof BucketTotals)[] = [
  'aclLines',
  'deniedPackets',
  'permittedPackets',
  'blockHits',
  'allowHits',
];

/** A bucket's counts. Maps, not objects: keys are untrusted text (an ACL named `__proto__` is just a key). */
export class BucketCounts {
  readonly totals: BucketTotals = { aclLines: 0, deniedPackets: 0, permittedPackets: 0, blockHits: 0, allowHits: 0 };
  readonly deniedSources = new Map<string, number>();
  readonly deniedDestinations = new Map<string, number>();
  readonly acls = new Map<string, { denied: number; permitted: number }>();
  readonly blockEntries = new Map<string, number>();
  /** allow entry -> address -> packets */
  readonly allowEntries = new Map<string, Map<string, number>>();
  other = 0;
  private keys = 0;

  constructor(
    readonly start: number,
    readonly end: number,
    private readonly maxKeys: number,
  ) {}

  /** Adds `n` under `key` of `map` when the key exists or the bound allows a new one; else counts it as other. */
  add(map: Map<string, number>, key: string, n: number): void {
    const had = map.get(key);
    if (had !== undefined) map.set(key, sat(had + n));
    else if (this.take()) map.set(key, n);
    else this.other = sat(this.other + n);
  }

  addAcl(acl: string, action: 'denied' | 'permitted', n: number): void {
    let row = this.acls.get(acl);
    if (row === undefined) {
      if (!this.take()) {
        this.other = sat(this.other + n);
        return;
      }
      this.acls.set(acl, (row = { denied: 0, permitted: 0 }));
    }
    row[action] = sat(row[action] + n);
  }

  addAllow(entry: string, address: string, n: number): void {
    let per = this.allowEntries.get(entry);
    if (per === undefined) {
      if (!this.take()) {
        this.other = sat(this.other + n);
        return;
      }
      this.allowEntries.set(entry, (per = new Map()));
    }
    this.add(per, address, n);
  }

  /** Adds every count of `b` (same period) into this bucket, within this bucket's bound. */
  merge(b: BucketCounts): void {
    for (const k of TOTAL_KEYS) this.totals[k] = sat(this.totals[k] + b.totals[k]);
    for (const [k, n] of b.deniedSources) this.add(this.deniedSources, k, n);
    for (const [k, n] of b.deniedDestinations) this.add(this.deniedDestinations, k, n);
    for (const [k, row] of b.acls) {
      if (row.denied > 0) this.addAcl(k, 'denied', row.denied);
      if (row.permitted > 0) this.addAcl(k, 'permitted', row.permitted);
    }
    for (const [k, n] of b.blockEntries) this.add(this.blockEntries, k, n);
    for (const [entry, per] of b.allowEntries) for (const [a, n] of per) this.addAllow(entry, a, n);
    this.other = sat(this.other + b.other);
  }

  private take(): boolean {
    if (this.keys >= this.maxKeys) return false;
    this.keys++;
    return true;
  }
}

function sat(n: number): number {
  return n > MAX_COUNT ? MAX_COUNT : n;
}

/** The file name of the bucket starting at `start`: the hour (UTC) for hourly buckets, to the second otherwise. */
export function bucketFileName(start: number, bucketMs: number): string {
  const iso = new Date(start).toISOString();
  return bucketMs % 3_600_000 === 0 ? `${iso.slice(0, 13)}.json` : `${iso.slice(0, 19).replace(/:/g, '-')}.json`;
}

/** The start time a bucket file name stands for, or null when the name is not a bucket file's. */
export function bucketStartOfName(name: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})(?:-(\d{2})-(\d{2}))?\.json$/.exec(name);
  if (m === null) return null;
  const t = Date.parse(`${m[1]}T${m[2]}:${m[3] ?? '00'}:${m[4] ?? '00'}Z`);
  return Number.isNaN(t) ? null : t;
}

export function serializeBucket(device: string, b: BucketCounts): string {
  const doc = {
    formatVersion: BUCKET_FORMAT_VERSION,
    device,
    start: new Date(b.start).toISOString(),
    end: new Date(b.end).toISOString(),
    totals: b.totals,
    deniedSources: sortedObject(b.deniedSources),
    deniedDestinations: sortedObject(b.deniedDestinations),
    acls: sortedObject(b.acls),
    blockEntries: sortedObject(b.blockEntries),
    allowEntries: Object.fromEntries([...b.allowEntries].sort(byKey).map(([k, per]) => [k, sortedObject(per)])),
    other: b.other,
  };
  return JSON.stringify(doc) + '\n';
}

function byKey<T>(a: [string, T], b: [string, T]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function sortedObject<T>(map: ReadonlyMap<string, T>): Record<string, T> {
  return Object.fromEntries([...map].sort(byKey));
}

/** Why a bucket file was refused; `file` is its path, the message never quotes the content. */
export class BucketFileError extends Error {
  override readonly name = 'BucketFileError';
  constructor(
    readonly file: string,
    reason: string,
    /** true: the content is not a bucket; false: the file could not be read (I/O, permissions). */
    readonly damaged = true,
  ) {
    super(`${file}: ${reason}; the file is skipped (move it away or delete it)`);
  }
}

/** Reads and checks a bucket file; null when it does not exist. */
export async function readBucketFile(file: string, device: string, maxKeys: number): Promise<BucketCounts | null> {
  let bytes: Buffer;
  try {
    bytes = await readLimitedFile(file, BUCKET_FILE);
  } catch (err) {
    if (err instanceof FileReadError && err.code === 'ENOENT') return null;
    const tooLarge = err instanceof FileReadError && (err.code === 'too-large' || err.code === 'not-regular');
    throw new BucketFileError(file, err instanceof FileReadError ? err.problem : 'cannot be read', tooLarge);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new BucketFileError(file, 'is not valid JSON');
  }
  const fail = (what: string): never => {
    throw new BucketFileError(file, `is not a hit bucket of ${device} (${what})`);
  };
  if (!isRecord(doc) || doc.formatVersion !== BUCKET_FORMAT_VERSION) fail('formatVersion');
  const d = doc as Record<string, unknown>;
  if (d.device !== device) fail('device');
  const start = typeof d.start === 'string' ? Date.parse(d.start) : NaN;
  const end = typeof d.end === 'string' ? Date.parse(d.end) : NaN;
  if (!(start < end)) fail('start, end');
  // Every key is re-counted against the bound: a hand-grown file cannot make a bucket unbounded.
  const b = new BucketCounts(start, end, maxKeys);
  const totals = isRecord(d.totals) ? d.totals : fail('totals');
  for (const k of TOTAL_KEYS) b.totals[k] = countOf(totals[k]) ?? fail(`totals.${k}`);
  b.other = countOf(d.other) ?? fail('other');
  const isAddress = (k: string) => normaliseAddress(k) === k;
  const isEntry = (k: string) => parsePrefix(k) !== null;
  readCounts(d.deniedSources, isAddress, fail, 'deniedSources', (k, n) => b.add(b.deniedSources, k, n));
  readCounts(d.deniedDestinations, isAddress, fail, 'deniedDestinations', (k, n) => b.add(b.deniedDestinations, k, n));
  readCounts(d.blockEntries, isEntry, fail, 'blockEntries', (k, n) => b.add(b.blockEntries, k, n));
  if (!isRecord(d.acls)) fail('acls');
  for (const [k, row] of Object.entries(d.acls as Record<string, unknown>)) {
    if (!ACL_NAME.test(k) || !isRecord(row)) fail('acls');
    const r = row as Record<string, unknown>;
    const denied = countOf(r.denied) ?? fail('acls');
    const permitted = countOf(r.permitted) ?? fail('acls');
    if (denied > 0) b.addAcl(k, 'denied', denied);
    if (permitted > 0) b.addAcl(k, 'permitted', permitted);
  }
  if (!isRecord(d.allowEntries)) fail('allowEntries');
  for (const [entry, per] of Object.entries(d.allowEntries as Record<string, unknown>)) {
    if (!isEntry(entry)) fail('allowEntries');
    readCounts(per, isAddress, fail, 'allowEntries', (a, n) => b.addAllow(entry, a, n));
  }
  return b;
}

function readCounts(
  value: unknown,
  keyOk: (k: string) => boolean,
  fail: (what: string) => never,
  what: string,
  add: (k: string, n: number) => void,
): void {
  if (!isRecord(value)) fail(what);
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const n = countOf(v);
    if (n === null || !keyOk(k)) fail(what);
    add(k, n!);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function countOf(v: unknown): number | null {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null;
}
