// tscm reconcile's options: shards (I/N and a StatefulSet's ordinal), the remote clone's folder, what goes with
// what. Pure: no process is started.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { RECONCILE_DEFAULTS } from './reconcile-defaults.js';
import { defaultWorkDir, parseShard, reconcileSettings, type ReconcileFlags } from './reconcile-options.js';

const FLAGS: ReconcileFlags = { ...RECONCILE_DEFAULTS, dir: '/defs', dirGiven: false };

describe('reconcile options', () => {
  it('defaults: a local folder, hourly, drift every 6 h, 8 at once, the status port, no shard', () => {
    expect(reconcileSettings(FLAGS, {})).toEqual({
      source: { kind: 'local', dir: '/defs' },
      auth: {},
      once: false,
      watch: null,
      intervalMs: 3_600_000,
      driftIntervalMs: 6 * 3_600_000,
      concurrency: 8,
      prune: false,
      syslog: false,
      listen: { host: '127.0.0.1', port: 9469 },
      stopTimeoutMs: 25_000,
    });
  });

  it('--syslog, or TSCM_SYSLOG=1 (0, false, off: off)', () => {
    expect(reconcileSettings({ ...FLAGS, syslog: true }, {}).syslog).toBe(true);
    expect(reconcileSettings(FLAGS, { TSCM_SYSLOG: '1' }).syslog).toBe(true);
    for (const off of ['0', 'false', 'off', ''])
      expect(reconcileSettings(FLAGS, { TSCM_SYSLOG: off }).syslog, off).toBe(false);
  });

  it('--shard I/N, or ordinal/N from a StatefulSet pod name', () => {
    expect(parseShard('1/3')).toEqual({ index: 1, count: 3 });
    expect(parseShard('ordinal/3', 'tscm-2')).toEqual({ index: 2, count: 3 });
    expect(() => parseShard('ordinal/3', 'tscm-3')).toThrow(/0 <= I < N/);
    expect(() => parseShard('ordinal/3', 'tscm')).toThrow(/does not end in -NUMBER/);
    for (const bad of ['3/3', '0/0', '-1/2', '1', 'a/b']) expect(() => parseShard(bad)).toThrow(ConfigError);
  });

  it('--repo: the token from TSCM_GIT_TOKEN or a file, the key from a file, the clone under --dir when given', () => {
    const remote = reconcileSettings(
      { ...FLAGS, repo: 'https://git.example.test/net/fleet.git', gitSshKey: 'key' },
      { TSCM_GIT_TOKEN: 'x', XDG_CACHE_HOME: '/cache' },
    );
    expect(remote.auth).toEqual({ token: { env: 'TSCM_GIT_TOKEN' }, sshKey: { file: path.resolve('key') } });
    expect(remote.source).toMatchObject({ kind: 'remote', branch: 'main', path: '.' });
    expect((remote.source as { workDir: string }).workDir).toMatch(/^\/cache\/tscm\/checkouts\/fleet-[0-9a-f]{10}$/);
    const fromFile = reconcileSettings(
      { ...FLAGS, repo: 'r', gitTokenFile: '/run/secrets/t' },
      { TSCM_GIT_TOKEN: 'x' },
    );
    expect(fromFile.auth).toEqual({ token: { file: '/run/secrets/t' } });
    expect(defaultWorkDir('git@h:a/fleet.git', 'main', '/data', {})).toMatch(/^\/data\/checkouts\/fleet-/);
    expect(defaultWorkDir('git@h:a/fleet.git', 'main', '/data', {})).not.toBe(
      defaultWorkDir('git@h:a/fleet.git', 'dev', '/data', {}),
    );
  });

  it('refuses what does not go together, naming the flags', () => {
    expect(() => reconcileSettings({ ...FLAGS, repo: 'r', watch: true }, {})).toThrow(
      /--watch watches a local checkout/,
    );
    expect(() => reconcileSettings({ ...FLAGS, workDir: '/w' }, {})).toThrow(/--work-dir goes with --repo/);
    expect(() => reconcileSettings({ ...FLAGS, concurrency: '0' }, {})).toThrow(/--concurrency/);
    expect(reconcileSettings({ ...FLAGS, listen: 'off' }, {}).listen).toBeNull();
    expect(reconcileSettings({ ...FLAGS, once: true }, {}).listen).toBeNull();
  });
});
