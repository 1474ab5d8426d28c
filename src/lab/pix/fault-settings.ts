// The PIX/FWSM emulator's faults as `tscm lab --platform pix` takes them: the faults file (all keys) and the flags
// the platforms share (../fault-file.ts). The README's fault table says the same.

import { mergeFaultValues, readFaultValues } from '../fault-file.js';
import type { FaultFlags, FaultRule, FaultValues } from '../fault-file.js';
import type { PixFaults } from './types.js';

export const PIX_FAULT_FIELDS: Readonly<Record<keyof PixFaults, FaultRule>> = {
  dropAfterCommands: {
    flag: '--drop-after',
    kind: 'count',
    min: 1,
    max: 1_000_000,
    what: 'close the connection after the Nth command of each session (the command runs, its reply is lost)',
  },
  replyDelayMs: { flag: '--reply-delay', kind: 'count', min: 0, max: 60_000, what: 'delay every reply by N ms' },
  writeFailTimes: { kind: 'count', min: 0, max: 1000, what: 'the next N `write memory` end in [FAILED]' },
  aceLimit: {
    kind: 'count',
    min: 0,
    max: 100_000_000,
    what: 'an add to a group in use beyond N access-list elements fails and the batch since the sub-mode is removed',
  },
  standby: { kind: 'boolean', what: 'a standby failover unit: the replication warning on every configuration command' },
  objectExistsTimes: {
    kind: 'count',
    min: 0,
    max: 1000,
    what: 'the next N adds of new members answer "object already exists" and add nothing',
  },
};

export async function readPixFaultsFile(file: string): Promise<PixFaults> {
  return (await readFaultValues(file, PIX_FAULT_FIELDS)) as PixFaults;
}

/** The shared fault flags over the file's settings. */
export function mergePixFaultFlags(base: PixFaults, flags: FaultFlags): PixFaults {
  return mergeFaultValues(base as FaultValues, flags, PIX_FAULT_FIELDS) as PixFaults;
}
