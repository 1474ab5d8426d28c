// `tscm policy DEVICE --cidrs` without commander (src/cli/startup-policy.ts, the tscm-policy.cjs bundle) answers
// exactly as commander did: the same output, errors and exit code for every form of its options, from flags or the
// environment. The commander path is reached with a repeated `--no-color`, which commander takes as one and
// startup-policy.ts leaves to it. Any command line it cannot be sure of goes to commander.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answersAsCommander, listDeviceYaml, visibleResult, type FastPathCase } from '../helpers/fast-path.js';

let dir: string;
let defs: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tscm-startup-policy-'));
  defs = path.join(dir, 'defs');
  await mkdir(defs);
  await mkdir(path.join(dir, 'empty'));
  await writeFile(path.join(defs, 'list.txt'), '198.51.100.0/24\n203.0.113.7\n# a comment\n');
  // Host bits set (a warning on stderr), and the management address inside it (carved out: the lock-out proof).
  await writeFile(path.join(defs, 'wide.txt'), '192.0.2.1/24\n203.0.113.0/25\n');
  await writeFile(path.join(defs, 'edge.yaml'), listDeviceYaml('edge-01', 'list.txt'));
  await writeFile(path.join(defs, 'wide.yaml'), listDeviceYaml('wide-01', 'wide.txt'));
  await writeFile(path.join(defs, 'broken.yaml'), 'name: broken-01\nplatform: ios\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('policy DEVICE --cidrs without commander', () => {
  const cases: FastPathCase[] = [
    ['a list file', () => ['policy', 'edge-01', '--cidrs', '--dir', defs]],
    ['--dir=D, options before the device', () => ['policy', '--cidrs', `--dir=${defs}`, 'edge-01']],
    ['the folder from TSCM_DIR', () => ['policy', 'edge-01', '--cidrs'], { TSCM_DIR: defs }],
    ['host bits and a carve-out, warnings as JSON lines', () => ['policy', 'wide-01', '--cidrs', '--dir', defs]],
    ['--log-format text', () => ['policy', 'wide-01', '--cidrs', '--log-format', 'text', '--dir', defs]],
    ['--log-level=error', () => ['policy', 'wide-01', '--cidrs', '--log-level=error', '--dir', defs]],
    ['TSCM_LOG_FORMAT=text', () => ['policy', 'wide-01', '--cidrs', '--dir', defs], { TSCM_LOG_FORMAT: 'text' }],
    ['no such device', () => ['policy', 'nope-01', '--cidrs', '--dir', defs]],
    ['a missing folder', () => ['policy', 'edge-01', '--cidrs', '--dir', path.join(dir, 'none')]],
    ['a folder without definitions', () => ['policy', 'edge-01', '--cidrs', '--dir', path.join(dir, 'empty')]],
  ];
  answersAsCommander(cases);

  it('prints the set, with the warnings on stderr', async () => {
    expect(await visibleResult(['policy', 'edge-01', '--cidrs', '--dir', defs])).toEqual({
      code: 0,
      stdout: '198.51.100.0/24\n203.0.113.7\n',
      stderr: expect.stringContaining('other device definitions have problems') as unknown as string,
    });
    const wide = await visibleResult(['policy', 'wide-01', '--cidrs', '--dir', defs]);
    expect(wide.code).toBe(0);
    // The management address (and the tscm host's own, when it lies in the list) carved out of the /24.
    expect(wide.stdout).toMatch(/^192\.0\.2\.0\/\d+\n(.*\n)*203\.0\.113\.0\/25\n$/);
    expect(wide.stdout).not.toMatch(/^192\.0\.2\.(0\/24|10)$/m);
    expect(wide.stderr).toMatch(/host bits set were normalised/);
  });

  it('leaves to commander what it cannot be sure of', async () => {
    expect((await visibleResult(['policy', '--cidrs', '--help'])).stdout).toMatch(/^Usage: tscm policy \[options\]/);
    const two = await visibleResult(['policy', 'edge-01', 'wide-01', '--cidrs', '--dir', defs]);
    expect(two.code).toBe(1);
    expect(two.stderr).toMatch(/--cidrs prints one device's set/);
    const unknown = await visibleResult(['policy', 'edge-01', '--cidrs', '--dir', defs, '--bogus']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: unknown option '--bogus'/);
    const choice = await visibleResult(['policy', 'edge-01', '--cidrs', '--dir', defs], { TSCM_LOG_LEVEL: 'loud' });
    expect(choice.code).toBe(1);
    expect(choice.stderr).toMatch(/loud.*invalid/);
    // --json beside --cidrs: the set as ever (commander's path).
    const json = await visibleResult(['policy', 'edge-01', '--cidrs', '--json', '--dir', defs]);
    expect(json.stdout).toBe('198.51.100.0/24\n203.0.113.7\n');
  });
});
