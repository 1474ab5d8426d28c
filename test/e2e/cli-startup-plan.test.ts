// `tscm plan` without commander (src/cli/startup-plan.ts, the tscm-plan.cjs bundle) answers exactly as commander
// did: the same output, errors, files and exit code for every form of its options, from flags or the environment.
// The commander path is reached with a repeated `--no-color`, which commander takes as one and startup-plan.ts
// leaves to it. Any command line it cannot be sure of goes to commander. Devices with list files, --refresh
// false: nothing connects.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answersAsCommander,
  listDeviceWithState,
  listDeviceYaml,
  visibleResult,
  type FastPathCase,
} from '../helpers/fast-path.js';

let dir: string;
let defs: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tscm-startup-plan-'));
  defs = path.join(dir, 'defs');
  await listDeviceWithState(defs);
  await mkdir(path.join(dir, 'empty'));
  // Host bits set (a warning), and the management address inside it (carved out: the lock-out proof).
  await writeFile(path.join(defs, 'wide.txt'), '192.0.2.1/24\n203.0.113.0/25\n');
  await writeFile(path.join(defs, 'wide.yaml'), listDeviceYaml('wide-01', 'wide.txt'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('plan without commander', () => {
  const saved = () => path.join(dir, 'saved.json');
  const cases: FastPathCase[] = [
    ['every device', () => ['plan', '--refresh', 'false', '--dir', defs]],
    ['one device with state, --refresh=false', () => ['plan', 'edge-01', '--refresh=false', `--dir=${defs}`]],
    ['two devices, options between them', () => ['plan', 'wide-01', '--refresh', 'false', 'edge-01', '--dir', defs]],
    ['--json', () => ['plan', '--json', '--refresh', 'false', '--dir', defs]],
    [
      '--detailed-exitcode: exit 2',
      () => ['plan', 'edge-01', '--refresh', 'false', '--detailed-exitcode', '--dir', defs],
    ],
    ['--out FILE', () => ['plan', 'edge-01', '--refresh', 'false', '--out', saved(), '--dir', defs]],
    ['--adopt --force', () => ['plan', 'wide-01', '--refresh', 'false', '--adopt', '--force', '--dir', defs]],
    ['the folder from TSCM_DIR', () => ['plan', '--refresh', 'false'], { TSCM_DIR: defs }],
    ['--log-format text', () => ['plan', 'wide-01', '--refresh', 'false', '--log-format', 'text', '--dir', defs]],
    [
      'TSCM_LOG_FORMAT=text',
      () => ['plan', 'wide-01', '--refresh', 'false', '--dir', defs],
      { TSCM_LOG_FORMAT: 'text' },
    ],
    ['--log-level=error', () => ['plan', '--refresh', 'false', '--log-level=error', '--dir', defs]],
    ['a bad --refresh value', () => ['plan', '--refresh', 'maybe', '--dir', defs]],
    ['no such device', () => ['plan', 'nope-01', '--refresh', 'false', '--dir', defs]],
    ['a missing folder', () => ['plan', '--refresh', 'false', '--dir', path.join(dir, 'none')]],
    ['a folder without definitions', () => ['plan', '--refresh', 'false', '--dir', path.join(dir, 'empty')]],
  ];
  // The saved plan, but its creation time.
  answersAsCommander(cases, async (args) =>
    args.includes('--out') ? (await readFile(saved(), 'utf8')).replace(/"createdAt": "[^"]*"/, '') : undefined,
  );

  it('plans as asked', async () => {
    const r = await visibleResult(['plan', 'edge-01', '--refresh', 'false', '--detailed-exitcode', '--dir', defs]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/\nPlan: 1 to add, 0 to remove, 0 groups to create, 0 to delete\.\n$/);
  });

  it('leaves to commander what it cannot be sure of', async () => {
    expect((await visibleResult(['plan', '--help'])).stdout).toMatch(/^Usage: tscm plan \[options\]/);
    const markdown = await visibleResult(['plan', '--refresh', 'false', '--markdown', '--dir', defs]);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toMatch(/tscm plan/);
    const both = await visibleResult(['plan', '--refresh', 'false', '--markdown', '--json', '--dir', defs]);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/cannot be used with option '--markdown'/);
    const unknown = await visibleResult(['plan', '--refresh', 'false', '--dir', defs, '--bogus']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: unknown option '--bogus'/);
    const choice = await visibleResult(['plan', '--refresh', 'false', '--dir', defs], { TSCM_LOG_LEVEL: 'loud' });
    expect(choice.code).toBe(1);
    expect(choice.stderr).toMatch(/loud.*invalid/);
  });
});
