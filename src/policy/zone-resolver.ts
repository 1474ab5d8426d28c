// Resolves zone sources to prefix lists: SOA first, reuse the cached set when the serial is unchanged (any change
// refetches: no RFC 1982 ordering is needed to notice a change), else IXFR from the cached serial (ixfr.ts) or,
// without a usable cache or when IXFR does not work out, a full transfer; refuse an empty result, cache it.
// One ZoneResolver per run (or reconcile pass): each (server, zone) gets one SOA query and at most one transfer
// however many devices share it, and a serial checked first (checkSerial) is not asked again by resolve.
import type { PrefixList } from '../cidr/types.js';
import type { Endpoint, ZoneSource } from '../config/types.js';
import { InternalError } from '../errors.js';
import type { ZonePin } from '../plan/model.js';
import { transferZone } from './axfr.js';
import type { DecodedZone, DnsTimeouts } from './axfr.js';
import { readCidrFile } from './file-source.js';
import { requestIxfr } from './ixfr.js';
import { EmptyFeedError } from './empty-feed.js';
import { formatEndpoint } from './tcp-exchange.js';
import { readCachedZone, writeCachedZone } from './zone-cache.js';
import { checkZoneSerial } from './zone-serial.js';
import { CountingRecordDecoder, ONE_EACH } from './zone-tally.js';
import type { CountedZone } from './zone-tally.js';

/** How a resolved zone was obtained. */
export type ZoneTransferKind = 'cache' | 'ixfr' | 'axfr';

export interface ResolvedZone {
  readonly source: ZoneSource;
  readonly list: PrefixList;
  /** The SOA serial (zone sources only). */
  readonly serial?: number;
  /** sha256 of the decoded prefix list (cidr hashPrefixes): equal sets hash equal whatever the record order. */
  readonly sha256: string;
  readonly records: number;
  readonly decoded: number;
  readonly skipped: Record<string, number>;
  readonly fromCache: boolean;
  /** Zone sources: from the cache (serial unchanged), by IXFR onto the cache, or by a full transfer. */
  readonly transfer?: ZoneTransferKind;
  /** IXFR only: records the differences added and removed. */
  readonly added?: number;
  readonly removed?: number;
}

/** A fixed message plus structured fields (DESIGN.md convention 15); the drivers' Logger fits. */
export interface PolicyLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface ZoneResolverOptions {
  /** Where decoded zones are cached between runs, e.g. `<stateDir>/zones`. No cache when absent. */
  readonly cacheDir?: string;
  /** Connect and idle timeout of each DNS exchange. Default 10 s. */
  readonly timeoutMs?: number;
  /** Limit for one whole transfer. Default 5 min. */
  readonly totalTimeoutMs?: number;
  readonly log?: PolicyLog;
  /** Ask IXFR when a cached zone is behind (default true); false always transfers the whole zone. */
  readonly ixfr?: boolean;
  /** Told of each cache write instead of waiting for it (ZoneResolver.deferCacheWrites). */
  readonly onCacheWrite?: (write: Promise<void>) => void;
}

function describeSkipped(skipped: Record<string, number>): string {
  const parts = Object.entries(skipped).map(([reason, n]) => `${reason} ${n}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** Refuses a transfer that yields no prefixes: an empty feed never becomes an empty desired set. */
function requireContent(server: Endpoint, zone: string, z: DecodedZone): void {
  const at = `zone ${zone} on ${formatEndpoint(server)}`;
  if (z.records - (z.skipped['ns'] ?? 0) === 0) {
    throw new EmptyFeedError(
      `${at} is empty (no records besides SOA and NS); refused so that it never empties the device's group`,
      'check the policy on the server: a policy with no entries is not published as an empty list',
    );
  }
  if (z.decoded === 0) {
    throw new EmptyFeedError(
      `${at} has ${z.records} records but no rpz-ip trigger or A/AAAA record (skipped: ${describeSkipped(z.skipped)})`,
      'is this the right zone? tscm reads IP triggers (<prefix>.<reversed ip>.rpz-ip.<zone>) and A/AAAA records',
    );
  }
}

function timeoutsOf(opts: ZoneResolverOptions): DnsTimeouts {
  return {
    connectTimeoutMs: opts.timeoutMs ?? 10_000,
    idleTimeoutMs: opts.timeoutMs ?? 10_000,
    totalTimeoutMs: opts.totalTimeoutMs ?? 300_000,
  };
}

function zoneName(zone: string): string {
  return (zone.endsWith('.') ? zone.slice(0, -1) : zone).toLowerCase();
}

/** A full transfer, decoded with record counts so the cache can take IXFR differences later. */
async function transferCounted(server: Endpoint, zone: string, timeouts: DnsTimeouts): Promise<CountedZone> {
  const decoder = new CountingRecordDecoder(zone);
  const z = await transferZone(server, zone, { ...timeouts, decoder });
  return { ...z, counts: decoder.counts(z.list) };
}

type Resolved = Omit<ResolvedZone, 'source'>;

/**
 * Resolves one zone: SOA (unless `serial` was just asked), cache by serial, IXFR onto the cache, transfer.
 * `onTransfer` is told about each transfer started (an IXFR is one).
 */
export async function resolveZone(
  server: Endpoint,
  zone: string,
  opts: ZoneResolverOptions & { onTransfer?: () => void; serial?: number | Promise<number> } = {},
): Promise<Resolved> {
  const timeouts = timeoutsOf(opts);
  const name = zoneName(zone);
  const fields = { zone: name, server: formatEndpoint(server) };
  // The cache file is read while the SOA query is out (a 1M-entry cache is 5 MB to read and check).
  const cachedRead = opts.cacheDir
    ? readCachedZone(opts.cacheDir, server, name, (reason) =>
        opts.log?.warn('zone cache entry ignored', { ...fields, reason }),
      )
    : null;
  const serial = await (opts.serial ?? checkZoneSerial(server, name, timeouts));
  const cached = await cachedRead;
  if (cached && cached.serial === serial) {
    opts.log?.info('zone unchanged, using cache', { ...fields, serial });
    return withoutCounts(cached, { fromCache: true, transfer: 'cache' });
  }
  opts.onTransfer?.();
  if (cached && opts.ixfr !== false) {
    const r = await requestIxfr(server, name, cached, serial, timeouts);
    if (r.kind === 'updated') {
      const z = r.zone;
      requireContent(server, name, z);
      const { added, removed, sequences } = r;
      opts.log?.info('zone updated by IXFR', {
        ...fields,
        from: cached.serial,
        serial: z.serial,
        sequences,
        added,
        removed,
        records: z.records,
        decoded: z.decoded,
      });
      await cacheZone(opts, server, name, z, fields);
      return withoutCounts(z, { fromCache: false, transfer: 'ixfr', added, removed });
    }
    // 'current' cannot be the answer to a changed serial: the server contradicts its SOA, so transfer it all.
    const reason = r.kind === 'fallback' ? r.reason : `the server says serial ${cached.serial} is current`;
    opts.log?.info('zone IXFR not usable, full transfer', { ...fields, from: cached.serial, serial, reason });
  }
  // Without a cache nothing will take differences later: the plain decoder is enough.
  const z = opts.cacheDir
    ? await transferCounted(server, name, timeouts)
    : { ...(await transferZone(server, name, timeouts)), counts: ONE_EACH };
  requireContent(server, name, z);
  opts.log?.info('zone transferred', { ...fields, serial: z.serial, records: z.records, decoded: z.decoded });
  // NS and SOA records are the zone's own structure: counted in the figures, not worth a warning.
  const unexpected = Object.entries(z.skipped).filter(([reason]) => reason !== 'ns' && reason !== 'soa');
  if (unexpected.length > 0) {
    opts.log?.warn('zone records skipped', { ...fields, skipped: Object.fromEntries(unexpected) });
  }
  await cacheZone(opts, server, name, z, fields);
  return withoutCounts(z, { fromCache: false, transfer: 'axfr' });
}

function withoutCounts(z: CountedZone, how: Pick<Resolved, 'fromCache' | 'transfer' | 'added' | 'removed'>): Resolved {
  const { list, records, decoded, skipped, serial, sha256 } = z;
  return { list, records, decoded, skipped, serial, sha256, ...how };
}

async function cacheZone(
  opts: ZoneResolverOptions,
  server: Endpoint,
  name: string,
  z: CountedZone,
  fields: Record<string, unknown>,
): Promise<void> {
  if (!opts.cacheDir) return;
  const write = writeCachedZone(opts.cacheDir, server, name, z).catch((err: unknown) => {
    opts.log?.warn('zone cache not written', { ...fields, error: (err as Error).message });
  });
  if (opts.onCacheWrite) opts.onCacheWrite(write);
  else await write;
}

/** One key per (server, zone) or file: two devices naming the same zone share its SOA query and transfer. */
export function zoneSourceKey(source: ZoneSource): string {
  return source.kind === 'zone'
    ? `zone:${formatEndpoint(source.server).toLowerCase()}/${zoneName(source.zone)}`
    : `file:${source.path}`;
}

export class ZoneResolver {
  private readonly inflight = new Map<string, Promise<ResolvedZone>>();
  private readonly serials = new Map<string, Promise<number>>();
  private readonly transferred = new Set<string>();
  private writes: Promise<void>[] | null = null;

  constructor(private readonly opts: ZoneResolverOptions = {}) {}

  /**
   * From now on resolve does not wait for its zone cache writes (5 MB at 1M entries): they go on while the caller
   * aggregates and plans, and settled() waits for them. Reads of a cache file in this process wait for its write.
   */
  deferCacheWrites(): void {
    this.writes ??= [];
  }

  /** Waits for the deferred cache writes (each logs its own failure; never rejects). */
  async settled(): Promise<void> {
    while (this.writes && this.writes.length > 0) await Promise.all(this.writes.splice(0));
  }

  /** Zone transfers started by this resolver (cache hits and repeated sources do not count). */
  get transfers(): number {
    return this.transferred.size;
  }

  /** Whether this resolver transferred the zone (rather than finding its serial in the cache). */
  wasTransferred(source: ZoneSource): boolean {
    return this.transferred.has(zoneSourceKey(source));
  }

  /**
   * The zone's serial, asked once per resolver (resolve reuses it): the loop asks every zone first to see what
   * moved. A failed query is shared too, and becomes the failure of every device resolving the zone.
   */
  checkSerial(source: ZoneSource & { readonly kind: 'zone' }): Promise<number> {
    const key = zoneSourceKey(source);
    let p = this.serials.get(key);
    if (!p) {
      p = checkZoneSerial(source.server, zoneName(source.zone), timeoutsOf(this.opts));
      this.serials.set(key, p);
      // Not awaited by everyone who asks: a rejection is read by resolve() later, or not at all.
      p.catch(() => undefined);
    }
    return p;
  }

  /** Resolves a source once per resolver; later calls share the first call's promise (and its failure). */
  resolve(source: ZoneSource): Promise<ResolvedZone> {
    const key = zoneSourceKey(source);
    let p = this.inflight.get(key);
    if (!p) {
      p = this.load(source);
      this.inflight.set(key, p);
    }
    return p;
  }

  private async load(source: ZoneSource): Promise<ResolvedZone> {
    if (source.kind === 'file') {
      const f = await readCidrFile(source.path);
      if (f.hostBits > 0) {
        this.opts.log?.warn('entries with host bits set were normalised', { file: source.path, count: f.hostBits });
      }
      const { list, records, decoded, skipped, sha256 } = f;
      return { source, list, records, decoded, skipped, sha256, fromCache: false };
    }
    // Not awaited here: resolveZone reads the cache file while the SOA query is out.
    const writes = this.writes;
    const r = await resolveZone(source.server, source.zone, {
      ...this.opts,
      ...(writes === null ? {} : { onCacheWrite: (w: Promise<void>) => writes.push(w) }),
      serial: this.checkSerial(source),
      onTransfer: () => this.transferred.add(zoneSourceKey(source)),
    });
    return { source, ...r };
  }
}

/** The plan pin of a resolved source: apply refuses the plan when the zone's serial or content moved. */
export function pinOf(resolved: ResolvedZone): ZonePin {
  const { source } = resolved;
  if (source.kind === 'file') return { kind: 'file', path: source.path, sha256: resolved.sha256 };
  if (resolved.serial === undefined) throw new InternalError(`zone ${source.zone} resolved without a serial`);
  return {
    kind: 'zone',
    zone: source.zone,
    server: formatEndpoint(source.server),
    serial: resolved.serial,
    sha256: resolved.sha256,
  };
}
