// The README's main command runs `tscm lab demo`: the whole job end to end on the embedded lab. It must pass.

import { describe, expect, it } from 'vitest';
import { runTscm } from '../helpers/cli.js';

describe('tscm lab demo', () => {
  it('validates, plans, applies, shows no changes, then applies an hourly update as a diff', async () => {
    const r = await runTscm(['lab', 'demo']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toContain('1 device definition(s) valid.');
    expect(out).toMatch(/Plan: 9999 to add, 0 to remove/);
    expect(out).toMatch(/Apply complete! Devices: 1\. Members: 9999 added, 0 removed\./);
    expect(out).toMatch(/Plan: (\d+) to add, \1 to remove/); // the hourly update: as many dropped as added
    expect(out.match(/No changes\. branch-isr-01 is up to date\./g)).toHaveLength(2);
    // The controller's passes: a first look (up to date), a new serial (one transfer, the difference), nothing moved.
    expect(out).toMatch(/^branch-isr-01 {2}UpToDate {2}/m);
    expect(out).toMatch(/^branch-isr-01 {2}Applied {2}applied: (\d+) added, \1 removed$/m);
    const passes = [...out.matchAll(/Pass done in \d+ ms: (.*)$/gm)].map((m) => m[1]);
    expect(passes).toEqual([
      '1 device(s), 1 session(s) opened, 0 zone transfer(s), 0 failed.',
      '1 device(s), 1 session(s) opened, 1 zone transfer(s), 0 failed.',
      '1 device(s), 0 session(s) opened, 0 zone transfer(s), 0 failed.',
    ]);
    expect(out).toMatch(/threatstop-block: 99\d\d entries; threatstop-allow: 5/);
    expect(out).toContain('startup-config saved: yes');
    expect(r.stderr).not.toMatch(/error/i);
  });
});
