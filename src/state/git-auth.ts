// Credentials for a git child process (the git state backend, the loop's remote definitions source). The token
// reaches git only through GIT_ASKPASS reading it from the child's environment: never on a command line (visible
// in `ps`), in a URL (stored in .git/config, echoed in git's errors) or in a log. A configured credential helper is
// switched off when a token is given, so that git does not store it (credential.helper=store would).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeSecretRef, registerSecret, resolveSecret } from '../config/secrets.js';
import type { SecretRef } from '../config/types.js';
import { ConfigError } from '../errors.js';

export interface GitAuth {
  /** An HTTPS token (a personal access token, a CI job token). */
  readonly token?: string;
  /** The path of an SSH private key file. */
  readonly sshKeyFile?: string;
}

/** The variable the askpass script reads the token from (in the git child's environment only). */
const TOKEN_VARIABLE = 'TSCM_GIT_TOKEN';

/**
 * The variables to add to a git child's environment (merge them over process.env): no terminal prompt ever, the
 * token through GIT_ASKPASS, the key through GIT_SSH_COMMAND with IdentitiesOnly (no agent or default keys).
 * Without a username in the URL, git asks for one: `x-access-token` (GitHub; GitLab and Gitea accept any name with
 * a token); put `user@` in the URL when a server needs a particular one.
 */
/**
 * What simple-git must be told to let through: the askpass helper, SSH command, "no credential helper" and
 * config-count variables gitEnv sets, and the operator's proxy and config paths passed on to git.
 */
export const GIT_ENV_UNSAFE_OPTIONS = {
  allowUnsafeAskPass: true,
  allowUnsafeSshCommand: true,
  allowUnsafeConfigEnvCount: true,
  allowUnsafeCredentialHelper: true,
  allowUnsafeConfigPaths: true,
  allowUnsafeGitProxy: true,
} as const;

export function gitEnv(auth: GitAuth, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = { GIT_TERMINAL_PROMPT: '0' };
  if (auth.token !== undefined) {
    env['GIT_ASKPASS'] = askpassScript();
    env[TOKEN_VARIABLE] = auth.token;
    // credential.helper= (empty) resets the helper list: git neither asks a helper nor stores the token in one.
    const count = Number(base['GIT_CONFIG_COUNT'] ?? 0);
    const at = Number.isInteger(count) && count >= 0 ? count : 0;
    env['GIT_CONFIG_COUNT'] = String(at + 1);
    env[`GIT_CONFIG_KEY_${at}`] = 'credential.helper';
    env[`GIT_CONFIG_VALUE_${at}`] = '';
  }
  if (auth.sshKeyFile !== undefined) {
    env['GIT_SSH_COMMAND'] =
      `ssh -i ${shellQuote(auth.sshKeyFile)} -o IdentitiesOnly=yes -o BatchMode=yes -o IdentityAgent=none`;
  }
  return env;
}

/**
 * Reads the secret references of a git remote: the token's value (registered for redaction), the key as a file
 * (a key given in an environment variable is written to a private temporary file, removed when tscm exits).
 */
export async function resolveGitAuth(
  refs: { readonly token?: SecretRef; readonly sshKey?: SecretRef },
  baseDir: string,
): Promise<GitAuth> {
  const out: { token?: string; sshKeyFile?: string } = {};
  if (refs.token !== undefined) out.token = await resolveSecret(refs.token, { baseDir });
  if (refs.sshKey !== undefined) out.sshKeyFile = await sshKeyFileOf(refs.sshKey, baseDir);
  return out;
}

async function sshKeyFileOf(ref: SecretRef, baseDir: string): Promise<string> {
  const name = describeSecretRef(ref);
  if ('file' in ref) {
    const path = resolve(baseDir, ref.file);
    const ok = await stat(path).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!ok) throw new ConfigError(`SSH key ${name} is not a readable file`, 'mount the key file at that path');
    return path;
  }
  const key = process.env[ref.env];
  if (key === undefined || key.trim() === '') {
    throw new ConfigError(
      `SSH key ${name} is not set`,
      `export ${ref.env} holding the private key in tscm's environment`,
    );
  }
  registerSecret(key.trim());
  const file = join(privateDir(), `key-${Object.keys(written).length}`);
  // ssh refuses a key without its final newline, and a key readable by others.
  writeFileSync(file, key.endsWith('\n') ? key : `${key}\n`, { mode: 0o600 });
  written[file] = true;
  return file;
}

const written: Record<string, true> = {};
let dir: string | undefined;
let script: string | undefined;

/** A folder only this user reads, removed when the process exits. */
function privateDir(): string {
  if (dir === undefined) {
    const made = mkdtempSync(join(tmpdir(), 'tscm-git-'));
    dir = made;
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  }
  return dir;
}

/** The askpass program: prints a username for git's username prompt and the token for any other prompt. */
function askpassScript(): string {
  if (script === undefined) {
    const file = join(privateDir(), 'askpass.sh');
    writeFileSync(
      file,
      [
        '#!/bin/sh',
        '# tscm: answers git prompts from the environment (the token is never on a command line).',
        'case "$1" in',
        `  [Uu]sername*) printf '%s\\n' "x-access-token" ;;`,
        `  *) printf '%s\\n' "$${TOKEN_VARIABLE}" ;;`,
        'esac',
        '',
      ].join('\n'),
      { mode: 0o700 },
    );
    script = file;
  }
  return script;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
