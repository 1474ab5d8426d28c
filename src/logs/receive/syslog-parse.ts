// Reads the header of one syslog message, for the hit counter and for `tscm logs` output; the pipeline files the
// raw bytes unchanged. Untrusted input: never throws, no backtracking regex over the whole text, and `msg` is
// always a suffix of the decoded text (so nothing is rewritten, only skipped).
//
// Shapes read (first match wins):
//   RFC 5424  <PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD...]|- MSG
//   RFC 3164  <PRI>Mmm dd hh:mm:ss HOST TAG[pid]: MSG
//   Cisco     <PRI>SEQ: [HOST: ][*|.]Mmm dd [yyyy] hh:mm:ss[.fff][ TZ]: %FAC-S-MNEMONIC: ...   (IOS)
//             <PRI>Mmm dd yyyy hh:mm:ss[ HOST ]: %ASA-S-NNNNNN: ...                            (ASA)
//             <PRI>%ASA-S-NNNNNN: ...                                                        (no timestamp)
//   bare      anything without a valid <PRI>: msg is the whole text.

export interface ParsedSyslog {
  readonly format: 'rfc5424' | 'rfc3164' | 'bare';
  readonly facility?: number;
  readonly severity?: number;
  readonly timestamp?: string;
  readonly hostname?: string;
  readonly appName?: string;
  /** The free text (for Cisco: '%ASA-4-106023: Deny tcp ...'). */
  readonly msg: string;
}

const PRI = /^<(\d{1,3})>/;
// RFC 5424 header after <PRI>: VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP (each a token).
const HEADER_5424 = /([1-9]\d{0,2}) (\S{1,64}) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) /y;
// A Cisco sequence number (`service sequence-numbers`): `123: `, or an empty one (`: `, NX-OS).
const SEQUENCE = /\d{0,10}: /y;
// The BSD / Cisco timestamp, with the optional clock-state mark, year, milliseconds and zone of Cisco devices.
const TIMESTAMP =
  /[*.]?([A-Z][a-z]{2} {1,2}\d{1,2}(?: \d{4})? \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?: [A-Z][A-Za-z0-9+-]{0,7}(?=:))?)/y;
// A device without a clock gives its uptime (`00:01:01`, `1w2d`), always followed by ': '.
const UPTIME = /(\d{1,2}:\d{2}:\d{2}(?:\.\d{1,6})?|\d{1,3}[wdy]\d{1,2}[dh])(?=: )/y;
// NX-OS puts the year first: `2016 Mar 06 09:22:34 CET`.
const TIMESTAMP_YEAR_FIRST =
  /(\d{4} [A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?: [A-Z][A-Za-z0-9+-]{0,7}(?=:))?)/y;
// A hostname (or address) token and a BSD tag.
const HOST = /([A-Za-z0-9](?:[A-Za-z0-9_.:-]{0,252}[A-Za-z0-9_.-])?) /y;
const HOST_COLON = /([A-Za-z0-9][A-Za-z0-9_.-]{0,253}): /y;
const TAG = /([A-Za-z0-9_./-]{1,48})(?:\[[^\]\s]{0,32}\])?: ?/y;
const BOM = '\ufeff';

export function parseSyslog(raw: Buffer | string): ParsedSyslog {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  const pri = PRI.exec(text);
  if (pri === null) return { format: 'bare', msg: text };
  const value = Number(pri[1]);
  if (value > 191 || (pri[1]!.length > 1 && pri[1]!.startsWith('0'))) return { format: 'bare', msg: text };
  const head = { facility: value >> 3, severity: value & 7 };
  const at = pri[0].length;
  return parse5424(text, at, head) ?? parse3164(text, at, head);
}

interface Head {
  readonly facility: number;
  readonly severity: number;
}

function nil(token: string): string | undefined {
  return token === '-' ? undefined : token;
}

function parse5424(text: string, at: number, head: Head): ParsedSyslog | null {
  HEADER_5424.lastIndex = at;
  const m = HEADER_5424.exec(text);
  if (m === null) return null;
  // The timestamp must look like one (or be NILVALUE): a 3164 line starting with a digit is not 5424.
  if (m[2] !== '-' && !/^\d{4}-\d{2}-\d{2}T/.test(m[2]!)) return null;
  const sdEnd = skipStructuredData(text, HEADER_5424.lastIndex);
  if (sdEnd < 0) return null;
  let msgAt = sdEnd;
  if (text[msgAt] === ' ') msgAt++;
  if (text.startsWith(BOM, msgAt)) msgAt += BOM.length;
  return {
    format: 'rfc5424',
    ...head,
    ...optional('timestamp', nil(m[2]!)),
    ...optional('hostname', nil(m[3]!)),
    ...optional('appName', nil(m[4]!)),
    msg: text.slice(msgAt),
  };
}

/** The index after STRUCTURED-DATA (`-` or `[id k="v" ...]...`, with `\]`, `\"`, `\\` escaped in values), or -1. */
function skipStructuredData(text: string, at: number): number {
  if (text[at] === '-') return at + 1;
  if (text[at] !== '[') return -1;
  let i = at;
  while (text[i] === '[') {
    i++;
    let inValue = false;
    for (;;) {
      if (i >= text.length) return -1;
      const c = text[i]!;
      if (inValue) {
        if (c === '\\') i++;
        else if (c === '"') inValue = false;
      } else if (c === '"') inValue = true;
      else if (c === ']') break;
      i++;
    }
    i++; // past ']'
  }
  return i;
}

function parse3164(text: string, at: number, head: Head): ParsedSyslog {
  let i = at;
  let hostname: string | undefined;
  SEQUENCE.lastIndex = i;
  const seq = SEQUENCE.exec(text);
  if (seq !== null) {
    i = SEQUENCE.lastIndex;
    // IOS `logging origin-id`: `<PRI>SEQ: HOST: [SEQ: ]*Mar ...`
    HOST_COLON.lastIndex = i;
    const origin = HOST_COLON.exec(text);
    if (origin !== null && !/^\d+$/.test(origin[1]!)) {
      hostname = origin[1];
      i = HOST_COLON.lastIndex;
      SEQUENCE.lastIndex = i;
      if (SEQUENCE.exec(text) !== null) i = SEQUENCE.lastIndex;
    }
  }
  let timestamp: string | undefined;
  for (const re of [TIMESTAMP, TIMESTAMP_YEAR_FIRST, UPTIME]) {
    re.lastIndex = i;
    const ts = re.exec(text);
    if (ts !== null) {
      timestamp = ts[1];
      i = re.lastIndex;
      break;
    }
  }
  if (timestamp !== undefined) {
    if (text.startsWith(': ', i)) {
      i += 2; // Cisco: the timestamp ends with a colon, the message follows
    } else if (text[i] === ' ') {
      i++;
      if (hostname === undefined && text[i] !== '%') {
        HOST.lastIndex = i;
        const h = HOST.exec(text);
        if (h !== null) {
          hostname = h[1];
          i = HOST.lastIndex;
        }
      }
      if (text.startsWith(': ', i)) i += 2; // ASA `logging device-id`: `HOST : %ASA-...`
    }
  }
  let appName: string | undefined;
  if (text[i] !== '%' && (timestamp !== undefined || seq === null)) {
    TAG.lastIndex = i;
    const tag = TAG.exec(text);
    // A tag ends with ':' (`sshd[12]: `); a bare word without one is part of the message.
    if (tag !== null) {
      appName = tag[1];
      i = TAG.lastIndex;
    }
  }
  return {
    format: 'rfc3164',
    ...head,
    ...optional('timestamp', timestamp),
    ...optional('hostname', hostname),
    ...optional('appName', appName),
    msg: text.slice(i),
  };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
