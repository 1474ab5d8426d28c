// The state backend tscm.yaml names (`state: { backend: local | git }`), opened on the folder settings.stateDir.

import type { RepoSettings } from '../config/types.js';
import type { StateBackend } from './backend.js';
import { StateStore } from './state-store.js';

/** What the backends report (warnings: a lock taken over, a push retried); the CLI's logger fits. */
export interface StateLog {
  warn(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
}

export function openStateBackend(settings: Pick<RepoSettings, 'stateDir' | 'state'>, _log: StateLog): StateBackend {
  return new StateStore(settings.stateDir);
}
