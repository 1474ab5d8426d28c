// `tscm reconcile --syslog`: the log service in the loop's process. It starts with the definitions the loop reads
// (a local folder: before the first pass, so a bind error stops the start; --repo: once the first pull gave a
// checkout), and after each pass re-reads the devices and the entries the pass applied. Its counts join /status
// and /metrics. The log folder and listen addresses are those of the start (a change needs a restart).

import type { Registry } from 'prom-client';
import { createLogMetrics } from '../daemon/log-metrics.js';
import { logsStatusOf } from '../daemon/log-status.js';
import type { LoopStatus } from '../daemon/loop-status.js';
import type { Logger } from '../drivers/driver.js';
import type { DirClaim } from '../logs/store/dir-claim.js';
import { startLogService, type LogService } from '../logs/service.js';
import { claimOrRefuse, hitEntriesOf, loadForLogs } from './log-setup.js';

export interface ReconcileSyslog {
  /** Starts the service on the definitions at `dir` when not started yet. */
  ensureStarted(dir: string): Promise<void>;
  /** After a pass: the devices and their applied entries again. Never throws (logged). */
  reload(dir: string): Promise<void>;
  close(): Promise<void>;
}

export function reconcileSyslog(opts: {
  readonly log: Logger;
  readonly cloneWorkDir?: string;
  readonly status: LoopStatus;
  readonly registry: Registry;
}): ReconcileSyslog {
  const { log } = opts;
  let service: LogService | undefined;
  let claim: DirClaim | undefined;
  let starting: Promise<void> | undefined;
  opts.status.attachLogs(() => (service === undefined ? null : logsStatusOf(service.counters())));
  createLogMetrics(() => service?.counters() ?? null, opts.registry);

  const start = async (dir: string) => {
    const { defs, logDir } = await loadForLogs(dir, log, opts.cloneWorkDir);
    claim = await claimOrRefuse(logDir);
    try {
      service = await startLogService({
        dir: logDir,
        settings: defs.settings.logs,
        devices: defs.devices,
        entries: await hitEntriesOf(defs, log),
        controlSocket: claim.controlSocket,
        log,
      });
    } catch (err) {
      await claim.release();
      claim = undefined;
      throw err;
    }
    log.info('syslog receiver started', {
      udp: service.receiver.udp.map((a) => `${a.host}:${a.port}`),
      tcp: service.receiver.tcp.map((a) => `${a.host}:${a.port}`),
      devices: defs.devices.length,
      logDir,
    });
  };

  return {
    async ensureStarted(dir) {
      if (service !== undefined) return;
      starting ??= start(dir).finally(() => {
        starting = undefined;
      });
      await starting;
    },
    async reload(dir) {
      if (service === undefined) return;
      try {
        const { defs } = await loadForLogs(dir, log, opts.cloneWorkDir);
        await service.reload(defs.devices, await hitEntriesOf(defs, log));
      } catch (err) {
        log.error('syslog receiver: reload failed; it keeps the devices it had', { error: (err as Error).message });
      }
    },
    async close() {
      await service?.close();
      await claim?.release();
      service = undefined;
      claim = undefined;
    },
  };
}
