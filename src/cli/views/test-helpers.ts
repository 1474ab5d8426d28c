// Plans for the view tests: a small plan of two devices and a group of n hosts.

import { EMPTY_PREFIXES, makePrefixList, prefixesFromStrings } from '../../cidr/index.js';
import type { DevicePlan, GroupChange, Plan } from '../../plan/model.js';

export const P = (...s: string[]) => prefixesFromStrings(s);

export function device(name: string, groups: GroupChange[], extra: Partial<DevicePlan> = {}): DevicePlan {
  const summary = { add: 0, remove: 0, create: 0, delete: 0 };
  for (const g of groups) {
    summary.add += g.add.v4.len.length + g.add.v6.len.length;
    summary.remove += g.remove.v4.len.length + g.remove.v6.len.length;
    if (g.action === 'create') summary.create++;
    if (g.action === 'delete') summary.delete++;
  }
  return {
    device: name,
    platform: 'ios',
    groups,
    summary,
    warnings: [],
    refusals: [],
    inputs: { zones: [], observedFingerprint: 'f'.repeat(64), state: { lineage: 'L', serial: 3 }, adopt: false },
    ...extra,
  };
}

export function plan(...devices: DevicePlan[]): Plan {
  return { formatVersion: 1, createdAt: '2026-11-23T01:00:00.000Z', gitRevision: 'abc123', devices };
}

export const SMALL = plan(
  device(
    'edge-1',
    [
      {
        name: 'TSCM-BLOCK',
        role: 'block',
        action: 'update',
        add: P('192.0.2.1/32', '198.51.100.0/24', '2001:db8::/48'),
        remove: P('203.0.113.0/24'),
        unmanaged: 1,
        alreadyPresent: 0,
        before: 5,
        after: 7,
      },
      {
        name: 'TSCM-ALLOW',
        role: 'allow',
        action: 'create',
        add: P('10.9.0.0/16'),
        remove: EMPTY_PREFIXES,
        unmanaged: 0,
        alreadyPresent: 0,
        before: 0,
        after: 1,
      },
      {
        name: 'OLD',
        role: 'allow',
        action: 'delete',
        add: EMPTY_PREFIXES,
        remove: P('10.8.0.0/16', '10.7.0.0/16'),
        unmanaged: 0,
        alreadyPresent: 0,
        before: 2,
        after: 0,
      },
    ],
    {
      warnings: ['group TSCM-BLOCK: 1 member(s) on the device are not managed by tscm'],
      refusals: ['group TSCM-BLOCK: would remove too much'],
      truncation: { dropped: 4, sample: ['10.0.0.0/8'], limit: 9 },
    },
  ),
  device('edge-2', [
    {
      name: 'TSCM-BLOCK',
      role: 'block',
      action: 'none',
      add: EMPTY_PREFIXES,
      remove: EMPTY_PREFIXES,
      unmanaged: 0,
      alreadyPresent: 0,
      before: 4,
      after: 4,
    },
  ]),
);

/** A group of n IPv4 /32s from 1.0.0.0 up. */
export function hosts(n: number, start = 0x01000000) {
  const addr = new Uint32Array(n);
  for (let i = 0; i < n; i++) addr[i] = start + i;
  return makePrefixList(addr, new Uint8Array(n).fill(32), new Uint32Array(0), new Uint8Array(0));
}
