// The apply-time wording shared by the CLI drivers, each giving its own error rules and advice: one configuration
// line sent on its own (a group header, a delete, `exit`), and a batch failure turned into the DeviceApplyError
// the apply layer reads (`reached` = member changes the device confirmed).

import type { Logger } from '../driver.js';
import { DeviceApplyError } from '../driver.js';
import { findDeviceError } from './cli-text.js';
import type { DeviceErrorRule } from './cli-text.js';
import type { BatchFailure, CliSession } from './ssh-session.js';

export interface ConfigLineContext {
  readonly session: CliSession;
  readonly label: string;
  /** Names the platform in the log line (`asa apply failed`). */
  readonly platform: string;
  readonly rules: readonly DeviceErrorRule[];
  readonly log: Logger;
  /** Back to privileged mode after a refusal, best effort (`end`, or `exit` on PIX 6). */
  readonly leave: () => Promise<void>;
  /** What to do about a refusal, in the platform's words (an FWSM over its element limit); appended. */
  readonly advise?: (deviceReply: string) => string | undefined;
}

/** The error for a batch that stopped: refused by the device (not transient), or a broken session (transient). */
export function batchFailureError(c: ConfigLineContext, f: BatchFailure, reached: number): DeviceApplyError {
  if (f.kind === 'interrupted') {
    return new DeviceApplyError(`device ${c.label}: interrupted`, f.command, undefined, reached, true, true);
  }
  const refused = f.kind === 'device-error' || f.kind === 'lock';
  const advice = refused ? c.advise?.(f.deviceReply) : undefined;
  const what = refused
    ? `refused "${f.command.trim()}": ${f.deviceReply}${advice === undefined ? '' : `: ${advice}`}`
    : `session failed at "${f.command.trim()}": ${f.deviceReply}`;
  c.log.error(`${c.platform} apply failed`, { device: c.label, command: f.command, kind: f.kind, reached });
  return new DeviceApplyError(
    `device ${c.label} ${what} (${reached} member changes confirmed)`,
    f.command,
    f.deviceReply,
    reached,
    f.kind !== 'device-error',
  );
}

/** One line sent on its own; a refusal leaves configuration mode and stops the apply. */
export async function sendConfigLine(c: ConfigLineContext, line: string, done: number): Promise<void> {
  const seg = await c.session.send(line).catch((err: Error) => {
    throw new DeviceApplyError(`device ${c.label}: ${err.message}`, line, undefined, done, true);
  });
  const hit = findDeviceError(seg.lines, c.rules);
  if (hit === undefined) return;
  await c.leave();
  const kind = hit.kind === 'lock' ? 'lock' : 'device-error';
  throw batchFailureError(c, { index: 0, command: line, deviceReply: hit.text, kind }, done);
}
