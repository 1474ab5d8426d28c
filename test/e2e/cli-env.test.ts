// Options from the environment (a flag wins) and the log format off a terminal, through the built CLI.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI, runTscm } from '../helpers/cli.js';

let empty: string;
beforeAll(async () => {
  empty = await mkdtemp(path.join(tmpdir(), 'tscm-env-'));
});
afterAll(() => rm(empty, { recursive: true, force: true }));

/** The CLI with no TSCM_LOG_FORMAT at all (the suite sets text), stderr a pipe. */
function runBare(args: string[], env: Record<string, string> = {}) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.TSCM_LOG_FORMAT;
  const child = spawn(process.execPath, [CLI, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
}

it('off a terminal an error is one JSON line with its hint; --log-format text gives the text', async () => {
  const missing = path.join(empty, 'nope');
  const json = await runBare(['list', '--dir', missing]);
  expect(json.code).toBe(1);
  const lines = json.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0]!)).toMatchObject({
    level: 'error',
    kind: 'config',
    msg: `definitions folder ${missing} does not exist or is not a folder`,
    hint: 'pass the folder holding the device YAML',
  });
  const text = await runBare(['list', '--dir', missing, '--log-format', 'text']);
  expect(text.stderr).toBe(
    `Error: definitions folder ${missing} does not exist or is not a folder\n  hint: pass the folder holding the device YAML\n`,
  );
});

it('TSCM_DIR and TSCM_INTERVAL are read; a flag wins over the variable; bad values name the flag', async () => {
  const fromEnv = await runTscm(['status'], { env: { TSCM_DIR: path.join(empty, 'from-env') } });
  expect(fromEnv.stderr).toContain(`${path.join(empty, 'from-env')} does not exist`);
  const flagWins = await runTscm(['status', '--dir', path.join(empty, 'from-flag')], {
    env: { TSCM_DIR: path.join(empty, 'from-env') },
  });
  expect(flagWins.stderr).toContain(`${path.join(empty, 'from-flag')} does not exist`);

  const interval = await runTscm(['reconcile', '--dir', empty], { env: { TSCM_INTERVAL: 'hourly' } });
  expect(interval.code).toBe(1);
  expect(interval.stderr).toContain('--interval takes a duration such as 1h, 30m, 90s or 1h30m, not "hourly"');
  const level = await runTscm(['status', '--dir', empty], { env: { TSCM_LOG_LEVEL: 'loud' } });
  expect(level.code).toBe(1);
  expect(level.stderr).toMatch(/'loud' from env 'TSCM_LOG_LEVEL' is invalid/);
  const shard = await runTscm(['reconcile', '--once', '--dir', empty, '--shard', '3/3']);
  expect(shard.stderr).toContain('--shard takes I/N with 0 <= I < N, not "3/3"');
  const both = await runTscm(['reconcile', '--once', '--watch', '--dir', empty]);
  expect(both.stderr).toContain('--once and --watch do not go together');
});
