// hashPrefixes: a stable fingerprint of a list for plan pinning. sha256 over a canonical byte encoding: per entry
// one family byte (4 or 6), the prefix length, then the address in network byte order (4 or 16 bytes). The
// encoding is part of the plan file contract: changing it makes every saved plan look stale.
import { createHash } from 'node:crypto';
import type { PrefixList } from './types.js';

export function hashPrefixes(list: PrefixList): string {
  const n4 = list.v4.len.length;
  const n6 = list.v6.len.length;
  const buf = Buffer.allocUnsafe(n4 * 6 + n6 * 18);
  let pos = 0;
  for (let i = 0; i < n4; i++) {
    buf[pos] = 4;
    buf[pos + 1] = list.v4.len[i]!;
    buf.writeUInt32BE(list.v4.addr[i]!, pos + 2);
    pos += 6;
  }
  for (let i = 0; i < n6; i++) {
    buf[pos] = 6;
    buf[pos + 1] = list.v6.len[i]!;
    for (let k = 0; k < 4; k++) buf.writeUInt32BE(list.v6.words[4 * i + k]!, pos + 2 + 4 * k);
    pos += 18;
  }
  return createHash('sha256').update(buf).digest('hex');
}
