// The ACL log line inside a syslog message's free text: IOS/IOS-XE/IOS-XR (%SEC-6-IPACCESSLOG*, %IPV6_ACL-6-
// ACCESSLOG*, %FMANFP-6-IPACCESSLOG*, %ACL-IPV4_ACL-6-IPACCESSLOGP) and ASA/FTD/PIX (106001, 106006, 106007,
// 106010, 106014, 106015, 106023, 106100, 710003). The text is untrusted: it is cut before any regex runs, every
// regex is anchored with bounded repeats over classes that cannot overlap their delimiter (linear time), and
// addresses, ports and counts are validated. Forms and their real samples: README.md and test/fixtures/acl-log/.

import { formatIpv4Address, formatIpv6Address, parseIpv4Address, parseIpv6Address } from '../../cidr/index.js';
import type { AclLogLine } from '../model.js';

/** Where the marker is looked for: a syslog header before it is short. */
const MAX_SCAN = 4096;
/** What is read after the marker: a real deny line is under 400 characters. */
const MAX_BODY = 1024;
/** A count above this is not believed (a counter wrap or a hostile line). */
const MAX_COUNT = 1_000_000_000;

// %FACILITY[-class]-SEVERITY-MNEMONIC, then an optional space and ':' (IOS-XR puts a space before it).
const MARKER =
  /%((?:SEC|IPV6_ACL|IPV6|FMANFP|ACL-IPV[46]_ACL)-[0-7]-([A-Z0-9_]{1,24})|(?:ASA|FTD|PIX)(?:-[a-z]{1,16})?-[0-7]-(\d{6})) ?:/g;
const IOS_MNEMONIC = /^(?:IP|IPV6|IPV6_)?ACCESSLOG(?:P|DP|NP|RP|SP|S)$/;
const ACL_NAME = /^[\x21-\x7e]{1,128}$/;
const PROTOCOL = /^[a-z0-9][a-z0-9-]{0,15}$/;

/** The ACL log line in `text` (anywhere in it), or null. Never throws. */
export function parseAclLogLine(text: string): AclLogLine | null {
  if (typeof text !== 'string') return null;
  const scan = text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text;
  MARKER.lastIndex = 0;
  for (let m = MARKER.exec(scan); m !== null; m = MARKER.exec(scan)) {
    const end = m.index + m[0].length;
    const body = text.slice(end, end + MAX_BODY).trimStart();
    const line = m[2] !== undefined ? parseIos(m[1]!, m[2], body) : parseAsa(m[1]!, m[3]!, body);
    if (line !== null) return line;
  }
  return null;
}

function parseIos(id: string, mnemonic: string, body: string): AclLogLine | null {
  if (!IOS_MNEMONIC.test(mnemonic)) return null;
  // IOS-XE puts "R0/0: fman_fp_image:" before the list; IOS-XR says "access-list".
  const at = body.indexOf('list ');
  if (at === -1 || at > 80 || (at > 0 && body[at - 1] !== ' ' && body[at - 1] !== '-')) return null;
  const cursor = { text: body, at: at + 5 };
  const acl = nextToken(cursor);
  const action = actionOf(nextToken(cursor));
  if (acl === undefined || !ACL_NAME.test(acl) || action === null) return null;
  // A standard ACL (...S) logs the source only, with no protocol.
  const standard = mnemonic.endsWith('S');
  const protocol = standard ? 'ip' : nextToken(cursor)?.toLowerCase();
  if (protocol === undefined || !PROTOCOL.test(protocol)) return null;
  const rest = body.slice(cursor.at);
  const arrow = rest.indexOf('->');
  if (standard !== (arrow === -1)) return null;
  const left = arrow === -1 ? rest : rest.slice(0, arrow);
  const right = arrow === -1 ? '' : rest.slice(arrow + 2);
  const src = firstEndpoint(left.split(' '), 8);
  if (src === null) return null;
  let dst: Endpoint | null = { address: '' };
  if (!standard) {
    dst = firstEndpoint(right.split(' '), 3);
    if (dst === null) return null;
  }
  const packets = /(?:^|[ ,])(\d+) packets?\b/.exec(standard ? left : right);
  const count = packets ? boundedCount(packets[1]!) : 1;
  if (count === null) return null;
  return build(id, action, protocol, src, dst, acl, count);
}

/** The next space-separated token from `c.at` (at most 128 characters), moving past it. */
function nextToken(c: { readonly text: string; at: number }): string | undefined {
  let i = c.at;
  while (c.text.charCodeAt(i) === 32) i++;
  const end = c.text.indexOf(' ', i);
  const stop = end === -1 ? c.text.length : end;
  c.at = stop;
  return stop > i && stop - i <= 128 ? c.text.slice(i, stop) : undefined;
}

interface Endpoint {
  readonly address: string;
  readonly port?: number;
}

/** The first token of `tokens` (up to `limit`) that is `addr` or `addr(port)`, trailing comma allowed. */
function firstEndpoint(tokens: readonly string[], limit: number): Endpoint | null {
  for (let k = 0, seen = 0; k < tokens.length && seen < limit; k++) {
    let token = tokens[k]!;
    if (token.length === 0) continue;
    seen++;
    if (token.endsWith(',')) token = token.slice(0, -1);
    const open = token.indexOf('(');
    const address = normaliseAddress(open === -1 ? token : token.slice(0, open));
    if (address === null) continue;
    if (open === -1) return { address };
    if (!token.endsWith(')')) continue;
    const port = portOf(token.slice(open + 1, -1));
    if (port === null) continue;
    return { address, port };
  }
  return null;
}

const ASA_FROM_TO = /^Deny inbound ([A-Za-z0-9]{1,16}) from (\S{1,200}) to (\S{1,200})/;
const ASA_106001 = /^Inbound ([A-Za-z0-9]{1,16}) connection denied from (\S{1,200}) to (\S{1,200})/;
const ASA_106015 = /^Deny ([A-Za-z0-9]{1,16}) \(no connection\) from (\S{1,200}) to (\S{1,200})/;
const ASA_SRC_DST_IN = /^Deny inbound (?:protocol )?([A-Za-z0-9-]{1,16}) src (\S{1,200}) dst (\S{1,200})/;
const ASA_106023 = /^Deny (?:protocol )?([A-Za-z0-9-]{1,16}) src (\S{1,200}) dst (\S{1,200})/;
const ASA_106023_GROUP = / by access-group "([^"]{1,128})"/;
const ASA_106100 =
  /^access-list (\S{1,128}) (permitted|denied|est-allowed) ([A-Za-z0-9-]{1,16}) ([^ ]{1,300}) -> ([^ ]{1,300}) hit-cnt (\d{1,10})/;
const ASA_710003 = /^([A-Za-z0-9]{1,16}) access denied by ACL from (\S{1,200}) to (\S{1,200})/;
const REPEATED = /^message repeated (\d{1,9}) times: \[ ?/;

function parseAsa(id: string, number: string, text: string): AclLogLine | null {
  // syslog-ng/rsyslog fold repeats: "message repeated 2 times: [ Deny inbound ...]".
  const repeated = REPEATED.exec(text);
  const body = repeated ? text.slice(repeated[0].length) : text;
  const times = repeated ? boundedCount(repeated[1]!) : 1;
  if (times === null) return null;
  let m: RegExpExecArray | null;
  switch (number) {
    case '106001':
      m = ASA_106001.exec(body);
      return m && fromTo(id, m, 'maybe', times);
    case '106006':
    case '106007':
      m = ASA_FROM_TO.exec(body);
      return m && fromTo(id, m, 'maybe', times);
    case '106015':
      m = ASA_106015.exec(body);
      return m && fromTo(id, m, 'maybe', times);
    case '106010':
    case '106014':
      m = ASA_SRC_DST_IN.exec(body);
      return m && fromTo(id, m, 'always', times);
    case '106023': {
      m = ASA_106023.exec(body);
      const group = ASA_106023_GROUP.exec(body);
      return m && fromTo(id, m, 'always', times, group?.[1]);
    }
    case '710003':
      m = ASA_710003.exec(body);
      return m && fromTo(id, m, 'maybe', times);
    case '106100':
      return parse106100(id, body);
    default:
      return null;
  }
}

function fromTo(id: string, m: RegExpExecArray, form: InterfaceForm, count: number, acl?: string): AclLogLine | null {
  const protocol = m[1]!.toLowerCase();
  const src = asaEndpoint(m[2]!, form);
  const dst = asaEndpoint(m[3]!, form);
  if (!PROTOCOL.test(protocol) || src === null || dst === null) return null;
  if (acl !== undefined && !ACL_NAME.test(acl)) return null;
  return build(id, 'denied', protocol, src, dst, acl, count);
}

/** Whether an ASA endpoint carries an interface name before the address. */
type InterfaceForm = 'always' | 'maybe';

/**
 * `[ctx:]iface:addr[/port]` or `addr[/port]`, with a trailing `(...)` (an ICMP type, a hostname, an
 * identity-firewall user) or `,` ignored. After an interface, the address starts at the first colon that leaves
 * a valid address (IPv6 addresses hold colons themselves); with 'maybe' the whole text is tried first.
 */
function asaEndpoint(token: string, form: InterfaceForm): Endpoint | null {
  const open = token.indexOf('(');
  let text = open === -1 ? token : token.slice(0, open);
  while (text.endsWith(',') || text.endsWith(']')) text = text.slice(0, -1);
  let port: number | undefined;
  const slash = text.lastIndexOf('/');
  if (slash !== -1) {
    const p = portOf(text.slice(slash + 1));
    if (p === null) return null;
    port = p;
    text = text.slice(0, slash);
  }
  let from = form === 'maybe' ? 0 : text.indexOf(':') + 1;
  for (let tries = 0; tries < 4 && (from > 0 || (tries === 0 && form === 'maybe')); tries++) {
    const address = normaliseAddress(text.slice(from));
    if (address !== null) return port === undefined ? { address } : { address, port };
    from = text.indexOf(':', from) + 1;
  }
  return null;
}

function parse106100(id: string, body: string): AclLogLine | null {
  const m = ASA_106100.exec(body);
  if (m === null) return null;
  const [, acl, verb, proto, from, to, hits] = m;
  const protocol = proto!.toLowerCase();
  const src = slashEndpoint(from!);
  const dst = slashEndpoint(to!);
  const count = boundedCount(hits!);
  if (!ACL_NAME.test(acl!) || !PROTOCOL.test(protocol) || src === null || dst === null || count === null) return null;
  return build(id, verb === 'denied' ? 'denied' : 'permitted', protocol, src, dst, acl, count);
}

/** 106100's `iface/addr(port)`, an identity-firewall `(DOMAIN\user)` after it ignored. */
function slashEndpoint(token: string): Endpoint | null {
  const slash = token.indexOf('/');
  const open = token.indexOf('(', slash + 1);
  if (slash === -1 || open === -1) return null;
  const close = token.indexOf(')', open);
  const address = normaliseAddress(token.slice(slash + 1, open));
  const port = close === -1 ? null : portOf(token.slice(open + 1, close));
  return address === null || port === null ? null : { address, port };
}

function build(
  id: string,
  action: AclLogLine['action'],
  protocol: string,
  src: Endpoint,
  dst: Endpoint,
  acl: string | undefined,
  count: number,
): AclLogLine {
  return {
    id,
    action,
    protocol,
    src: src.address,
    ...(src.port !== undefined ? { srcPort: src.port } : {}),
    dst: dst.address,
    ...(dst.port !== undefined ? { dstPort: dst.port } : {}),
    ...(acl !== undefined ? { acl } : {}),
    count,
  };
}

function actionOf(word: string | undefined): AclLogLine['action'] | null {
  if (word === 'denied' || word === 'deny') return 'denied';
  if (word === 'permitted' || word === 'permit') return 'permitted';
  return null;
}

/** An IPv4 or IPv6 address in canonical text (IPv6 lower case, compressed), or null. */
export function normaliseAddress(text: string): string | null {
  if (text.length === 0 || text.length > 45) return null;
  if (text.includes(':')) {
    const w = parseIpv6Address(text);
    return w === null ? null : formatIpv6Address(w[0], w[1], w[2], w[3]);
  }
  const v4 = parseIpv4Address(text);
  return v4 < 0 ? null : formatIpv4Address(v4);
}

function portOf(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const n = Number(text);
  return n <= 65535 ? n : null;
}

function boundedCount(text: string): number | null {
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= 1 && n <= MAX_COUNT ? n : null;
}
