import { describe, expect, it } from 'vitest';
import { findDeviceError, findDeviceNotices } from '../shared/cli-text.js';
import { PIX_ERROR_RULES } from './error-rules.js';
import { DEFAULT_SHIM_ADDRESS } from '../shared/shim-setting.js';
import { readPixOptions } from './options.js';
import { PIX_PLATFORM } from './platform.js';
import { MemberLines } from './render.js';
import { judgePixWriteMemory } from './write-memory.js';

describe('PIX words', () => {
  it('finds the errors of §7 with the caret line, and keeps duplicate / absent member replies as notices', () => {
    // FWSM 3.1 refusing a command (ZipTie's fixture, real-ziptie-fwsm31-* SOURCE.md).
    const fwsm = ['                    ^', "ERROR: % Invalid input detected at '^' marker."];
    expect(findDeviceError(fwsm, PIX_ERROR_RULES)).toEqual({ kind: 'fatal', text: fwsm.join('\n') });
    for (const line of [
      "Type help or '?' for a list of available commands.",
      'Usage: object-group network <obj_grp_id>',
      'Removing object-group (threatstop-block) not allowed, it is being used.',
      'ERROR: Unable to add, access-list config limit reached',
      'Command authorization failed',
    ]) {
      expect(findDeviceError([line], PIX_ERROR_RULES)?.kind, line).toBe('fatal');
    }
    const dup = 'Adding obj (192.0.2.1 ) to grp (threatstop-block) failed; object already exists';
    expect(findDeviceError([dup], PIX_ERROR_RULES)).toBeUndefined();
    expect(findDeviceNotices([dup, 'WARNING: x', 'INFO: y'], PIX_ERROR_RULES)).toEqual([dup]);
    expect(findDeviceError(['WARNING: Same object-group is used more than once'], PIX_ERROR_RULES)).toBeUndefined();
  });

  it('judges write memory by [OK]', () => {
    expect(judgePixWriteMemory('Building configuration...\nCryptochecksum: 0a1b 2c3d 4e5f 6a7b \n[OK]')).toBe('ok');
    expect(judgePixWriteMemory('Building configuration...\n[FAILED]')).toBe('failed');
    expect(judgePixWriteMemory('')).toBe('failed');
  });

  it('MemberLines reads runs in order and counts progress by weight', () => {
    const runs = [
      { count: 2, weight: 1, render: (j: number) => `a${j}` },
      { count: 1, weight: 0, render: () => 'shim' },
      { count: 3, weight: 1, render: (j: number) => `r${j}` },
    ];
    const m = new MemberLines(runs);
    expect(Array.from({ length: m.length + 1 }, (_, i) => m.at(i))).toEqual([
      'a0',
      'a1',
      'shim',
      'r0',
      'r1',
      'r2',
      undefined,
    ]);
    expect([0, 1, 2, 3, 4, 6, 9].map((n) => m.doneAfter(n))).toEqual([0, 1, 2, 2, 3, 5, 5]);
    expect(m.total).toBe(5);
  });

  it('reads the platform options with the defaults the schema declares', () => {
    const shim = PIX_PLATFORM.settings['objectGroups.shimAddress']?.schema?.['default'];
    expect(shim).toBe(DEFAULT_SHIM_ADDRESS);
    expect(readPixOptions({})).toEqual({ transport: 'ssh', shimAddress: DEFAULT_SHIM_ADDRESS });
    const given = { 'advanced.transport': 'telnet', 'objectGroups.shimAddress': '10.0.0.9' };
    expect(readPixOptions(given)).toEqual({ transport: 'telnet', shimAddress: '10.0.0.9' });
  });
});
