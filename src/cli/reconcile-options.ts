// `tscm reconcile`'s options (flags, or TSCM_* variables: a flag wins) checked and turned into the loop's settings.
// Every error names the flag and a valid example.

import { createHash } from 'node:crypto';
import { homedir, hostname } from 'node:os';
import path from 'node:path';
import { parseListen } from '../daemon/http-server.js';
import { parseDuration } from '../daemon/schedule.js';
import { ConfigError } from '../errors.js';
import type { SecretRef } from '../config/types.js';

/** What commander hands over (strings as typed, or from the environment). */
export interface ReconcileFlags {
  dir: string;
  /** --dir or TSCM_DIR was given (not the default): a remote clone then lives under it. */
  dirGiven: boolean;
  repo?: string;
  branch: string;
  path: string;
  workDir?: string;
  gitTokenFile?: string;
  gitSshKey?: string;
  once?: boolean;
  watch?: boolean;
  watchDebounce: string;
  interval: string;
  driftInterval: string;
  concurrency: string;
  shard?: string;
  prune?: boolean;
  /** --syslog (or TSCM_SYSLOG=1, read here): also run the log receiver. */
  syslog?: boolean;
  listen: string;
  stopTimeout: string;
}

export type SourceSettings =
  | { readonly kind: 'local'; readonly dir: string }
  | {
      readonly kind: 'remote';
      readonly url: string;
      readonly branch: string;
      readonly path: string;
      readonly workDir: string;
    };

export interface ReconcileSettings {
  readonly source: SourceSettings;
  /** Secret references for a remote repository: the token (TSCM_GIT_TOKEN or a file), an SSH key file. */
  readonly auth: { readonly token?: SecretRef; readonly sshKey?: SecretRef };
  readonly once: boolean;
  readonly watch: { readonly debounceMs: number } | null;
  readonly intervalMs: number;
  readonly driftIntervalMs: number;
  readonly concurrency: number;
  readonly shard?: { readonly index: number; readonly count: number };
  readonly prune: boolean;
  /** Run the device log service in the loop's process. */
  readonly syslog: boolean;
  /** null: no status server (--listen off, or --once). */
  readonly listen: { readonly host: string; readonly port: number } | null;
  readonly stopTimeoutMs: number;
}

export function reconcileSettings(f: ReconcileFlags, env: NodeJS.ProcessEnv = process.env): ReconcileSettings {
  if (f.once && f.watch) throw new ConfigError('--once and --watch do not go together', 'choose one');
  const source = sourceSettings(f, env);
  if (f.watch && source.kind === 'remote') {
    throw new ConfigError(
      '--watch watches a local checkout, not --repo',
      'a remote repository is pulled every --interval',
    );
  }
  const auth: { token?: SecretRef; sshKey?: SecretRef } = {};
  if (source.kind === 'remote') {
    if (f.gitTokenFile !== undefined) auth.token = { file: path.resolve(f.gitTokenFile) };
    else if (env['TSCM_GIT_TOKEN'] !== undefined) auth.token = { env: 'TSCM_GIT_TOKEN' };
    if (f.gitSshKey !== undefined) auth.sshKey = { file: path.resolve(f.gitSshKey) };
  }
  const listen = f.once || /^(off|none)$/i.test(f.listen.trim()) ? null : parseListen(f.listen);
  return {
    source,
    auth,
    once: f.once ?? false,
    watch: f.watch ? { debounceMs: parseDuration(f.watchDebounce, '--watch-debounce') } : null,
    intervalMs: parseDuration(f.interval, '--interval'),
    driftIntervalMs: parseDuration(f.driftInterval, '--drift-interval'),
    concurrency: parseConcurrency(f.concurrency),
    ...(f.shard === undefined ? {} : { shard: parseShard(f.shard) }),
    prune: f.prune ?? false,
    syslog: f.syslog === true || !/^(0|false|no|off|)$/i.test((env['TSCM_SYSLOG'] ?? '').trim()),
    listen,
    stopTimeoutMs: parseDuration(f.stopTimeout, '--stop-timeout'),
  };
}

function sourceSettings(f: ReconcileFlags, env: NodeJS.ProcessEnv): SourceSettings {
  if (f.repo === undefined) {
    for (const [flag, given] of [
      ['--work-dir', f.workDir],
      ['--git-token-file', f.gitTokenFile],
      ['--git-ssh-key', f.gitSshKey],
    ] as const) {
      if (given !== undefined) throw new ConfigError(`${flag} goes with --repo`, `e.g. --repo URL ${flag} ...`);
    }
    return { kind: 'local', dir: path.resolve(f.dir) };
  }
  const workDir = f.workDir ?? defaultWorkDir(f.repo, f.branch, f.dirGiven ? f.dir : null, env);
  return { kind: 'remote', url: f.repo, branch: f.branch, path: f.path, workDir: path.resolve(workDir) };
}

/**
 * A clone per repository and branch: under --dir / TSCM_DIR when given (a container's data volume), else under
 * the user's cache folder.
 */
export function defaultWorkDir(url: string, branch: string, dir: string | null, env: NodeJS.ProcessEnv): string {
  const base = dir ?? path.join(env['XDG_CACHE_HOME'] || path.join(homedir(), '.cache'), 'tscm');
  const name =
    (
      url
        .replace(/\.git\/?$/, '')
        .split(/[/:]/)
        .pop() ?? ''
    ).replace(/[^A-Za-z0-9._-]/g, '') || 'repo';
  const hash = createHash('sha256').update(`${url}\n${branch}`).digest('hex').slice(0, 10);
  return path.join(base, 'checkouts', `${name.slice(0, 40)}-${hash}`);
}

function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new ConfigError(`--concurrency takes a whole number from 1 to 1000, not "${value}"`, 'e.g. --concurrency 8');
  }
  return n;
}

/**
 * "I/N", or "ordinal/N": I is the number at the end of the host name (a Kubernetes StatefulSet's pod tscm-2 is
 * shard 2), so every replica runs the same command.
 */
export function parseShard(value: string, host: string = hostname()): { index: number; count: number } {
  const m = /^(\d{1,4}|ordinal)\/(\d{1,4})$/.exec(value.trim());
  const count = Number(m?.[2]);
  let index = Number(m?.[1]);
  if (m?.[1] === 'ordinal') {
    const ordinal = /-(\d{1,4})$/.exec(host);
    if (!ordinal) {
      throw new ConfigError(
        `--shard ordinal/${m[2]}: the host name "${host.slice(0, 64)}" does not end in -NUMBER`,
        'give the index yourself, e.g. --shard 0/3, or run as a StatefulSet pod (name-0, name-1, ...)',
      );
    }
    index = Number(ordinal[1]);
  }
  if (m === null || count < 1 || index >= count) {
    throw new ConfigError(
      `--shard takes I/N with 0 <= I < N, not "${value.slice(0, 40)}"`,
      'e.g. --shard 0/3 for the first of three replicas, or --shard ordinal/3 in a StatefulSet',
    );
  }
  return { index, count };
}
