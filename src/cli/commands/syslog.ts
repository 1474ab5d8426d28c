// tscm syslog: the device log receiver on its own (the reconcile container runs the same with --syslog). Claims
// the log folder (one receiver per folder), files each device's syslog, rotates, uploads, forwards, counts hits.
// SIGHUP and every --reload-interval re-read the definitions and the state's entries. SIGTERM/SIGINT: stop
// listening, push what was read, flush and fsync, release the folder, exit 0.

import { parseListenAddress } from '../../config/index.js';
import { startStatusServer, parseListen, type StatusServer } from '../../daemon/http-server.js';
import { createLogMetrics } from '../../daemon/log-metrics.js';
import { logsStatusOf } from '../../daemon/log-status.js';
import { parseDuration } from '../../daemon/schedule.js';
import { ConfigError } from '../../errors.js';
import type { ListenAddress } from '../../logs/model.js';
import { startLogService, type LogService } from '../../logs/service.js';
import { claimOrRefuse, hitEntriesOf, loadForLogs } from '../log-setup.js';
import { createLogger, type LogFormat, type LogLevel } from '../logger.js';

export interface SyslogOptions {
  dir: string;
  udp?: string[];
  tcp?: string[];
  listen?: string;
  reloadInterval: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

export async function syslogCommand(opts: SyslogOptions): Promise<number> {
  const log = createLogger({ level: opts.logLevel, format: opts.logFormat });
  const reloadMs = parseDuration(opts.reloadInterval, '--reload-interval');
  const udp = opts.udp?.map((t) => listenAddress(t, '--udp'));
  const tcp = opts.tcp?.map((t) => listenAddress(t, '--tcp'));
  const listen = opts.listen === undefined || opts.listen === 'off' ? null : parseListen(opts.listen);
  const { defs, logDir } = await loadForLogs(opts.dir, log);
  const claim = await claimOrRefuse(logDir);
  let service: LogService | undefined;
  let server: StatusServer | undefined;
  try {
    service = await startLogService({
      dir: logDir,
      settings: defs.settings.logs,
      ...(udp === undefined ? {} : { udp }),
      ...(tcp === undefined ? {} : { tcp }),
      devices: defs.devices,
      entries: await hitEntriesOf(defs, log),
      controlSocket: claim.controlSocket,
      log,
    });
    const running = service;
    if (listen !== null) {
      const metrics = createLogMetrics(() => running.counters());
      server = await startStatusServer({
        ...listen,
        status: { ready: true, document: () => ({ logs: logsStatusOf(running.counters()) }) },
        metrics,
      });
    }
    const where = (kind: string, list: readonly ListenAddress[]) => list.map((a) => `${kind} ${hostPort(a)}`);
    process.stdout.write(
      `tscm syslog: listening on ${[...where('udp', service.receiver.udp), ...where('tcp', service.receiver.tcp)].join(', ') || 'nothing'}; ${defs.devices.length} device(s); log folder ${logDir}${server ? `; status and metrics on ${server.host}:${server.port}` : ''}\n`,
    );
    await runUntilStopped(service, opts.dir, reloadMs, log);
    return 0;
  } finally {
    await server?.close();
    await service?.close();
    await claim.release();
  }
}

/** Reloads on SIGHUP and every reloadMs; resolves at SIGTERM or SIGINT. */
async function runUntilStopped(
  service: LogService,
  dir: string,
  reloadMs: number,
  log: ReturnType<typeof createLogger>,
): Promise<void> {
  let reloading: Promise<void> = Promise.resolve();
  const reload = (why: string) => {
    reloading = reloading.then(async () => {
      try {
        const { defs } = await loadForLogs(dir, log);
        await service.reload(defs.devices, await hitEntriesOf(defs, log));
        log.info('definitions reloaded', { why, devices: defs.devices.length });
      } catch (err) {
        log.error('reload failed; the receiver keeps the devices it had', { why, error: (err as Error).message });
      }
    });
  };
  const onHup = () => reload('SIGHUP');
  const timer = setInterval(() => reload('interval'), reloadMs);
  timer.unref();
  process.on('SIGHUP', onHup);
  try {
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    log.info('stopping: no longer listening, flushing the device files', { signal });
    await reloading;
  } finally {
    clearInterval(timer);
    process.off('SIGHUP', onHup);
  }
}

function listenAddress(text: string, flag: string): ListenAddress {
  const a = parseListenAddress(text);
  if (a === null) {
    throw new ConfigError(
      `${flag} takes an IPv4 or [IPv6] address and a port, not "${text.slice(0, 60)}"`,
      `e.g. ${flag} 0.0.0.0:514 or ${flag} [::]:514`,
    );
  }
  return a;
}

function hostPort(a: ListenAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
