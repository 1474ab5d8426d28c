// Host key checking for every SSH driver: a pinned OpenSSH `SHA256:<base64>` fingerprint or a known_hosts file.
// Refusing is the default: with neither configured the key is refused too, and the message shows the fingerprint
// so the operator can pin it after checking it out of band (there is deliberately no trust-on-first-use).

import { createHash, createHmac } from 'node:crypto';
import { FILE_KINDS, readLimitedFileSync } from '../../config/limited-file.js';
import type { FileReadError } from '../../config/limited-file.js';
import type { HostKeyCheck } from '../../config/types.js';
import { ConfigError } from '../../errors.js';

/** OpenSSH's fingerprint of a raw public key blob: `SHA256:` + unpadded base64 of its SHA-256. */
export function fingerprintHostKey(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/** The key type named inside a public key blob (its first SSH string), e.g. `ssh-ed25519`. */
export function readKeyType(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const n = keyBlob.readUInt32BE(0);
  return n > 0 && 4 + n <= keyBlob.length ? keyBlob.toString('latin1', 4, 4 + n) : 'unknown';
}

export interface KnownHostEntry {
  readonly marker: 'cert-authority' | 'revoked' | undefined;
  /** Plain patterns (may contain `*`, `?`, a leading `!`, `[host]:port`), or one hashed `|1|salt|hash` entry. */
  readonly patterns: readonly string[];
  readonly keyType: string;
  readonly key: Buffer;
}

/** Parse known_hosts text (OpenSSH sshd(8) format). Comment, blank and malformed lines are skipped. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@cert-authority' || fields[0] === '@revoked') {
      marker = fields[0] === '@revoked' ? 'revoked' : 'cert-authority';
      fields.shift();
    }
    const [hosts, keyType, keyB64] = fields;
    if (hosts === undefined || keyType === undefined || keyB64 === undefined) continue;
    out.push({ marker, patterns: hosts.split(','), keyType, key: Buffer.from(keyB64, 'base64') });
  }
  return out;
}

/** known_hosts names a host as `host` on port 22 and as `[host]:port` on any other port. */
function hostKeyName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatch(pattern: string, name: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

function hashedMatch(pattern: string, name: string): boolean {
  const parts = pattern.split('|'); // ['', '1', salt, hash]
  if (parts.length !== 4 || parts[1] !== '1' || parts[2] === undefined || parts[3] === undefined) return false;
  const mac = createHmac('sha1', Buffer.from(parts[2], 'base64')).update(name).digest('base64');
  return mac === parts[3];
}

/** Does an entry's host field name this host? A matching negated pattern (`!host`) vetoes the entry. */
export function matchKnownHost(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = hostKeyName(host, port);
  let hit = false;
  for (const p of entry.patterns) {
    if (p.startsWith('|1|')) {
      if (hashedMatch(p, name)) hit = true;
    } else if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) {
      hit = true;
    }
  }
  return hit;
}

export type HostKeyVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Check a key against known_hosts entries: a revoked key or a different key for the host is refused. */
export function checkKnownHosts(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  keyBlob: Buffer,
): HostKeyVerdict {
  const mine = entries.filter((e) => matchKnownHost(e, host, port));
  if (mine.some((e) => e.marker === 'revoked' && e.key.equals(keyBlob))) {
    return { ok: false, reason: 'the host key is marked @revoked in known_hosts' };
  }
  const plain = mine.filter((e) => e.marker === undefined);
  if (plain.some((e) => e.key.equals(keyBlob))) return { ok: true };
  if (plain.length > 0) {
    return { ok: false, reason: 'the host key does NOT match the one in known_hosts (changed key or impostor)' };
  }
  return { ok: false, reason: `${hostKeyName(host, port)} is not in known_hosts` };
}

/**
 * Build the verifier for one connection. It never throws inside ssh2's handshake: it records why it refused,
 * and `refusal()` turns that into a ConfigError telling the operator how to pin the key.
 */
export function createHostKeyVerifier(
  check: HostKeyCheck,
  host: string,
  port: number,
  deviceLabel: string,
): { verify: (keyBlob: Buffer) => boolean; refusal: () => ConfigError | undefined } {
  let refused: ConfigError | undefined;
  let entries: KnownHostEntry[] | undefined;
  if (check.knownHosts !== undefined) {
    try {
      entries = parseKnownHosts(readLimitedFileSync(check.knownHosts, FILE_KINDS.knownHosts).toString('utf8'));
    } catch (err) {
      throw new ConfigError(
        `device ${deviceLabel}: the known_hosts file ${check.knownHosts} ${(err as FileReadError).problem}`,
        'fix hostKey.knownHosts or pin the key with hostKey.fingerprint',
      );
    }
  }
  const verify = (keyBlob: Buffer): boolean => {
    const seen = fingerprintHostKey(keyBlob);
    const type = readKeyType(keyBlob);
    const hint = `check the key out of band (on the device: show ip ssh / show crypto key mypubkey), then set hostKey.fingerprint: "${seen}" in the device definition`;
    if (check.fingerprint !== undefined) {
      if (normaliseFingerprint(check.fingerprint) === seen) return true;
      refused = new ConfigError(
        `device ${deviceLabel} (${host}:${port}): host key ${type} ${seen} does NOT match the pinned fingerprint ${check.fingerprint}; connection refused`,
        hint,
      );
      return false;
    }
    if (entries !== undefined) {
      const verdict = checkKnownHosts(entries, host, port, keyBlob);
      if (verdict.ok) return true;
      refused = new ConfigError(
        `device ${deviceLabel} (${host}:${port}): host key ${type} ${seen} refused: ${verdict.reason} (${check.knownHosts})`,
        hint,
      );
      return false;
    }
    refused = new ConfigError(
      `device ${deviceLabel} (${host}:${port}): no host key configured; the device offered ${type} ${seen}; connection refused`,
      hint,
    );
    return false;
  };
  return { verify, refusal: () => refused };
}

/** Accept `SHA256:abc`, `sha256:abc` and a padded base64 value for the pinned fingerprint. */
function normaliseFingerprint(fp: string): string {
  const body = fp.trim().replace(/^sha256:/i, '');
  return 'SHA256:' + body.replace(/=+$/, '');
}
