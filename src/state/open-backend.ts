// The state backend tscm.yaml names (`state: { backend: local | git }`), opened on the folder settings.stateDir
// (git: the working copy of the state branch). The git backend touches the network only when first used.

import type { RepoSettings } from '../config/types.js';
import { ConfigError } from '../errors.js';
import type { StateBackend, StateLog } from './backend.js';
import { gitEnv, resolveGitAuth } from './git-auth.js';
import { GitStateBackend, type GitBackendOptions } from './git-backend.js';
import { StateStore } from './state-store.js';

export function openStateBackend(
  settings: Pick<RepoSettings, 'stateDir' | 'state'>,
  log: StateLog,
  /** For tests: retry and renewal timing, clock and identity of the git backend. */
  tuning: Partial<Pick<GitBackendOptions, 'retry' | 'renewEveryMs' | 'now' | 'identity'>> = {},
): StateBackend {
  const state = settings.state;
  if (state.backend === 'local') return new StateStore(settings.stateDir);
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(state.repo)) {
    throw new ConfigError(
      'tscm.yaml: state.repo holds a password or token in its URL',
      'remove it from the URL and give it as state.token: { env: NAME } or { file: PATH }',
    );
  }
  return new GitStateBackend({
    dir: settings.stateDir,
    repo: state.repo,
    branch: state.branch,
    lockTtlSeconds: state.lockTtlSeconds,
    log,
    env: async () =>
      gitEnv(
        await resolveGitAuth(
          {
            ...(state.token === undefined ? {} : { token: state.token }),
            ...(state.sshKey === undefined ? {} : { sshKey: state.sshKey }),
          },
          settings.stateDir,
        ),
      ),
    ...tuning,
  });
}
