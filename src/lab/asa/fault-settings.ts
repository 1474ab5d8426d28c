// The ASA emulator's faults as `tscm lab --platform asa` takes them: the faults file (all keys) and the flags the
// platforms share (../fault-file.ts). The README's fault table says the same.

import { mergeFaultValues, readFaultValues } from '../fault-file.js';
import type { FaultFlags, FaultRule, FaultValues } from '../fault-file.js';
import type { AsaFaults } from './types.js';

export const ASA_FAULT_FIELDS: Readonly<Record<keyof AsaFaults, FaultRule>> = {
  dropAfterCommands: {
    flag: '--drop-after',
    kind: 'count',
    min: 1,
    max: 1_000_000,
    what: 'close the connection after the Nth command of each session (the command runs, its reply is lost)',
  },
  replyDelayMs: { flag: '--reply-delay', kind: 'count', min: 0, max: 60_000, what: 'delay every reply by N ms' },
  rejectEnable: { flag: '--reject-enable', kind: 'boolean', what: 'refuse every enable password (Access denied.)' },
  writeConfirm: { flag: '--write-confirm', kind: 'boolean', what: '`write memory` asks [confirm] first' },
  writeFailTimes: { kind: 'count', min: 0, max: 1000, what: 'the next N `write memory` end in [FAILED]' },
  askReporting: { kind: 'boolean', what: 'every `configure terminal` asks the anonymous-reporting question' },
  configSessionHeld: { kind: 'boolean', what: '`configure terminal` asks to kill another config session' },
  commandAuthorizationFailAfter: {
    kind: 'count',
    min: 0,
    max: 1_000_000,
    what: 'after N commands of a session, every command answers "Command authorization failed"',
  },
  elementLimit: {
    kind: 'count',
    min: 0,
    max: 10_000_000,
    what: 'adding a network-object beyond N in all fails with "ERROR: Unable to add, ..."',
  },
  asyncLines: { kind: 'boolean', what: 'a %ASA-5-111008 syslog line after each configuration command' },
};

export async function readAsaFaultsFile(file: string): Promise<AsaFaults> {
  return (await readFaultValues(file, ASA_FAULT_FIELDS)) as AsaFaults;
}

/** The shared fault flags over the file's settings. */
export function mergeAsaFaultFlags(base: AsaFaults, flags: FaultFlags): AsaFaults {
  return mergeFaultValues(base as FaultValues, flags, ASA_FAULT_FIELDS) as AsaFaults;
}
