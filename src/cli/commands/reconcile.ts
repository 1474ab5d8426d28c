// tscm reconcile: the controller. Pulls the definitions (a local checkout, or --repo cloned into a work folder and
// hard-reset to the branch each pass), runs a reconcile pass (reconcile/reconcile-pass.ts: only where something
// moved), and again every --interval (jittered), earlier when a device's back-off or drift check falls due, at once
// for the devices an edit touched (--watch). Serves /healthz, /readyz, /status and /metrics on --listen.
// SIGTERM/SIGINT: the pass stops truthfully (devices mid-apply record what reached them and release their locks)
// within --stop-timeout, the server closes, exit 0. `--once`: one pass, a line per device, exit 0 (no device
// failed), 1 (one did) or 130/143 (interrupted).

import { startStatusServer, type StatusServer } from '../../daemon/http-server.js';
import { runLoop, type RunPass } from '../../daemon/loop.js';
import { LoopStatus } from '../../daemon/loop-status.js';
import { createLoopMetrics } from '../../daemon/metrics.js';
import { localSource, remoteSource, type DefinitionsSource } from '../../daemon/definitions-source.js';
import { DEFAULT_SCHEDULE } from '../../daemon/schedule.js';
import type { Logger } from '../../drivers/driver.js';
import { printable } from '../../plan/message-text.js';
import { createPassMemory, reconcilePass } from '../../reconcile/reconcile-pass.js';
import { gitEnv, resolveGitAuth } from '../../state/git-auth.js';
import { handleInterrupts } from '../interrupt.js';
import { stateDirFromEnv } from '../../config/index.js';
import { createLogger, type LogFormat, type LogLevel } from '../logger.js';
import { reconcileSettings, type ReconcileFlags, type ReconcileSettings } from '../reconcile-options.js';
import { reconcileSyslog, type ReconcileSyslog } from '../reconcile-syslog.js';
import { notice } from '../stderr-notice.js';

export interface ReconcileOptions extends ReconcileFlags {
  logLevel: LogLevel;
  logFormat: LogFormat;
}

export async function reconcileCommand(opts: ReconcileOptions): Promise<number> {
  const settings = reconcileSettings(opts);
  const log = createLogger({ level: opts.logLevel, format: opts.logFormat });
  const source = await openSource(settings, log);
  const memory = createPassMemory();
  // State never lives inside a clone tscm resets: beside it (TSCM_STATE_DIR or tscm.yaml's state.dir win).
  const defaultStateDir =
    stateDirFromEnv().defaultStateDir ??
    (settings.source.kind === 'remote' ? `${settings.source.workDir}.state` : undefined);
  const status = new LoopStatus();
  const metrics = createLoopMetrics();
  const syslog: ReconcileSyslog | undefined = settings.syslog
    ? reconcileSyslog({
        log,
        ...(settings.source.kind === 'remote' ? { cloneWorkDir: settings.source.workDir } : {}),
        status,
        registry: metrics.registry,
      })
    : undefined;
  const runPass: RunPass = async (req) => {
    await syslog?.ensureStarted(req.dir);
    try {
      return await passOf(req);
    } finally {
      await syslog?.reload(req.dir);
    }
  };
  const passOf: RunPass = (req) =>
    reconcilePass(memory, {
      trigger: req.trigger,
      dir: req.dir,
      log,
      events: req.events,
      concurrency: settings.concurrency,
      ...(settings.shard ? { shard: settings.shard } : {}),
      prune: settings.prune,
      driftIntervalMs: settings.driftIntervalMs,
      ...(req.onlyDevices ? { onlyDevices: req.onlyDevices } : {}),
      signal: req.signal,
      ...(defaultStateDir === undefined ? {} : { defaultStateDir }),
    });
  const interrupts = handleInterrupts((text) => notice(opts.logFormat, text));
  let server: StatusServer | undefined;
  try {
    // A local folder is there now: the receiver starts before the first pass, and a bind error stops the start.
    if (settings.source.kind === 'local') await syslog?.ensureStarted(settings.source.dir);
    if (settings.listen) {
      server = await startStatusServer({ ...settings.listen, status, metrics });
      log.info('serving status and metrics', { listen: `${server.host}:${server.port}` });
    }
    log.info('reconcile loop started', {
      source: source.description,
      once: settings.once,
      watch: settings.watch !== null,
      intervalMs: settings.intervalMs,
      shard: settings.shard ? `${settings.shard.index}/${settings.shard.count}` : undefined,
    });
    const result = await runLoop({
      source,
      runPass,
      schedule: { ...DEFAULT_SCHEDULE, intervalMs: settings.intervalMs },
      once: settings.once,
      watch: settings.watch,
      stop: interrupts.signal,
      stopTimeoutMs: settings.stopTimeoutMs,
      log,
      status,
      metrics,
    });
    if (!result.stoppedInTime) {
      log.error('the pass did not stop within --stop-timeout; exiting (the next run reads back what was sent)', {
        stopTimeoutMs: settings.stopTimeoutMs,
      });
      return 1;
    }
    if (settings.once) return reportOnce(result.last, result.lastError, interrupts, opts.logFormat);
    log.info('reconcile loop stopped', { passes: result.passes, signal: interrupts.received });
    return 0;
  } finally {
    interrupts.dispose();
    await server?.close();
    await syslog?.close();
  }
}

async function openSource(settings: ReconcileSettings, log: Logger): Promise<DefinitionsSource> {
  const s = settings.source;
  if (s.kind === 'local') return localSource(s.dir);
  // The token and key are read once; the child's environment carries none of ours (no GIT_CONFIG_* to count on).
  const env = gitEnv(await resolveGitAuth(settings.auth, process.cwd()), {});
  return remoteSource({ url: s.url, branch: s.branch, path: s.path, workDir: s.workDir, gitEnv: env, log });
}

/** --once: a line per device on stdout and the pass in one line; the exit code says how it went. */
function reportOnce(
  last: Awaited<ReturnType<typeof runLoop>>['last'],
  lastError: unknown,
  interrupts: { received: 'SIGINT' | 'SIGTERM' | undefined; exitCode: number },
  format: LogFormat,
): number {
  if (last === null) {
    if (lastError !== undefined) throw lastError;
    return interrupts.exitCode; // stopped before the pass began
  }
  for (const s of last.statuses) process.stdout.write(`${s.device}  ${s.reason}  ${printable(s.message, 500)}\n`);
  const { summary } = last;
  process.stdout.write(
    `Pass done in ${summary.durationMs} ms: ${summary.devices} device(s), ${summary.sessionsOpened} session(s) opened, ${summary.zoneTransfers} zone transfer(s), ${summary.failed} failed.\n`,
  );
  if (summary.interrupted || interrupts.received) {
    notice(
      format,
      `Interrupted by ${interrupts.received ?? 'a signal'}: what reached the devices is recorded in tscm's state; the next pass finishes the job.\n`,
    );
    return interrupts.exitCode;
  }
  return summary.failed > 0 ? 1 : 0;
}
