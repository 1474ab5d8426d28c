// Counts what each device's ACL lines say, per time bucket, and persists the buckets under
// `<dir>/<device>/hits/`. observe() is on the receive path: a message without an ACL marker costs a few native
// Buffer.indexOf calls and no string; a deny line is parsed once and counted in memory. Counts reach disk on
// flush(), when a device moves to a new bucket, and on close(); a flush adds the counts to what the file holds
// (a restart within the hour keeps both halves).

import { mkdir, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../model.js';
import { parseAclLogLine } from './acl-log-line.js';
import {
  BucketCounts,
  BucketFileError,
  bucketFileName,
  bucketStartOfName,
  readBucketFile,
  serializeBucket,
} from './bucket-file.js';
import { writeFileAtomic } from '../../plan/atomic-write.js';
import { buildPrefixMatcher, type PrefixMatcher } from './prefix-matcher.js';

export interface HitRecorderOptions {
  readonly dir: string;
  readonly log: Logger;
  /** default 1 h */
  readonly bucketMs?: number;
  /** default 100000: distinct keys (addresses, ACLs, entries) one bucket keeps; beyond, an `other` counter */
  readonly maxKeysPerBucket?: number;
  /** default 35 days: older bucket files are deleted when a device moves to a new bucket */
  readonly retainMs?: number;
  readonly now?: () => number;
}

export interface HitCounters {
  readonly perDevice: Readonly<
    Record<
      string,
      { readonly aclLines: number; readonly denied: number; readonly blockHits: number; readonly allowHits: number }
    >
  >;
}

export interface HitRecorder {
  /** Counts a message's ACL line (if any) for the device. Cheap; persisted on flush (and every bucket change). */
  observe(device: string, raw: Buffer, at: number): void;
  /** The device's current group entries, for block/allow hit counting (the pipeline sets them from the state). */
  setEntries(device: string, entries: { readonly block: readonly string[]; readonly allow: readonly string[] }): void;
  counters(): HitCounters;
  flush(): Promise<void>;
  close(): Promise<void>;
}

// The byte needles of every marker parseAclLogLine knows: IOS/IPv6/IOS-XE/IOS-XR lines all hold "ACCESSLOG".
const NEEDLES = ['ACCESSLOG', '%ASA-', '%FTD-', '%PIX-'].map((s) => Buffer.from(s, 'latin1'));
/** A message is read up to here for its ACL line (the parser reads no further either). */
const MAX_MESSAGE = 8192;
const SAFE_DEVICE = /^[A-Za-z0-9._-]{1,128}$/;

interface DeviceHits {
  /** Counts not yet on disk, by bucket start. */
  readonly pending: Map<number, BucketCounts>;
  lastBucket: number;
  block: PrefixMatcher | null;
  allow: PrefixMatcher | null;
  readonly totals: { aclLines: number; denied: number; blockHits: number; allowHits: number };
}

export async function openHitRecorder(opts: HitRecorderOptions): Promise<HitRecorder> {
  const bucketMs = opts.bucketMs ?? 3_600_000;
  const maxKeys = opts.maxKeysPerBucket ?? 100_000;
  const retainMs = opts.retainMs ?? 35 * 86_400_000;
  const now = opts.now ?? Date.now;
  if (!(bucketMs >= 1000 && Number.isSafeInteger(bucketMs))) throw new RangeError('bucketMs must be >= 1000');
  const devices = new Map<string, DeviceHits>();
  const refused = new Set<string>();
  let chain: Promise<void> = Promise.resolve();
  let closed = false;

  const deviceOf = (name: string): DeviceHits | null => {
    let d = devices.get(name);
    if (d) return d;
    if (!SAFE_DEVICE.test(name) || name === '.' || name === '..') {
      if (!refused.has(name) && refused.size < 100) {
        refused.add(name);
        opts.log.warn('hits: device name is not a safe folder name; its ACL lines are not counted', {
          device: name.slice(0, 64),
        });
      }
      return null;
    }
    d = {
      pending: new Map(),
      lastBucket: -Infinity,
      block: null,
      allow: null,
      totals: { aclLines: 0, denied: 0, blockHits: 0, allowHits: 0 },
    };
    devices.set(name, d);
    return d;
  };

  const flushBucket = async (name: string, delta: BucketCounts): Promise<void> => {
    const file = path.join(opts.dir, name, 'hits', bucketFileName(delta.start, bucketMs));
    let merged = delta;
    try {
      const onDisk = await readBucketFile(file, name, maxKeys);
      if (onDisk !== null) {
        onDisk.merge(delta);
        merged = onDisk;
      }
    } catch (err) {
      // A file that cannot be read now (I/O, permissions) fails this flush: the counts wait for the next one.
      if (!(err instanceof BucketFileError) || !err.damaged) throw err;
      // A damaged bucket is kept aside for a person to look at; the new counts start a fresh file.
      opts.log.warn('hits: a damaged bucket file was moved aside', { file, reason: err.message });
      await rename(file, `${file}.damaged`).catch(() => undefined);
    }
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, serializeBucket(name, merged));
  };

  const flushDevice = async (name: string, d: DeviceHits): Promise<void> => {
    const pending = [...d.pending.values()];
    d.pending.clear();
    for (let k = 0; k < pending.length; k++) {
      try {
        await flushBucket(name, pending[k]!);
      } catch (err) {
        // Not stored (a full disk, an unreadable file): these counts and the ones after wait for the next flush.
        for (const left of pending.slice(k)) {
          const again = d.pending.get(left.start);
          if (again === undefined) d.pending.set(left.start, left);
          else again.merge(left);
        }
        throw err;
      }
    }
  };

  const prune = async (name: string): Promise<void> => {
    const folder = path.join(opts.dir, name, 'hits');
    const names = await readdir(folder).catch(() => [] as string[]);
    const oldest = now() - retainMs;
    for (const n of names) {
      const start = bucketStartOfName(n);
      if (start !== null && start + bucketMs < oldest) await unlink(path.join(folder, n)).catch(() => undefined);
    }
  };

  const enqueue = (work: () => Promise<void>): Promise<void> => {
    const next = chain.then(work);
    chain = next.catch((err: unknown) => {
      opts.log.error('hits: writing the hit buckets failed', { error: String(err) });
    });
    return next;
  };

  const flushAll = (): Promise<void> =>
    enqueue(async () => {
      for (const [name, d] of devices) if (d.pending.size > 0) await flushDevice(name, d);
    });

  const count = (d: DeviceHits, raw: Buffer, at: number): void => {
    const text = (raw.length > MAX_MESSAGE ? raw.subarray(0, MAX_MESSAGE) : raw).toString('latin1');
    const line = parseAclLogLine(text);
    if (line === null) return;
    const start = Math.floor(at / bucketMs) * bucketMs;
    let b = d.pending.get(start);
    if (b === undefined) d.pending.set(start, (b = new BucketCounts(start, start + bucketMs, maxKeys)));
    const n = line.count;
    b.totals.aclLines++;
    d.totals.aclLines++;
    if (line.acl !== undefined) b.addAcl(line.acl, line.action, n);
    if (line.action === 'denied') {
      b.totals.deniedPackets += n;
      d.totals.denied += n;
      b.add(b.deniedSources, line.src, n);
      if (line.dst !== '') b.add(b.deniedDestinations, line.dst, n);
      const entries = new Set<string>();
      for (const a of [line.src, line.dst]) {
        const e = a === '' ? null : (d.block?.lookup(a) ?? null);
        if (e !== null) entries.add(e);
      }
      for (const e of entries) b.add(b.blockEntries, e, n);
      if (entries.size > 0) {
        b.totals.blockHits += n;
        d.totals.blockHits += n;
      }
    } else {
      b.totals.permittedPackets += n;
    }
    let allowed = false;
    for (const a of [line.src, line.dst]) {
      const e = a === '' ? null : (d.allow?.lookup(a) ?? null);
      if (e !== null) {
        b.addAllow(e, a, n);
        allowed = true;
      }
    }
    if (allowed) {
      b.totals.allowHits += n;
      d.totals.allowHits += n;
    }
  };

  return {
    observe(device, raw, at) {
      if (closed || !NEEDLES.some((needle) => raw.indexOf(needle) !== -1)) return;
      const d = deviceOf(device);
      if (d === null) return;
      count(d, raw, at);
      const bucket = Math.floor(at / bucketMs);
      if (bucket > d.lastBucket) {
        const moved = d.lastBucket !== -Infinity;
        d.lastBucket = bucket;
        // A new bucket: what the last one counted goes to disk now, and old files go.
        if (moved) void enqueue(() => flushDevice(device, d).then(() => prune(device))).catch(() => undefined);
      }
    },
    setEntries(device, entries) {
      const d = deviceOf(device);
      if (d === null) return;
      const block = buildPrefixMatcher(entries.block);
      const allow = buildPrefixMatcher(entries.allow);
      if (block.invalid + allow.invalid > 0) {
        opts.log.warn('hits: entries that are not prefixes were ignored', {
          device,
          invalid: block.invalid + allow.invalid,
        });
      }
      d.block = block.matcher;
      d.allow = allow.matcher;
    },
    counters() {
      const perDevice: Record<string, HitCounters['perDevice'][string]> = {};
      for (const [name, d] of devices) perDevice[name] = { ...d.totals };
      return { perDevice };
    },
    flush: flushAll,
    async close() {
      if (closed) return chain;
      closed = true;
      await flushAll();
    },
  };
}
