// `tscm validate` without commander (src/cli/startup-validate.ts) answers exactly as commander did: the same
// output, errors and exit code for every form of its options, from flags or the environment. The commander path
// is reached with a repeated `--no-color`, which commander takes as one and startup-validate.ts leaves to it. Any
// command line it cannot be sure of (help, an unknown option, a bad choice, an argument) goes to commander.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answersAsCommander, visibleResult, type FastPathCase } from '../helpers/fast-path.js';

let dir: string;
let good: string;
let bad: string;

const device = (name: string, body = '') =>
  `name: ${name}\nplatform: ios\ndeviceId: tdid_${name.replace(/-/g, '')}\nmanagement: { host: 192.0.2.10 }\n` +
  `policy: { blockList: block.example }\n${body}`;
const SETTINGS =
  'policyServer: { host: 192.0.2.53 }\ndefaults:\n  credentials: { username: { env: U }, password: { env: P } }\n';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tscm-startup-validate-'));
  good = path.join(dir, 'good');
  bad = path.join(dir, 'bad');
  await mkdir(good);
  await mkdir(bad);
  await mkdir(path.join(dir, 'empty'));
  await writeFile(path.join(good, 'tscm.yaml'), SETTINGS);
  await writeFile(path.join(good, 'edge.yaml'), device('edge-01'));
  await writeFile(path.join(bad, 'tscm.yaml'), SETTINGS);
  await writeFile(path.join(bad, 'edge.yaml'), device('edge-01'));
  await writeFile(path.join(bad, 'typo.yaml'), device('typo-01', 'objectGroup:\n  maxEntries: 500\n'));
  await writeFile(path.join(bad, 'syntax.yaml'), 'name: s\nmanagement:\n  host: 192.0.2.9\n port: 22\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('validate without commander', () => {
  const cases: FastPathCase[] = [
    ['a valid folder', () => ['validate', '--dir', good]],
    ['--dir=D --json', () => ['validate', `--dir=${good}`, '--json']],
    ['problems, exit 1', () => ['validate', '--dir', bad]],
    ['the folder from TSCM_DIR', () => ['validate', '--json'], { TSCM_DIR: good }],
    ['a missing folder: an error as a JSON log line', () => ['validate', '--dir', path.join(dir, 'none')]],
    ['--log-format text', () => ['validate', '--log-format', 'text', '--dir', path.join(dir, 'none')]],
    ['TSCM_LOG_FORMAT=text', () => ['validate', '--dir', path.join(dir, 'none')], { TSCM_LOG_FORMAT: 'text' }],
    ['a folder without definitions', () => ['validate', '--log-level=debug', '--dir', path.join(dir, 'empty')]],
  ];
  answersAsCommander(cases);

  it('leaves to commander what it cannot be sure of', async () => {
    expect((await visibleResult(['validate', '--help'])).stdout).toMatch(/^Usage: tscm validate \[options\]/);
    const unknown = await visibleResult(['validate', '--dir', good, '--bogus']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: unknown option '--bogus'/);
    const choice = await visibleResult(['validate', '--dir', good], { TSCM_LOG_LEVEL: 'loud' });
    expect(choice.code).toBe(1);
    expect(choice.stderr).toMatch(/loud.*invalid/);
    const extra = await visibleResult(['validate', good]);
    expect(extra.code).toBe(1);
    expect(extra.stderr).toMatch(/^error: too many arguments/);
  });
});
