// Where the log folder is, until tscm.yaml's `logs.dir` setting lands (the wire part of issue 10 replaces this).

import path from 'node:path';

/** The log folder of a definitions root: TSCM_LOG_DIR (relative to the working folder), else <root>/.tscm-logs. */
export function logDirOf(definitionsDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.TSCM_LOG_DIR;
  return fromEnv !== undefined && fromEnv !== '' ? path.resolve(fromEnv) : path.join(definitionsDir, '.tscm-logs');
}
