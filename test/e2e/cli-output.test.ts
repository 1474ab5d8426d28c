// The CLI's output contract, through the built CLI: colour only on a terminal and never with NO_COLOR or
// --no-color (each command runs under a pseudo-terminal with `script`, and the plain run proves the colour would
// be there); a reader that closes the pipe early ends the output quietly, with the command's own exit code; and
// `plan --json` that fails says so in the JSON.

import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFeed } from '../../src/lab/demo/policy-feed.js';
import { CLI, runTscm, type CliResult } from '../helpers/cli.js';
import { startLab, type Lab } from '../helpers/lab.js';

const ANSI = new RegExp(String.fromCharCode(27) + '\\[');
const feed = generateFeed(300, 33);

/** The test's environment without its NO_COLOR (if any), plus `extra`. */
function terminalEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['NO_COLOR'];
  return { ...env, ...extra };
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs tscm with stdout and stderr on a pseudo-terminal (util-linux `script`); the output is the terminal's. */
function runInTerminal(args: string[], env: Record<string, string>): Promise<CliResult> {
  const command = [process.execPath, CLI, ...args].map(shellQuote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: terminalEnv(env), stdio: 'pipe' });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr: '' }));
    child.stdin.end();
  });
}

/** Runs tscm with its stdout closed before it writes anything: every write meets a closed pipe. */
function runWithClosedStdout(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...env } });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: '', stderr }));
    child.stdin.end();
  });
}

describe('the CLI output', () => {
  let lab: Lab;
  let offline: string;
  const at = () => ['--dir', lab.dir];
  beforeAll(async () => {
    lab = await startLab({ block: feed.block, allow: feed.allow });
    // A device planned from a list file without reading it (--refresh=false): 20,000 entries, a JSON plan of
    // several hundred KB, far more than a pipe holds.
    offline = await mkdtemp(path.join(tmpdir(), 'tscm-output-'));
    const list = Array.from({ length: 20_000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.1`).join('\n');
    await writeFile(path.join(offline, 'block.txt'), list + '\n');
    await writeFile(path.join(offline, 'bad.txt'), '192.0.2.1\nhunter2secret\n');
    const device = (name: string, file: string) =>
      `name: ${name}\nplatform: ios\ndeviceId: tdid_${name.replace(/-/g, '')}\nmanagement: { host: 127.0.0.1, port: 9 }\n` +
      `credentials: { username: { env: U }, password: { env: P } }\npolicy: { blockList: { file: ${file} } }\n` +
      'objectGroups: { maxEntries: 50000 }\n';
    await writeFile(path.join(offline, 'big.yaml'), device('big-01', 'block.txt'));
    await writeFile(path.join(offline, 'bad.yaml'), device('bad-01', 'bad.txt'));
  });
  afterAll(async () => {
    await lab?.close();
    if (offline) await rm(offline, { recursive: true, force: true });
  });

  describe('colour', () => {
    const variants: { name: string; env: Record<string, string>; flag: string[] }[] = [
      { name: 'NO_COLOR=1', env: { NO_COLOR: '1' }, flag: [] },
      { name: '--no-color', env: {}, flag: ['--no-color'] },
      { name: 'plain', env: {}, flag: [] },
    ];

    it('plan, apply and remove colour a terminal only without NO_COLOR and --no-color', async () => {
      for (const v of variants) {
        const env = { ...lab.env, ...v.env };
        const runs: Record<string, CliResult> = { plan: await runInTerminal(['plan', ...at(), ...v.flag], env) };
        // The plain run of plan shows the colour would be seen; apply and remove are checked without it.
        if (v.name !== 'plain') {
          runs['apply'] = await runInTerminal(['apply', '--auto-approve', ...at(), ...v.flag], env);
          runs['remove'] = await runInTerminal(['remove', 'edge-01', '--auto-approve', ...at(), ...v.flag], env);
        }
        for (const [what, r] of Object.entries(runs)) {
          expect(r.code, `${what} ${v.name}: ${r.stdout}`).toBe(0);
          expect(r.stdout).toContain('threatstop-block');
          expect(ANSI.test(r.stdout), `${what} ${v.name}`).toBe(v.name === 'plain');
        }
      }
    });

    it('validate and policy never colour, and take --no-color', async () => {
      for (const args of [['validate'], ['policy'], ['validate', '--no-color'], ['policy', '--no-color']]) {
        const r = await runInTerminal([...args, ...at()], lab.env);
        expect(r.code, `${args.join(' ')}: ${r.stdout}`).toBe(0);
        expect(ANSI.test(r.stdout), args.join(' ')).toBe(false);
      }
    });

    it('lab demo: bold steps on a terminal, none with NO_COLOR or --no-color', async () => {
      for (const v of variants) {
        const r = await runInTerminal(['lab', 'demo', '--policy-size', '50', ...v.flag], v.env);
        expect(r.code, `${v.name}: ${r.stdout}`).toBe(0);
        expect(r.stdout).toContain('==> tscm apply --auto-approve');
        expect(ANSI.test(r.stdout), v.name).toBe(v.name === 'plain');
      }
    });
  });

  describe('a closed pipe', () => {
    const noTrace = (r: CliResult) => {
      expect(r.stderr).not.toMatch(/EPIPE|ERR_STREAM|\n\s+at /);
    };

    it('tscm plan --json | head -c 100: the first 100 bytes, exit 0, nothing on stderr', async () => {
      const line = `${shellQuote(process.execPath)} ${shellQuote(CLI)} plan --json --refresh=false --dir ${shellQuote(offline)} big-01`;
      const r = await new Promise<{ out: string; err: string; codes: string }>((resolve) => {
        const child = spawn('bash', ['-c', `${line} 2>err.txt | head -c 100; echo " \${PIPESTATUS[*]}" >&2`], {
          cwd: offline,
          env: { ...process.env, NO_COLOR: '1' },
        });
        let out = '';
        let err = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
        child.on('close', () => resolve({ out, err, codes: err.trim() }));
      });
      expect(r.out).toHaveLength(100);
      expect(r.out.startsWith('{\n  "formatVersion"')).toBe(true);
      expect(r.codes).toBe('0 0');
      const stderr = await import('node:fs/promises').then((fs) => fs.readFile(path.join(offline, 'err.txt'), 'utf8'));
      expect(stderr).toBe('');
    });

    it('every command that writes to stdout ends quietly with its own exit code', async () => {
      const cases: { args: string[]; code: number }[] = [
        { args: ['validate', ...at()], code: 0 },
        { args: ['policy', '--json', ...at()], code: 0 },
        { args: ['plan', ...at()], code: 0 },
        { args: ['plan', '--markdown', ...at()], code: 0 },
        // The reader going away does not cut an apply short: it completes (the router holds the groups).
        { args: ['apply', '--auto-approve', ...at()], code: 0 },
        { args: ['remove', 'edge-01', '--auto-approve', ...at()], code: 0 },
        { args: ['--help'], code: 0 },
        { args: ['plan', '--json', '--refresh=false', '--dir', offline, 'bad-01'], code: 1 },
      ];
      for (const c of cases) {
        const r = await runWithClosedStdout(c.args, lab.env);
        expect(r.code, `${c.args.join(' ')}: ${r.stderr}`).toBe(c.code);
        noTrace(r);
        if (c.args[0] === 'apply')
          expect(lab.router.objectGroups().get('threatstop-block')?.length).toBeGreaterThan(200);
      }
    });
  });

  it('plan --json that fails lists each failure in the JSON, exit 1', async () => {
    const r = await runTscm(['plan', '--json', '--refresh=false', '--dir', offline]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { changes: boolean; devices: { device: string }[]; failures: unknown[] };
    expect(doc.devices.map((d) => d.device)).toEqual(['big-01']);
    expect(doc.failures).toEqual([
      {
        device: 'bad-01',
        step: 'resolve',
        message: expect.stringMatching(
          /^1 invalid entry in the CIDR list file .*bad\.txt:\n {2}.*bad\.txt:2: not a valid/,
        ),
        hint: expect.stringContaining('fix or remove these lines'),
      },
    ]);
    expect(r.stdout).not.toContain('hunter2');
    // A device that cannot be read at all: still named, with its step.
    const down = await runTscm(['plan', '--json', '--dir', offline, 'big-01'], { env: { U: 'u', P: 'p' } });
    expect(down.code).toBe(1);
    expect(JSON.parse(down.stdout)).toMatchObject({
      changes: false,
      devices: [],
      failures: [{ device: 'big-01', step: 'observe', message: expect.stringContaining('127.0.0.1:9') }],
    });
  });
});
