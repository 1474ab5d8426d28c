// Fixtures made by OpenSSH itself (ssh-keygen -lf for the fingerprint, ssh-keygen -H for the hashed entries),
// so the checks compare against an independent implementation.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors.js';
import {
  checkKnownHosts,
  createHostKeyVerifier,
  fingerprintHostKey,
  parseKnownHosts,
  readKeyType,
} from './host-key.js';

const KEY_B64 = 'AAAAC3NzaC1lZDI1NTE5AAAAINdOdJJ1NdBHXsj2rOBtUGr4yOD7CNLgPMbM8aGBcg1y';
const KEY = Buffer.from(KEY_B64, 'base64');
const FP = 'SHA256:P92iDwuvx6koYqSxYefsnMwqveSbxzQ7/DNZJcz0n00';
const OTHER = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIK7fZr1Yh0eiQ5YkqCkbj9oQ3Gdy8b2E1yWWZ3Pz5u9x', 'base64');
// ssh-keygen -H of "[127.0.0.1]:2222 <key>" and "router1 <key>".
const HASHED = `|1|HbKLalwafvvtx7Z9LoMmqNdu9TU=|Dk4q0eokdOdN3ST52bRLBFBIHmM= ssh-ed25519 ${KEY_B64}
|1|SlqgFxIW32DK0fFBVPbhzMtWNVc=|P0mObwIVw+qkZ61SAT8h5rJwsS8= ssh-ed25519 ${KEY_B64}
`;

describe('fingerprintHostKey', () => {
  it('matches ssh-keygen -lf', () => {
    expect(fingerprintHostKey(KEY)).toBe(FP);
    expect(readKeyType(KEY)).toBe('ssh-ed25519');
  });
});

describe('known_hosts', () => {
  it('matches hashed entries by host and [host]:port', () => {
    const e = parseKnownHosts(HASHED);
    expect(checkKnownHosts(e, '127.0.0.1', 2222, KEY)).toEqual({ ok: true });
    expect(checkKnownHosts(e, 'router1', 22, KEY)).toEqual({ ok: true });
    expect(checkKnownHosts(e, '127.0.0.1', 22, KEY).ok).toBe(false);
    expect(checkKnownHosts(e, 'router2', 22, KEY).ok).toBe(false);
  });

  it('refuses a changed key and a revoked key, honours negation and wildcards', () => {
    const e = parseKnownHosts(
      `# comment\n\nrtr-*,!rtr-9 ssh-ed25519 ${KEY_B64} c\n@revoked rtr-5 ssh-ed25519 ${KEY_B64}\n[10.0.0.1]:2200 ssh-ed25519 ${KEY_B64}\n`,
    );
    expect(checkKnownHosts(e, 'rtr-1', 22, KEY).ok).toBe(true);
    expect(checkKnownHosts(e, '10.0.0.1', 2200, KEY).ok).toBe(true);
    const changed = checkKnownHosts(e, 'rtr-1', 22, OTHER);
    expect(changed.ok === false && changed.reason).toMatch(/does NOT match/);
    expect(checkKnownHosts(e, 'rtr-9', 22, KEY).ok).toBe(false);
    const revoked = checkKnownHosts(e, 'rtr-5', 22, KEY);
    expect(revoked.ok === false && revoked.reason).toMatch(/revoked/);
  });
});

describe('createHostKeyVerifier', () => {
  it('accepts the pinned fingerprint and refuses another key with a hint showing its fingerprint', () => {
    const v = createHostKeyVerifier({ fingerprint: FP }, '127.0.0.1', 22, 'r1');
    expect(v.verify(KEY)).toBe(true);
    expect(v.refusal()).toBeUndefined();
    const w = createHostKeyVerifier({ fingerprint: FP }, '127.0.0.1', 22, 'r1');
    expect(w.verify(OTHER)).toBe(false);
    const err = w.refusal();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.message).toMatch(/does NOT match the pinned fingerprint/);
    expect(err?.hint).toContain(fingerprintHostKey(OTHER));
  });

  it('refuses when nothing is configured (no trust on first use)', () => {
    const v = createHostKeyVerifier({}, '127.0.0.1', 22, 'r1');
    expect(v.verify(KEY)).toBe(false);
    expect(v.refusal()?.message).toContain(FP);
  });

  it('reads a known_hosts file, and names an unreadable one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tscm-kh-'));
    const file = join(dir, 'known_hosts');
    writeFileSync(file, HASHED);
    expect(createHostKeyVerifier({ knownHosts: file }, 'router1', 22, 'r1').verify(KEY)).toBe(true);
    expect(() => createHostKeyVerifier({ knownHosts: join(dir, 'nope') }, 'router1', 22, 'r1')).toThrow(ConfigError);
  });

  it('refuses /dev/zero, a FIFO and an oversized file as known_hosts, at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tscm-kh-'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    writeFileSync(join(dir, 'huge'), Buffer.alloc(4 * 1024 * 1024 + 1, 0x23));
    const refusal = (knownHosts: string): string => {
      try {
        createHostKeyVerifier({ knownHosts }, 'router1', 22, 'r1');
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      throw new Error('not refused');
    };
    expect(refusal('/dev/zero')).toBe(
      'device r1: the known_hosts file /dev/zero is a character device, not a regular file',
    );
    expect(refusal(join(dir, 'fifo'))).toMatch(/is a FIFO \(named pipe\), not a regular file$/);
    expect(refusal(join(dir, 'huge'))).toMatch(/is larger than 4 MiB, the limit for a known_hosts file$/);
  });
});
