// What `tscm syslog`, `tscm logs` and `tscm reconcile --syslog` share: the definitions with a readable tscm.yaml,
// the log folder (logDirOf), its claim, and the hit entries from the state backend.

import { mkdir } from 'node:fs/promises';
import { formatDiagnostic, loadDefinitions, logDirOf, type Definitions } from '../config/index.js';
import type { Logger } from '../drivers/driver.js';
import { ConfigError } from '../errors.js';
import { readHitEntries, type HitEntries } from '../logs/hit-entries.js';
import { claimLogDir, type DirClaim } from '../logs/store/dir-claim.js';
import { openStateBackend } from '../state/index.js';

/** The definitions; a tscm.yaml with problems stops (the log settings would be unknown), device problems warn. */
export async function loadForLogs(
  dir: string,
  log: Logger,
  cloneWorkDir?: string,
): Promise<{ defs: Definitions; logDir: string }> {
  const defs = await loadDefinitions(dir);
  checkSettingsFile(defs);
  if (defs.diagnostics.length > 0)
    log.warn('some device definitions have problems; see tscm validate', { problems: defs.diagnostics.length });
  const logDir = logDirOf(defs.settings, cloneWorkDir === undefined ? {} : { cloneWorkDir });
  await mkdir(logDir, { recursive: true, mode: 0o750 });
  return { defs, logDir };
}

export function checkSettingsFile(defs: Definitions): void {
  const problems = defs.diagnostics.filter((d) => d.file === defs.settings.settingsFile);
  if (problems.length > 0) {
    throw new ConfigError(
      `${defs.settings.settingsFile ?? 'tscm.yaml'} has ${problems.length} problem(s), so the log settings are unknown:\n${problems.map(formatDiagnostic).join('\n')}`,
      'fix them (tscm validate lists them all) and run again',
    );
  }
}

/** Claims the folder for this process, or says who holds it. */
export async function claimOrRefuse(logDir: string): Promise<DirClaim> {
  const result = await claimLogDir(logDir);
  if ('claimed' in result) return result.claimed;
  throw new ConfigError(
    `the log folder ${logDir} is held by another tscm receiver (pid ${result.heldBy.pid})`,
    'one receiver per folder: stop that one, or give this one another folder (TSCM_LOG_DIR or tscm.yaml logs.dir)',
  );
}

/** The applied block and allow members of the devices, for hit attribution; an unreadable state warns. */
export async function hitEntriesOf(defs: Definitions, log: Logger): Promise<Map<string, HitEntries>> {
  try {
    const backend = openStateBackend(defs.settings, log);
    await backend.sync?.();
    return await readHitEntries(
      backend,
      defs.devices.map((d) => d.name),
      (device, err) =>
        log.warn('no hit attribution for the device: its state cannot be read', { device, error: err.message }),
    );
  } catch (err) {
    log.warn('no hit attribution: the state backend cannot be read', { error: (err as Error).message });
    return new Map();
  }
}
