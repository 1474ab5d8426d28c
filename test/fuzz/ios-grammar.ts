// The grammar of the lines an IOS apply may send, written apart from the renderer it checks: group headers and
// deletes naming only the device's configured groups (or their -v6 twins), member lines of the group's own family
// with valid addresses and no host bits, and `exit` closing a sub-mode. Anything else is a line outside it.

import { isIPv4, isIPv6 } from 'node:net';

const V4 = String.raw`(\d{1,3}(?:\.\d{1,3}){3})`;
const V6 = String.raw`([0-9a-f:.]+)`;
const HEADER = /^object-group (network|v6-network) (\S+)$/;
const DELETE = /^no object-group (network|v6-network) (\S+)$/;
const V4_HOST = new RegExp(`^ (?:no )?host ${V4}$`);
const V4_MASK = new RegExp(`^ (?:no )?${V4} ${V4}$`);
const V6_HOST = new RegExp(`^ (?:no )?host ${V6}$`);
const V6_PREFIX = new RegExp(`^ (?:no )?${V6}/(\\d{1,3})$`);

function v4Number(a: string): number | null {
  if (!isIPv4(a)) return null;
  return a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

/** The 128-bit value of an IPv6 address (with an optional embedded IPv4 tail), or null. */
function v6Number(a: string): bigint | null {
  if (!isIPv6(a)) return null;
  let text = a;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (tail) {
    const n = v4Number(tail[1]!);
    if (n === null) return null;
    text = `${a.slice(0, tail.index)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const fill = rest === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  const groups = [...left, ...fill, ...right];
  if (groups.length !== 8) return null;
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** Length of a contiguous dotted mask, or -1. */
function maskLength(m: number): number {
  for (let len = 0; len <= 32; len++) {
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    if (mask === m) return len;
  }
  return -1;
}

/**
 * The lines that break the grammar, with why (empty: every line is a member or group command). `groups` are the
 * logical group names of the device's definition; their IPv6 twins are NAME-v6.
 */
export function grammarViolations(lines: readonly string[], groups: readonly string[]): string[] {
  const v4Names = new Set(groups);
  const v6Names = new Set(groups.map((g) => `${g}-v6`));
  const bad: string[] = [];
  let mode: 'global' | 'network' | 'v6-network' = 'global';
  const fail = (i: number, why: string): void => {
    bad.push(`line ${i + 1} ${JSON.stringify(lines[i])}: ${why}`);
  };
  lines.forEach((line, i) => {
    if (mode === 'global') {
      const head = HEADER.exec(line) ?? DELETE.exec(line);
      if (!head) return fail(i, 'not a group header or delete at the global level');
      const names = head[1] === 'network' ? v4Names : v6Names;
      if (!names.has(head[2]!)) return fail(i, `group ${head[2]} is not one of the device's groups`);
      if (HEADER.test(line)) mode = head[1] as 'network' | 'v6-network';
      return;
    }
    if (line === 'exit') {
      mode = 'global';
      return;
    }
    if (mode === 'network') {
      const host = V4_HOST.exec(line);
      if (host) return void (v4Number(host[1]!) === null && fail(i, 'invalid IPv4 host'));
      const net = V4_MASK.exec(line);
      if (!net) return fail(i, 'not an IPv4 member line');
      const addr = v4Number(net[1]!);
      const mask = v4Number(net[2]!);
      if (addr === null || mask === null || maskLength(mask) < 0) return fail(i, 'invalid IPv4 address or mask');
      if ((addr & ~mask) >>> 0 !== 0) fail(i, 'host bits set');
      return;
    }
    const host = V6_HOST.exec(line);
    if (host) return void (v6Number(host[1]!) === null && fail(i, 'invalid IPv6 host'));
    const net = V6_PREFIX.exec(line);
    if (!net) return fail(i, 'not an IPv6 member line');
    const addr = v6Number(net[1]!);
    const len = Number(net[2]);
    if (addr === null || len > 127) return fail(i, 'invalid IPv6 prefix');
    if (addr & ((1n << BigInt(128 - len)) - 1n)) fail(i, 'host bits set');
  });
  if (mode !== 'global') bad.push('the last sub-mode is not closed with exit');
  return bad;
}
