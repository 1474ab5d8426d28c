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
    expect(out).toContain('threatstop-block: 9994 entries; threatstop-allow: 5');
    expect(out).toContain('startup-config saved: yes');
    expect(r.stderr).not.toMatch(/error/i);
  });
});
