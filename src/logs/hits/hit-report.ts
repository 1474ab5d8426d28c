// What `tscm hits` prints: a device's hit buckets over a period, added up and set against its current block and
// allow entries. The shape is stable (formatVersion) and documented in README.md; `tscm hits --json` prints it.

import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { parsePrefix, prefixesFromStrings, prefixesToStrings } from '../../cidr/index.js';
import { BucketCounts, BucketFileError, bucketStartOfName, readBucketFile } from './bucket-file.js';
import { buildPrefixMatcher } from './prefix-matcher.js';

export const HIT_REPORT_FORMAT_VERSION = 1;
/** Keys the period's sum keeps (each bucket holds at most its own bound; a day of full buckets is cut here). */
const REPORT_MAX_KEYS = 1_000_000;

export interface AddressHits {
  readonly address: string;
  readonly packets: number;
  /** The current block entry holding the address, or null. */
  readonly blockEntry: string | null;
}

export interface HitReport {
  readonly formatVersion: 1;
  readonly device: string;
  /** The period asked for, ISO 8601; buckets are counted whole when they overlap it. */
  readonly since: string;
  readonly until: string;
  /** Bucket files read, and those refused (name and why; never their content). */
  readonly buckets: number;
  readonly skippedFiles: readonly { readonly file: string; readonly reason: string }[];
  readonly totals: {
    readonly aclLines: number;
    readonly deniedPackets: number;
    readonly permittedPackets: number;
    readonly blockHits: number;
    readonly allowHits: number;
    /** Packets counted under no key: a bucket's key bound was reached. */
    readonly other: number;
  };
  readonly topSources: readonly AddressHits[];
  readonly topDestinations: readonly AddressHits[];
  readonly acls: readonly { readonly acl: string; readonly denied: number; readonly permitted: number }[];
  readonly blockEntries: {
    /** Current block entries. */
    readonly total: number;
    readonly withHits: number;
    /** Busiest first; `current` false: the entry has left the block list since. */
    readonly top: readonly { readonly entry: string; readonly packets: number; readonly current: boolean }[];
    /** Current entries without a hit in the period: how many, and the first (address order). */
    readonly neverHit: { readonly count: number; readonly first: readonly string[] };
  };
  /** Traffic of allow-list entries; likelyFalsePositive: the address is in the block list too. */
  readonly allowHits: readonly {
    readonly entry: string;
    readonly address: string;
    readonly packets: number;
    readonly blockEntry: string | null;
    readonly likelyFalsePositive: boolean;
    /** false: the entry has left the allow list since. */
    readonly current: boolean;
  }[];
}

export interface HitReportOptions {
  readonly dir: string;
  readonly device: string;
  readonly since: number;
  readonly until: number;
  readonly top: number;
  readonly block: readonly string[];
  readonly allow: readonly string[];
}

export async function readHitReport(opts: HitReportOptions): Promise<HitReport> {
  const folder = path.join(opts.dir, opts.device, 'hits');
  const sum = new BucketCounts(opts.since, opts.until, REPORT_MAX_KEYS);
  const skippedFiles: { file: string; reason: string }[] = [];
  let buckets = 0;
  for (const name of (await listNames(folder)).sort()) {
    const start = bucketStartOfName(name);
    if (start === null || start >= opts.until) continue;
    try {
      const b = await readBucketFile(path.join(folder, name), opts.device, REPORT_MAX_KEYS);
      if (b === null || b.end <= opts.since || b.start >= opts.until) continue;
      sum.merge(b);
      buckets++;
    } catch (err) {
      if (!(err instanceof BucketFileError)) throw err;
      skippedFiles.push({ file: name, reason: err.message });
    }
  }
  const block = canonical(opts.block);
  const allow = canonical(opts.allow);
  const blockMatcher = buildPrefixMatcher(block).matcher;
  const top = Math.max(1, Math.floor(opts.top));
  const addressHits = (map: ReadonlyMap<string, number>): AddressHits[] =>
    busiest(map, top).map(([address, packets]) => ({ address, packets, blockEntry: blockMatcher.lookup(address) }));
  const current = new Set(block);
  const neverHit = block.filter((e) => !sum.blockEntries.has(e));
  const currentAllow = new Set(allow);
  const allowRows = [...sum.allowEntries].flatMap(([entry, per]) =>
    [...per].map(([address, packets]) => {
      const blockEntry = blockMatcher.lookup(address);
      const current = currentAllow.has(entry);
      return { entry, address, packets, blockEntry, likelyFalsePositive: blockEntry !== null, current };
    }),
  );
  allowRows.sort((a, b) => b.packets - a.packets || cmp(a.entry, b.entry) || cmp(a.address, b.address));
  return {
    formatVersion: HIT_REPORT_FORMAT_VERSION,
    device: opts.device,
    since: new Date(opts.since).toISOString(),
    until: new Date(opts.until).toISOString(),
    buckets,
    skippedFiles,
    totals: { ...sum.totals, other: sum.other },
    topSources: addressHits(sum.deniedSources),
    topDestinations: addressHits(sum.deniedDestinations),
    acls: [...sum.acls]
      .sort((a, b) => b[1].denied + b[1].permitted - (a[1].denied + a[1].permitted) || cmp(a[0], b[0]))
      .slice(0, top)
      .map(([acl, r]) => ({ acl, denied: r.denied, permitted: r.permitted })),
    blockEntries: {
      total: block.length,
      withHits: block.length - neverHit.length,
      top: busiest(sum.blockEntries, top).map(([entry, packets]) => ({ entry, packets, current: current.has(entry) })),
      neverHit: { count: neverHit.length, first: neverHit.slice(0, top) },
    },
    allowHits: allowRows.slice(0, top),
  };
}

async function listNames(folder: string): Promise<string[]> {
  try {
    return await readdir(folder);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Canonical CIDR text in address order (the recorder's keys); entries that are not prefixes are left out. */
function canonical(entries: readonly string[]): string[] {
  return prefixesToStrings(prefixesFromStrings(entries.filter((e) => parsePrefix(e) !== null)));
}

function busiest(map: ReadonlyMap<string, number>, top: number): [string, number][] {
  return [...map].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0])).slice(0, top);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
