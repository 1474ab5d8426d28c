// Credentials reach git only through the askpass program and the child's environment; a wrong token is a clear
// error that never shows it. Against a real smart-HTTP server (git http-backend) on loopback.

import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHttpServer, type GitHttpServer } from '../../test/helpers/git-http-server.js';
import { TransientError } from '../errors.js';
import { gitEnv, openStateBackend, resolveGitAuth } from './index.js';
import type { DeviceStatus } from './status-model.js';

const TOKEN = 'tok-7f3a9c41d2e8b6a0';
const STATUS: DeviceStatus = {
  formatVersion: 1,
  device: 'edge-1',
  ready: true,
  reason: 'UpToDate',
  message: 'nothing to do',
  lastAttemptedRevision: null,
  lastAppliedRevision: null,
  lastAttemptAt: null,
  lastAppliedAt: null,
  zones: [],
  entries: [],
  maxEntries: 100,
  drift: null,
  lastError: null,
  nextRunAt: null,
};
let tmp: string;
let server: GitHttpServer;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tscm-gitauth-'));
  execFileSync('git', ['init', '--quiet', '--bare', join(tmp, 'state.git')]);
  // Anyone may fetch, as from a public repository; a push needs the token.
  server = await startGitHttpServer({ projectRoot: tmp, token: TOKEN, host: '127.0.71.1', anonymousRead: true });
});
afterAll(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

function backend(name: string, tokenVariable: string) {
  return openStateBackend(
    {
      stateDir: join(tmp, name),
      state: {
        backend: 'git',
        repo: `${server.url}state.git`,
        branch: 'tscm-state',
        lockTtlSeconds: 60,
        token: { env: tokenVariable },
      },
    },
    { warn: () => undefined, debug: () => undefined },
  );
}

describe('git credentials', () => {
  it('gives the token to git through askpass and the environment only', async () => {
    const env = gitEnv({ token: TOKEN, sshKeyFile: "/keys/it's" }, {});
    expect(env['GIT_TERMINAL_PROMPT']).toBe('0');
    expect(env['TSCM_GIT_TOKEN']).toBe(TOKEN);
    expect(Object.entries(env).filter(([, v]) => v.includes(TOKEN))).toEqual([['TSCM_GIT_TOKEN', TOKEN]]);
    expect(await readFile(env['GIT_ASKPASS']!, 'utf8')).not.toContain(TOKEN);
    expect(env['GIT_SSH_COMMAND']).toBe(
      `ssh -i '/keys/it'\\''s' -o IdentitiesOnly=yes -o BatchMode=yes -o IdentityAgent=none`,
    );
    // credential.helper is reset after any configuration given in the environment already.
    expect(gitEnv({ token: TOKEN }, { GIT_CONFIG_COUNT: '2' })).toMatchObject({
      GIT_CONFIG_COUNT: '3',
      GIT_CONFIG_KEY_2: 'credential.helper',
      GIT_CONFIG_VALUE_2: '',
    });
    expect(gitEnv({}, {})).toEqual({ GIT_TERMINAL_PROMPT: '0' });
  });

  it('an SSH key in an environment variable becomes a private file; a missing key file is named', async () => {
    process.env['TSCM_TEST_SSH_KEY'] = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----';
    const auth = await resolveGitAuth({ sshKey: { env: 'TSCM_TEST_SSH_KEY' } }, tmp);
    expect((await readFile(auth.sshKeyFile!, 'utf8')).endsWith('KEY-----\n')).toBe(true);
    await expect(resolveGitAuth({ sshKey: { file: 'nope/id_ed25519' } }, tmp)).rejects.toThrow(
      `SSH key file:nope/id_ed25519 is not a readable file`,
    );
    delete process.env['TSCM_TEST_SSH_KEY'];
  });

  it('pushes over HTTPS-style auth with the right token', async () => {
    process.env['TSCM_TEST_GOOD_TOKEN'] = TOKEN;
    const store = backend('good', 'TSCM_TEST_GOOD_TOKEN');
    await store.write('edge-1', { inventory: { groups: [] }, zones: [], lastApply: null });
    expect(
      execFileSync('git', ['-C', join(tmp, 'state.git'), 'ls-tree', '-r', '--name-only', 'tscm-state'], {
        encoding: 'utf8',
      }),
    ).toBe('edge-1/state.json\n');
    expect(await readFile(join(tmp, 'good', '.git', 'config'), 'utf8')).not.toContain(TOKEN);
  });

  it('a refused token is a clear error naming the repository, without the token', async () => {
    const wrong = 'wrong-9c2e5d71b3a4f680';
    process.env['TSCM_TEST_BAD_TOKEN'] = wrong;
    const refusedBefore = server.refused();
    const store = backend('bad', 'TSCM_TEST_BAD_TOKEN');
    const err = await store.writeStatus('edge-1', STATUS).then(
      () => null,
      (e: unknown) => e as TransientError,
    );
    expect(err).toBeInstanceOf(TransientError);
    expect(err!.message).toMatch(/git push of http:\/\/127\.0\.71\.1:\d+\/state\.git \(branch tscm-state\) failed/);
    expect(err!.message).toMatch(/Authentication failed/);
    expect(err!.hint).toMatch(/state\.token or state\.sshKey/);
    expect(`${err!.message} ${err!.hint} ${err!.stack}`).not.toContain(wrong);
    expect(server.refused()).toBeGreaterThan(refusedBefore);
    // Nothing of the refused change stays in the working copy: reads show the branch as it is.
    expect(await store.readStatus('edge-1')).toBeNull();
  });
});
