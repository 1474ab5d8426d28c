// tscm logs [DEVICE] [--json]: rotate and upload now, like the appliance's command. When a receiver holds the log
// folder it is asked over its control socket (only the owner writes the folder); otherwise this process claims the
// folder, recovers, rotates, uploads and releases it. Exit 1 when an upload failed.

import type { RotatedFile, UploadOutcome } from '../../logs/model.js';
import { askControl } from '../../logs/control-socket.js';
import { rotateAndUploadOnce } from '../../logs/rotate-once.js';
import type { RotateUploadResult } from '../../logs/service.js';
import { claimLogDir } from '../../logs/store/dir-claim.js';
import { ConfigError, TransientError } from '../../errors.js';
import { printable } from '../../plan/message-text.js';
import { loadForLogs } from '../log-setup.js';
import { createLogger, type LogFormat, type LogLevel } from '../logger.js';

export interface LogsOptions {
  dir: string;
  json?: boolean;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

export async function logsCommand(device: string | undefined, opts: LogsOptions): Promise<number> {
  const log = createLogger({ level: opts.logLevel, format: opts.logFormat });
  const { defs, logDir } = await loadForLogs(opts.dir, log);
  if (device !== undefined && !defs.devices.some((d) => d.name === device)) {
    throw new ConfigError(
      `no device named ${device} in ${defs.settings.definitionsDir}`,
      'tscm list shows the devices',
    );
  }
  let result: RotateUploadResult;
  let via: 'receiver' | 'here';
  const claim = await claimLogDir(logDir);
  if ('heldBy' in claim) {
    const reply = await askControl(claim.heldBy.controlSocket, {
      op: 'rotate-upload',
      ...(device === undefined ? {} : { device }),
    });
    if (!reply.ok) throw new TransientError(`the running receiver refused: ${reply.error}`, 'see its log');
    result = reply as unknown as RotateUploadResult;
    via = 'receiver';
  } else {
    try {
      result = await rotateAndUploadOnce({
        dir: logDir,
        settings: defs.settings.logs,
        devices: defs.devices,
        ...(device === undefined ? {} : { device }),
        log,
      });
    } finally {
      await claim.claimed.release();
    }
    via = 'here';
  }
  const failed = result.uploads.filter((u) => u.result === 'failed').length;
  if (opts.json) {
    process.stdout.write(
      JSON.stringify({ logDir, via, rotated: result.rotated, uploads: result.uploads }, null, 2) + '\n',
    );
  } else {
    process.stdout.write(formatResult(result.rotated, result.uploads, via));
  }
  return failed > 0 ? 1 : 0;
}

function formatResult(
  rotated: readonly RotatedFile[],
  uploads: readonly UploadOutcome[],
  via: 'receiver' | 'here',
): string {
  // Only a running receiver retries on its own; without one the file waits for the next tscm logs or receiver start.
  const kept = via === 'receiver' ? 'kept, the receiver retries it' : 'kept until the next tscm logs or receiver start';
  const lines = [];
  for (const r of rotated) lines.push(`rotated   ${printable(r.device, 64)}  ${base(r.path)}  ${r.bytes} bytes`);
  for (const u of uploads) {
    const what =
      u.result === 'uploaded'
        ? `uploaded${u.httpStatus === undefined ? '' : ` (HTTP ${u.httpStatus})`}`
        : u.result === 'kept'
          ? 'kept (upload off)'
          : `failed: ${printable(u.reason ?? 'unknown', 200)} (${kept})`;
    lines.push(`${printable(u.device, 64)}  ${printable(u.file, 64)}  ${u.bytes} bytes  ${what}`);
  }
  const count = (r: UploadOutcome['result']) => uploads.filter((u) => u.result === r).length;
  lines.push(
    `${rotated.length} file(s) rotated; ${count('uploaded')} uploaded, ${count('kept')} kept (upload off), ${count('failed')} failed.`,
  );
  return lines.join('\n') + '\n';
}

function base(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
