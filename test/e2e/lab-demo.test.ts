// The README's main command runs `tscm lab demo`: the whole job end to end on the embedded lab, an IOS router, an
// ASA over SSH and one over its REST API (nested children) and an FWSM (the pix driver), the last three booted from
// real configurations. It must pass.

import { describe, expect, it } from 'vitest';
import { runTscm } from '../helpers/cli.js';

const DEVICES = ['branch-isr-01', 'dc-asa-01', 'hq-asa-rest-01', 'legacy-fwsm-01'];

describe('tscm lab demo', () => {
  it('validates, plans, applies, shows no changes, then applies an hourly update as a diff, on every platform', async () => {
    const r = await runTscm(['lab', 'demo']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toContain('4 device definition(s) valid.');
    expect(out).not.toContain('not yet used');
    expect(out.match(/Plan: 9999 to add, 0 to remove/g)).toHaveLength(DEVICES.length * 2); // plan, then apply's plan
    expect(out).toMatch(/Apply complete! Devices: 4\. Members: 39996 added, 0 removed\./);
    // The ASA's plan says which nested children it creates under the master group.
    expect(out).toMatch(/create child ThreatSTOP-Block-3/);
    // The hourly update: as many dropped as added, on each device.
    expect(out.match(/Plan: (\d+) to add, \1 to remove/g)?.length).toBeGreaterThanOrEqual(DEVICES.length);
    for (const name of DEVICES) {
      expect(out.match(new RegExp(`No changes\\. ${name} is up to date\\.`, 'g'))).toHaveLength(2);
      // The controller's passes: a first look (up to date), then a new serial (one transfer, the difference).
      expect(out).toMatch(new RegExp(`^${name} {2,}UpToDate {2}`, 'm'));
      expect(out).toMatch(new RegExp(`^${name} {2,}Applied {2}applied: (\\d+) added, \\1 removed$`, 'm'));
    }
    const passes = [...out.matchAll(/Pass done in \d+ ms: (.*)$/gm)].map((m) => m[1]);
    expect(passes).toEqual([
      '4 device(s), 4 session(s) opened, 0 zone transfer(s), 0 failed.',
      '4 device(s), 4 session(s) opened, 1 zone transfer(s), 0 failed.',
      '4 device(s), 0 session(s) opened, 0 zone transfer(s), 0 failed.',
    ]);
    expect(out).toMatch(
      /branch-isr-01: threatstop-block: 99\d\d entries; threatstop-allow: 5; corp-servers \(not tscm's\): \d+ entries, untouched; startup-config saved: yes/,
    );
    expect(out).toMatch(
      /dc-asa-01: ThreatSTOP-Block: 3 nested children, 99\d\d entries; ThreatSTOP-Allow: 5; saved: yes/,
    );
    expect(out).toMatch(
      /hq-asa-rest-01: ThreatSTOP-Block: 3 nested children, 99\d\d entries; ThreatSTOP-Allow: 5; saved: yes/,
    );
    // The REST device's certificate is pinned in its definition (no self-signed warning).
    expect(out).toMatch(
      /hq-asa-rest-01 +emulated Cisco ASAv 9\.16 over its REST API .* \(certificate ([0-9A-F]{2}:){31}[0-9A-F]{2}\)/,
    );
    expect(out).not.toMatch(/self-signed/i);
    expect(out).toMatch(/legacy-fwsm-01: threatstop-block: 99\d\d entries; threatstop-allow: 5; saved: yes/);
    expect(r.stderr).not.toMatch(/error/i);
  });
});
