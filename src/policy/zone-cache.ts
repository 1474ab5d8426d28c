// On-disk cache of decoded zones, one file per (server, zone), so an unchanged serial costs one SOA query instead
// of a transfer, and a changed one an IXFR applied to it. Binary: a magic line, a JSON header (serial, counts,
// sha256), then the raw typed arrays, with the records per prefix when some prefix has several (zone-tally.ts).
// The arrays start 4-byte aligned, so reading views them in the file's buffer instead of copying 5 MB per 1M
// entries. The header holds the sha256 of the array bytes, checked on read (4 ms where hashing the list again
// took ~25 ms), and the counts are checked against it: a damaged or foreign file is ignored (and refetched),
// never trusted.
import { createHash } from 'node:crypto';
import { mkdir, open, rename } from 'node:fs/promises';
import path from 'node:path';
import { makePrefixList } from '../cidr/index.js';
import { FILE_KINDS, readLimitedFile } from '../config/limited-file.js';
import type { FileReadError } from '../config/limited-file.js';
import type { Endpoint } from '../config/types.js';
import { ONE_EACH, prefixRecords } from './zone-tally.js';
import type { CountedZone } from './zone-tally.js';

const MAGIC = Buffer.from('TSCM-ZONE-CACHE\n', 'latin1');
// Bump when the file layout OR the decoding rules change: a cached set must be what a transfer would give now.
// 2: records of a class other than IN are skipped (they were decoded before).
// 3: records per prefix (IXFR deletes records, not prefixes).
// 4: aligned arrays and the sha256 of their bytes.
const FORMAT_VERSION = 4;

interface CacheHeader {
  readonly formatVersion: number;
  readonly server: string;
  readonly zone: string;
  readonly serial: number;
  readonly sha256: string;
  readonly records: number;
  readonly decoded: number;
  readonly skipped: Record<string, number>;
  readonly v4: number;
  readonly v6: number;
  /** Whether per-prefix record counts follow the addresses (else every prefix has one record). */
  readonly counted: boolean;
  /** sha256 of the bytes after the header (the arrays). */
  readonly arrays: string;
}

function serverKey(server: Endpoint): string {
  return `${server.host.toLowerCase()}:${server.port}`;
}

/** `<dir>/<zone>@<host>_<port>-<hash>.bin`: readable, and the hash keeps distinct keys distinct after sanitising. */
export function cacheFilePath(dir: string, server: Endpoint, zone: string): string {
  const key = `${serverKey(server)}/${zone.toLowerCase()}`;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 12);
  const readable = `${zone}@${server.host}_${server.port}`.toLowerCase().replace(/[^a-z0-9.@_-]/g, '_');
  return path.join(dir, `${readable}-${hash}.bin`);
}

// Writes not yet finished, by file: a read waits for the file's pending write and a write for the one before it,
// so a resolver that does not wait for its writes (ZoneResolver.deferCacheWrites) is never seen half-way in this
// process.
const pending = new Map<string, Promise<void>>();

export function writeCachedZone(dir: string, server: Endpoint, zone: string, z: CountedZone): Promise<void> {
  const file = cacheFilePath(dir, server, zone);
  const before = pending.get(file);
  const write = before
    ? before.catch(() => undefined).then(() => writeNow(file, dir, server, zone, z))
    : writeNow(file, dir, server, zone, z);
  const tracked = write.finally(() => {
    if (pending.get(file) === tracked) pending.delete(file);
  });
  pending.set(file, tracked);
  tracked.catch(() => undefined); // the caller's promise carries the failure
  return write;
}

async function writeNow(file: string, dir: string, server: Endpoint, zone: string, z: CountedZone): Promise<void> {
  const { v4, v6 } = z.list;
  const counted = z.counts.v4 !== null || z.counts.v6 !== null;
  const view = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  // Typed arrays are written in host byte order; the header's sha256 check rejects a file from another order.
  // 4-byte arrays first, then the lengths: every array starts aligned after an aligned header.
  const arrays = [view(v4.addr), view(v6.words)];
  if (counted) {
    arrays.push(view(z.counts.v4 ?? new Uint32Array(v4.len.length).fill(1)));
    arrays.push(view(z.counts.v6 ?? new Uint32Array(v6.len.length).fill(1)));
  }
  arrays.push(view(v4.len), view(v6.len));
  const sum = createHash('sha256');
  for (const a of arrays) sum.update(a);
  const header: CacheHeader = {
    formatVersion: FORMAT_VERSION,
    server: serverKey(server),
    zone: zone.toLowerCase(),
    serial: z.serial,
    sha256: z.sha256,
    records: z.records,
    decoded: z.decoded,
    skipped: z.skipped,
    v4: v4.len.length,
    v6: v6.len.length,
    counted,
    arrays: sum.digest('hex'),
  };
  let json = JSON.stringify(header);
  // Spaces after the JSON (JSON.parse ignores them) align the arrays.
  json += ' '.repeat((4 - ((MAGIC.length + 4 + Buffer.byteLength(json)) % 4)) % 4);
  const head = Buffer.from(json, 'utf8');
  const size = Buffer.alloc(4);
  size.writeUInt32LE(head.length);
  const tmp = `${file}.${process.pid}.tmp`;
  // The folder is made only when missing; the pieces go out as they are in one writev (concatenating them copied
  // ~10 MB per 1M entries), so a write that runs beside other work needs few turns of the event loop.
  const handle = await open(tmp, 'w').catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
    await mkdir(dir, { recursive: true });
    return open(tmp, 'w');
  });
  try {
    const pieces = [MAGIC, size, head, ...arrays];
    const total = pieces.reduce((n, b) => n + b.length, 0);
    const { bytesWritten } = await handle.writev(pieces);
    if (bytesWritten !== total) await handle.writeFile(Buffer.concat(pieces).subarray(bytesWritten));
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}

/** The cached zone, or null when there is none or it does not verify (the reason goes to `onInvalid`). */
export async function readCachedZone(
  dir: string,
  server: Endpoint,
  zone: string,
  onInvalid?: (reason: string) => void,
): Promise<CountedZone | null> {
  const file = cacheFilePath(dir, server, zone);
  await pending.get(file)?.catch(() => undefined);
  let data: Buffer;
  try {
    data = await readLimitedFile(file, FILE_KINDS.zoneCache);
  } catch (err) {
    const { code, problem } = err as FileReadError;
    if (code === 'ENOENT') return null;
    onInvalid?.(`ignoring ${file}: it ${problem}`);
    return null;
  }
  try {
    if (!data.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a zone cache file');
    const jsonLen = data.readUInt32LE(MAGIC.length);
    let off = MAGIC.length + 4;
    const header = JSON.parse(data.subarray(off, off + jsonLen).toString('utf8')) as CacheHeader;
    off += jsonLen;
    if (header.formatVersion !== FORMAT_VERSION) throw new Error(`format version ${header.formatVersion}`);
    if (header.server !== serverKey(server) || header.zone !== zone.toLowerCase()) throw new Error('other zone');
    const countBytes = header.counted ? (header.v4 + header.v6) * 4 : 0;
    const expected = off + header.v4 * 4 + header.v6 * 16 + countBytes + header.v4 + header.v6;
    if (data.length !== expected) throw new Error(`size ${data.length}, expected ${expected}`);
    const sum = createHash('sha256').update(data.subarray(off)).digest('hex');
    if (sum !== header.arrays) throw new Error('content does not match its sha256');
    // Views into `data` where aligned (the arrays are, in a buffer of its own); copies otherwise.
    const take = (n: number): ArrayBuffer | Buffer => {
      const at = data.byteOffset + off;
      off += n;
      if (at % 4 === 0) return data.subarray(off - n, off);
      const ab = new ArrayBuffer(n);
      new Uint8Array(ab).set(data.subarray(off - n, off));
      return ab;
    };
    const u32 = (n: number): Uint32Array => {
      const b = take(4 * n);
      return b instanceof ArrayBuffer ? new Uint32Array(b) : new Uint32Array(b.buffer, b.byteOffset, n);
    };
    const u8 = (n: number): Uint8Array => new Uint8Array(take(n));
    const v4addr = u32(header.v4);
    const v6words = u32(4 * header.v6);
    const c4 = header.counted ? u32(header.v4) : null;
    const c6 = header.counted ? u32(header.v6) : null;
    const v4len = u8(header.v4);
    const v6len = u8(header.v6);
    const list = makePrefixList(v4addr, v4len, v6words, v6len);
    const { serial, records, decoded, skipped, sha256 } = header;
    if (decoded !== header.v4 + header.v6)
      throw new Error(`${decoded} prefixes decoded, ${header.v4 + header.v6} stored`);
    checkCounts(c4, c6, header.v4 + header.v6, prefixRecords(header));
    return { list, serial, records, decoded, skipped, sha256, counts: c4 && c6 ? { v4: c4, v6: c6 } : ONE_EACH };
  } catch (err) {
    onInvalid?.(`ignoring ${file}: ${(err as Error).message}`);
    return null;
  }
}

/** Every prefix has at least one record, and the counts add up to the records that gave a prefix. */
function checkCounts(c4: Uint32Array | null, c6: Uint32Array | null, prefixes: number, expected: number): void {
  let sum = c4 || c6 ? 0 : prefixes;
  for (const c of [c4, c6]) {
    if (!c) continue;
    for (let i = 0; i < c.length; i++) {
      if (c[i] === 0) throw new Error('a prefix with no record');
      sum += c[i]!;
    }
  }
  if (sum !== expected) throw new Error(`records per prefix add up to ${sum}, the header says ${expected}`);
}
