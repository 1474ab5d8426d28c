// hashPrefixes: a stable fingerprint of a list for plan pinning. sha256 over a canonical byte encoding: per entry
// one family byte (4 or 6), the prefix length, then the address in network byte order (4 or 16 bytes). The
// encoding is part of the plan file contract: changing it makes every saved plan look stale.
// The bytes go to the hash in 64 KiB blocks written with plain byte stores: at 1M entries one 6 MB buffer filled
// by writeUInt32BE cost more than sha256 itself in a short process (the e2e bench's hourly run hashes twice).
// node:crypto is got on the first hash, not imported: loading it is ~2 ms of a short process, and every command
// that loads the CIDR engine paid it, `policy --cidrs` too, which never hashes.
import type { PrefixList } from './types.js';

const BLOCK = 65_536 - (65_536 % 18);

export function hashPrefixes(list: PrefixList): string {
  const hash = process.getBuiltinModule('node:crypto').createHash('sha256');
  const buf = new Uint8Array(BLOCK);
  const { addr, len } = list.v4;
  let pos = 0;
  for (let i = 0; i < len.length; i++) {
    if (pos + 6 > BLOCK) {
      hash.update(buf.subarray(0, pos));
      pos = 0;
    }
    const a = addr[i]!;
    buf[pos] = 4;
    buf[pos + 1] = len[i]!;
    buf[pos + 2] = a >>> 24;
    buf[pos + 3] = a >>> 16;
    buf[pos + 4] = a >>> 8;
    buf[pos + 5] = a;
    pos += 6;
  }
  const { words, len: len6 } = list.v6;
  for (let i = 0; i < len6.length; i++) {
    if (pos + 18 > BLOCK) {
      hash.update(buf.subarray(0, pos));
      pos = 0;
    }
    buf[pos] = 6;
    buf[pos + 1] = len6[i]!;
    for (let k = 0; k < 4; k++) {
      const w = words[4 * i + k]!;
      const at = pos + 2 + 4 * k;
      buf[at] = w >>> 24;
      buf[at + 1] = w >>> 16;
      buf[at + 2] = w >>> 8;
      buf[at + 3] = w;
    }
    pos += 18;
  }
  hash.update(buf.subarray(0, pos));
  return hash.digest('hex');
}
