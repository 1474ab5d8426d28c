// The NSD the whole suite shares, started once by test/global-setup.ts. Tests get its port through vitest's
// inject('nsd') and regenerate the same deterministic zones to know what each one holds.
import { fixedRpzZone, generateRpzZone, oddZone, zoneFileText } from './zones.js';
import type { GeneratedZone } from './zones.js';
import { startNsd } from './nsd.js';
import type { NsdServer } from './nsd.js';

export const SHARED_ZONES = {
  big: 'big.rpz.test',
  small: 'small.rpz.test',
  v6: 'v6.rpz.test',
  empty: 'empty.rpz.test',
  odd: 'odd.rpz.test',
  refused: 'refused.rpz.test',
  noaddr: 'noaddr.rpz.test',
} as const;

export interface SharedNsd {
  readonly host: string;
  readonly port: number;
}

export const BIG_ZONE_RECORDS = 100_000;

/** The zones' contents: a pure function of their names, so tests can rebuild them without reading files. */
export function sharedZoneContents() {
  return {
    big: generateRpzZone(SHARED_ZONES.big, 2026112301, BIG_ZONE_RECORDS, 42),
    small: fixedRpzZone(SHARED_ZONES.small, 7, ['192.0.2.0/24', '198.51.100.7/32', '203.0.113.128/25']),
    v6: fixedRpzZone(SHARED_ZONES.v6, 11, ['2001:db8::1/128', '2001:db8:1::/48', '2001:db8:0:0:1::/80', 'fe80::/10']),
    empty: {
      name: SHARED_ZONES.empty,
      serial: 1,
      text: zoneFileText(SHARED_ZONES.empty, 1, []),
      expected: [],
    } as GeneratedZone,
    odd: oddZone(SHARED_ZONES.odd, 5),
    noaddr: {
      name: SHARED_ZONES.noaddr,
      serial: 2,
      text: zoneFileText(SHARED_ZONES.noaddr, 2, [
        'evil.example CNAME .',
        'info TXT "x"',
        'ns.bad.rpz-nsdname CNAME .',
      ]),
      expected: [],
    } as GeneratedZone,
    refused: fixedRpzZone(SHARED_ZONES.refused, 3, ['192.0.2.1/32']),
  };
}

export async function startSharedNsd(): Promise<NsdServer> {
  const zones = sharedZoneContents();
  return startNsd(
    Object.entries(zones).map(([key, z]) => ({ name: z.name, text: z.text, allowTransfer: key !== 'refused' })),
  );
}
