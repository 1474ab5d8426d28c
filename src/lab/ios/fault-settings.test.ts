import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { mergeFaultFlags, NO_FAULTS, parseFaultsText, readFaultsFile } from './fault-settings.js';

describe('faults file', () => {
  test('YAML and JSON give the same settings', () => {
    const yaml = parseFaultsText('nvramBusyTimes: 2\nrejectEnable: true\nlogConfigEvents: true\n', 'f.yaml');
    const json = parseFaultsText('{"nvramBusyTimes": 2, "rejectEnable": true, "logConfigEvents": true}', 'f.json');
    expect(yaml).toEqual({ faults: { nvramBusyTimes: 2, rejectEnable: true }, logConfigEvents: true });
    expect(json).toEqual(yaml);
  });

  test('unknown keys, wrong types and out-of-range values name the file and the field, not the value', () => {
    expect(() => parseFaultsText('nvramBusy: 2\n', 'f.yaml')).toThrow('f.yaml: unknown field "nvramBusy"');
    expect(() => parseFaultsText('hunter2 secret!: 1\n', 'f.yaml')).toThrow('f.yaml: unknown field (a key)');
    expect(() => parseFaultsText('replyDelayMs: "100"\n', 'f.yaml')).toThrow(
      'f.yaml: field "replyDelayMs" must be a whole number from 0 to 60000',
    );
    expect(() => parseFaultsText('dropAfterCommands: 0\n', 'f.yaml')).toThrow(/from 1 to 1000000/);
    expect(() => parseFaultsText('rejectEnable: yes please\n', 'f.yaml')).toThrow(
      'f.yaml: field "rejectEnable" must be true or false',
    );
    expect(() => parseFaultsText('- nvramBusyTimes\n', 'f.yaml')).toThrow('f.yaml: must be a mapping');
    expect(() => parseFaultsText('', 'f.yaml')).toThrow('f.yaml: the faults file is empty');
    expect(() => parseFaultsText('{"nvramBusyTimes": 2,,}', 'f.json')).toThrow(/^f\.json:1: not valid YAML or JSON$/);
    expect(() => parseFaultsText('a: 1\na: 2\n', 'f.yaml')).toThrow(/f\.yaml:2: not valid YAML/);
  });

  test('only a small regular file is read', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tscm-faults-'));
    try {
      await writeFile(path.join(dir, 'big.yaml'), `# ${'x'.repeat(70_000)}\nnvramBusyTimes: 1\n`);
      await expect(readFaultsFile(path.join(dir, 'big.yaml'))).rejects.toThrow(
        /is larger than 64 KiB, the limit for a faults file/,
      );
      await expect(readFaultsFile(dir)).rejects.toThrow(/is a folder, not a regular file/);
      await expect(readFaultsFile(path.join(dir, 'none.yaml'))).rejects.toThrow(/none.yaml does not exist/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('fault flags', () => {
  test('flags are checked like the file and override it', () => {
    const file = parseFaultsText('nvramBusyTimes: 2\nconfigLockedTimes: 1\n', 'f.yaml');
    expect(mergeFaultFlags(file, { nvramBusyTimes: '5', writeConfirm: true })).toEqual({
      faults: { nvramBusyTimes: 5, configLockedTimes: 1, writeConfirm: true },
      logConfigEvents: false,
    });
    expect(() => mergeFaultFlags(NO_FAULTS, { dropAfterCommands: 'ten' })).toThrow(
      '--drop-after must be a whole number from 1 to 1000000',
    );
    expect(() => mergeFaultFlags(NO_FAULTS, { replyDelayMs: '60001' })).toThrow(/--reply-delay must be/);
  });
});
