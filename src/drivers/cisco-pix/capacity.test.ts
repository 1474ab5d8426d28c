import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { npAclCountLines } from '../../lab/pix/show-output.js';
import { parseNpAclCount } from './capacity.js';

const REAL = readFileSync(
  join(import.meta.dirname, 'testdata/real-cisco-community-fwsm-np-acl-count/device.txt'),
  'utf8',
).split('\n');

// The real module's text is a golden case (testdata/real-cisco-community-fwsm-np-acl-count, golden.test.ts).
describe('show np 3 acl count', () => {
  it('states nothing without the ACL maximum: a PIX refusal, another rule type, a mangled figure', () => {
    expect(parseNpAclCount(["Type help or '?' for a list of available commands."])).toBeUndefined();
    expect(parseNpAclCount(REAL.filter((l) => !l.startsWith('CLS ACL Rule MAX')))).toBeUndefined();
    expect(parseNpAclCount(['CLS Filter MAX : 3584', 'CLS ACL Rule MAX : 5x'])).toBeUndefined();
    // The count alone is not a limit; the limit alone leaves the count unknown.
    expect(parseNpAclCount(['CLS ACL Rule MAX : 900'])).toEqual({
      limit: 900,
      inUse: null,
      detail: 'show np 3 acl count: CLS ACL Rule MAX 900',
    });
  });

  it("reads the emulator's text the same way (its lines follow the real shape)", () => {
    expect(parseNpAclCount(npAclCountLines(12, 34))).toMatchObject({ limit: 34, inUse: 12 });
    const shape = (lines: readonly string[]): string[] =>
      lines.filter((l) => l.trim() !== '').map((l) => l.replace(/\d+$/, 'N'));
    expect(shape(npAclCountLines(12, 34))).toEqual(shape(REAL));
  });
});
