// The IOS emulator's faults as `tscm lab` takes them (the faults file and flags, ../fault-file.ts), so anyone can
// rehearse a failure against the lab.

import { mergeFaultValues, parseFaultValues, readFaultValues } from '../fault-file.js';
import type { FaultFlags, FaultRule, FaultValues } from '../fault-file.js';
import type { IosFaults } from './types.js';

export interface LabFaultSettings {
  readonly faults: IosFaults;
  readonly logConfigEvents: boolean;
}

type Field = keyof IosFaults | 'logConfigEvents';

/** Every setting, its flag and its range; the README's fault table and `tscm lab --help` say the same. */
export const FAULT_FIELDS: Readonly<Record<Field, FaultRule & { flag: string }>> = {
  dropAfterCommands: {
    flag: '--drop-after',
    kind: 'count',
    min: 1,
    max: 1_000_000,
    what: 'close the connection after the Nth command of each session (the command runs, its reply is lost)',
  },
  replyDelayMs: { flag: '--reply-delay', kind: 'count', min: 0, max: 60_000, what: 'delay every reply by N ms' },
  nvramBusyTimes: {
    flag: '--nvram-busy',
    kind: 'count',
    min: 0,
    max: 1000,
    what: 'the next N `write memory` fail with "Device or resource busy"',
  },
  configLockedTimes: {
    flag: '--config-locked',
    kind: 'count',
    min: 0,
    max: 1000,
    what: 'the next N `configure terminal` find configuration mode locked',
  },
  authorizationFailAfter: {
    flag: '--authorization-fail-after',
    kind: 'count',
    min: 0,
    max: 1_000_000,
    what: 'after N more commands (from when the fault is set), every command answers "Command authorization failed." and does not run',
  },
  rejectEnable: { flag: '--reject-enable', kind: 'boolean', what: 'refuse every enable secret (% Bad secrets)' },
  writeConfirm: { flag: '--write-confirm', kind: 'boolean', what: '`write memory` asks [confirm] first' },
  logConfigEvents: {
    flag: '--log-config-events',
    kind: 'boolean',
    what: 'print %SYS-5-CONFIG_I shortly after leaving configuration mode',
  },
};

function settings(values: FaultValues): LabFaultSettings {
  const { logConfigEvents, ...faults } = values;
  return { faults: faults as IosFaults, logConfigEvents: logConfigEvents === true };
}

/** Parses a faults file's text (YAML, of which JSON is a subset). */
export function parseFaultsText(text: string, file: string): LabFaultSettings {
  return settings(parseFaultValues(text, file, FAULT_FIELDS));
}

/** Reads a faults file: a regular file of at most 64 KiB. */
export async function readFaultsFile(file: string): Promise<LabFaultSettings> {
  return settings(await readFaultValues(file, FAULT_FIELDS));
}

/** The faults given as flags, checked like the file's; they override the file's settings. */
export function mergeFaultFlags(base: LabFaultSettings, flags: FaultFlags): LabFaultSettings {
  const values: FaultValues = { ...base.faults, logConfigEvents: base.logConfigEvents };
  return settings(mergeFaultValues(values, flags, FAULT_FIELDS));
}

export const NO_FAULTS: LabFaultSettings = { faults: {}, logConfigEvents: false };
