// RPZ IP triggers: `<prefix>.<reversed address>.rpz-ip.<zone>`. IPv4 writes four decimal octets in reverse
// (`32.1.2.0.192` = 192.0.2.1/32); IPv6 writes the eight 16-bit groups in reverse, in hex, with `zz` standing for
// the `::` run (`128.1.zz.db8.2001` = 2001:db8::1/128). Decoding reads the label bytes in place (hot path of a
// 1M-record transfer); encoding is for the lab server, tests and benchmarks.
import { longestZeroRun } from '../cidr/format.js';
import { parsePrefix } from '../cidr/parse-prefix.js';
import type { WireName } from './wire-walk.js';

/** A decoded trigger, written into a reused object. */
export interface TriggerOut {
  v6: boolean;
  len: number;
  /** IPv4: w[0] is the address. IPv6: w[0..3], most significant first. */
  readonly w: Uint32Array;
}

export function makeTriggerOut(): TriggerOut {
  return { v6: false, len: 0, w: new Uint32Array(4) };
}

const groups = new Uint32Array(8);

/** Decimal label without leading zeros, or -1. */
function labelDecimal(name: WireName, i: number, max: number): number {
  const b = name.buf;
  const s = name.starts[i]!;
  const n = name.lens[i]!;
  if (n === 0 || n > 3 || (n > 1 && b[s] === 0x30)) return -1;
  let v = 0;
  for (let k = 0; k < n; k++) {
    const d = b[s + k]! - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v <= max ? v : -1;
}

/** Hex label of 1-4 digits, or -1. */
function labelHex(name: WireName, i: number): number {
  const b = name.buf;
  const s = name.starts[i]!;
  const n = name.lens[i]!;
  if (n === 0 || n > 4) return -1;
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = b[s + k]! | 0x20;
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x61 + 10;
    else return -1;
    v = (v << 4) | d;
  }
  return v;
}

function isZz(name: WireName, i: number): boolean {
  if (name.lens[i] !== 2) return false;
  const s = name.starts[i]!;
  return (name.buf[s]! | 0x20) === 0x7a && (name.buf[s + 1]! | 0x20) === 0x7a;
}

/**
 * Decodes labels [0, end) of `name` (everything left of `rpz-ip`) into `out`. Returns false for anything that is not
 * a canonical trigger: bad digits, a prefix length out of 1..32 / 1..128, host bits set, more than one `zz`.
 * Host bits are refused rather than masked, as BIND does: a widened block is worse than a reported one.
 */
export function decodeRpzIpTrigger(name: WireName, end: number, out: TriggerOut): boolean {
  if (end < 2) return false;
  const addrLabels = end - 1;
  let zz = -1;
  for (let i = 1; i < end; i++) {
    if (isZz(name, i)) {
      if (zz >= 0) return false;
      zz = i;
    }
  }
  if (addrLabels === 4 && zz < 0) {
    const len = labelDecimal(name, 0, 32);
    if (len < 1) return false;
    // 32-bit integer arithmetic throughout (the address's top bit is the sign until the Uint32Array store): a
    // product past 2^31 made V8 drop its optimised code and compile it again in the middle of a transfer.
    let addr = 0;
    for (let i = 4; i >= 1; i--) {
      const o = labelDecimal(name, i, 255);
      if (o < 0) return false;
      addr = (addr << 8) | o;
    }
    if (len < 32 && (addr & ~(-1 << (32 - len))) !== 0) return false;
    out.v6 = false;
    out.len = len;
    out.w[0] = addr;
    return true;
  }
  const len = labelDecimal(name, 0, 128);
  if (len < 1) return false;
  const explicit = zz < 0 ? addrLabels : addrLabels - 1;
  if (explicit > 8 || (zz < 0 && explicit !== 8) || (zz >= 0 && explicit === 8)) return false;
  // Labels run from the last group (label 1) to the first (label end-1); zz expands to the missing zero groups.
  let g = 7;
  for (let i = 1; i < end; i++) {
    if (i === zz) {
      for (let k = 0; k < 8 - explicit; k++) groups[g--] = 0;
      continue;
    }
    const v = labelHex(name, i);
    if (v < 0) return false;
    groups[g--] = v;
  }
  const w = out.w;
  for (let k = 0; k < 4; k++) w[k] = ((groups[2 * k]! << 16) | groups[2 * k + 1]!) >>> 0;
  for (let k = 0; k < 4; k++) {
    const bitsInWord = Math.min(32, Math.max(0, len - 32 * k));
    if (bitsInWord < 32 && w[k]! % 2 ** (32 - bitsInWord) !== 0) return false;
  }
  out.v6 = true;
  out.len = len;
  return true;
}

/** The owner name (without the zone) of the rpz-ip trigger for a CIDR: `192.0.2.0/24` -> `24.0.2.0.192.rpz-ip`. */
export function encodeRpzIpOwner(cidr: string): string {
  const p = parsePrefix(cidr);
  if (!p || p.hostBits || p.len === 0) throw new Error(`not a prefix an rpz-ip trigger can carry: ${cidr}`);
  if (p.family === 'ipv4') {
    const a = p.addr;
    return `${p.len}.${a & 255}.${(a >>> 8) & 255}.${(a >>> 16) & 255}.${a >>> 24}.rpz-ip`;
  }
  const g: number[] = [];
  for (const word of p.words) g.push(word >>> 16, word & 0xffff);
  // The longest run (>= 2) of zero groups becomes `zz`, as RFC 5952 picks `::`.
  const { start: best, length: bestLen } = longestZeroRun(g);
  const parts = g.map((v) => v.toString(16));
  if (best >= 0) parts.splice(best, bestLen, 'zz');
  return `${p.len}.${parts.reverse().join('.')}.rpz-ip`;
}
