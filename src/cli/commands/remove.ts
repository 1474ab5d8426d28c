// tscm remove DEVICE (alias destroy): after a plan and confirmation, removes the groups tscm manages.

import { ConfigError } from '../../errors.js';
import { loadFleet } from '../../reconcile/fleet.js';
import { removeDevice } from '../../reconcile/remove-device.js';
import { useColor } from '../color.js';
import { confirm } from '../confirm.js';
import { handleInterrupts } from '../interrupt.js';
import { createLogger, type LogLevel } from '../logger.js';
import { notice } from '../stderr-notice.js';
import { renderPlanHuman } from '../views/plan-human.js';

export async function removeCommand(
  device: string,
  opts: { dir: string; autoApprove?: boolean; color: boolean; logLevel: LogLevel; logFormat: 'text' | 'json' },
): Promise<number> {
  const log = createLogger({ level: opts.logLevel, format: opts.logFormat });
  const fleet = await loadFleet(opts.dir, [device], log);
  const spec = fleet.devices[0]!;
  const color = useColor(opts.color);
  const interrupts = handleInterrupts((text) => notice(opts.logFormat, text));
  const results = await removeDevice(fleet, spec, {
    command: `tscm remove ${device}`,
    signal: interrupts.signal,
    confirm: async (plan) => {
      process.stdout.write(
        renderPlanHuman(
          { formatVersion: 1, createdAt: new Date().toISOString(), gitRevision: null, devices: [plan] },
          { color },
        ),
      );
      if (opts.autoApprove) return true;
      if (!process.stdin.isTTY) {
        throw new ConfigError(
          'refusing to remove without confirmation: standard input is not a terminal',
          'pass --auto-approve',
        );
      }
      return confirm(`\nRemove tscm's groups from ${device}? Only "yes" will be accepted: `);
    },
  })
    .catch((err: unknown) => {
      if (interrupts.received === undefined) throw err;
      // Stopped by a signal: what was removed is recorded (the rest stays tscm's), as after an interrupted apply.
      notice(opts.logFormat, `${(err as Error).message}\n`);
      notice(
        opts.logFormat,
        `Interrupted by ${interrupts.received}: what was removed is recorded in tscm's state. Run tscm remove again to finish.\n`,
      );
      return interrupts.exitCode;
    })
    .finally(() => interrupts.dispose());
  if (typeof results === 'number') return results;
  if (results === null) {
    process.stdout.write('Remove cancelled.\n');
    return 1;
  }
  const removed = results.reduce((n, r) => n + r.removed, 0);
  process.stdout.write(
    `\nRemoved tscm's groups from ${device}: ${removed} members removed on ${results.length} endpoint(s).\n`,
  );
  return 0;
}
