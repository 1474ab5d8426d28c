// `tscm lab` in the foreground, end to end through the built CLI: it starts an emulated router and the policy DNS
// server, prints ready-to-use definitions; those definitions, written out as printed, plan and apply; SIGTERM and
// SIGINT stop it with exit 0. Bad list files and ports stop it at once with a clear message.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aggregate, prefixCount, prefixesFromStrings, subtract } from '../../src/cidr/index.js';
import { generateFeed } from '../../src/lab/demo/policy-feed.js';
import { FAULT_FIELDS } from '../../src/lab/ios/fault-settings.js';
import { openTestShell } from '../../src/lab/vty/test-shell.js';
import { CLI, runTscm } from '../helpers/cli.js';

interface RunningLab {
  readonly child: ChildProcess;
  readonly banner: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const randomLoopback = () => `127.${randomInt(1, 254)}.${randomInt(1, 254)}.${randomInt(1, 254)}`;

/** Spawns `tscm lab ARGS` and resolves once it prints its ready line (or rejects with its output if it exits). */
function spawnLab(args: string[]): Promise<RunningLab> {
  const child = spawn(process.execPath, [CLI, 'lab', ...args], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('Ready. Press Ctrl-C to stop.\n')) resolve({ child, banner: out, output: () => out, exited });
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    void exited.then((e) => reject(new Error(`tscm lab exited (${e.code ?? e.signal}) before ready:\n${out}`)));
  });
}

/** Starts a lab with its DNS server on 5353 of a random loopback address, retrying when that one is taken. */
async function startLabCommand(args: string[]): Promise<RunningLab> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await spawnLab([...args, '--dns-listen', `${randomLoopback()}:5353`]);
    } catch (err) {
      if (attempt > 5 || !/EADDRINUSE/.test((err as Error).message)) throw err;
    }
  }
}

/** Writes the files of the banner's shell snippet (`cat > FILE <<'EOF' ... EOF`) under `root`; returns the env. */
async function writeSnippet(banner: string, root: string): Promise<{ dir: string; env: Record<string, string> }> {
  const files = [...banner.matchAll(/^cat > (\S+) <<'EOF'\n([\s\S]*?)\nEOF$/gm)];
  expect(files.map((m) => m[1])).toEqual(['lab-defs/tscm.yaml', 'lab-defs/devices/lab-router.yaml']);
  for (const [, file, body] of files) {
    await mkdir(path.dirname(path.join(root, file!)), { recursive: true });
    await writeFile(path.join(root, file!), body + '\n');
  }
  const env: Record<string, string> = {};
  for (const [, name, quoted] of banner.matchAll(/^export (\w+)='((?:[^']|'\\'')*)'$/gm))
    env[name!] = quoted!.replace(/'\\''/g, "'");
  expect(Object.keys(env).sort()).toEqual(['TSCM_LAB_ENABLE', 'TSCM_LAB_PASSWORD', 'TSCM_LAB_USER']);
  return { dir: path.join(root, 'lab-defs'), env };
}

async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'tscm-lab-cmd-'));
  dirs.push(d);
  return d;
}

const credentials = () => {
  const password = `pw'${randomBytes(6).toString('hex')}`; // a quote: the printed exports must escape it
  const enable = `en-${randomBytes(6).toString('hex')}`;
  return { password, enable, args: ['--username', 'labops', '--password', password, '--enable-password', enable] };
};

describe('tscm lab (foreground)', () => {
  it('serves the generated feed; the printed definitions plan and apply; SIGTERM stops it with exit 0', async () => {
    const cred = credentials();
    const lab = await startLabCommand(['--listen', '127.0.0.1:0', '--policy-size', '3000', ...cred.args]);
    const routerPort = Number(/router .* on 127\.0\.0\.1:(\d+),/.exec(lab.banner)?.[1]);
    expect(routerPort).toBeGreaterThan(0);
    expect(lab.banner).toMatch(/host key +SHA256:[A-Za-z0-9+/]{43}\n/);
    expect(lab.banner).toMatch(/policy DNS +127\.\d+\.\d+\.\d+:5353/);
    expect(lab.banner).toContain('block.lab.tscm.test (3000 entries');

    const { dir, env } = await writeSnippet(lab.banner, await tempDir());
    expect(env.TSCM_LAB_PASSWORD).toBe(cred.password);
    const feed = generateFeed(3000, 1);
    const desired = subtract(aggregate(prefixesFromStrings(feed.block)), aggregate(prefixesFromStrings(feed.allow)));

    const plan = await runTscm(['plan', '--json', '--dir', dir], { env });
    expect(plan.code, plan.stderr).toBe(0);
    const summary = JSON.parse(plan.stdout).devices[0].summary;
    expect(summary).toMatchObject({ add: prefixCount(desired) + feed.allow.length, remove: 0, create: 2 });

    const apply = await runTscm(['apply', '--auto-approve', '--dir', dir], { env });
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('Apply complete!');
    const again = await runTscm(['plan', '--detailed-exitcode', '--dir', dir], { env });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/No changes/);

    lab.child.kill('SIGTERM');
    expect(await lab.exited).toEqual({ code: 0, signal: null });
    expect(lab.output()).toContain('Lab stopped.');
  });

  it('serves a --block-list file (no allow zone) and stops on SIGINT', async () => {
    const root = await tempDir();
    const list = path.join(root, 'block.txt');
    await writeFile(list, '# lab block list\n198.51.100.0/24\n203.0.113.7\n192.0.2.10 - 192.0.2.13\n\n2001:db8::/48\n');
    const cred = credentials();
    const lab = await startLabCommand(['--listen', '127.0.0.1:0', '--block-list', list, ...cred.args]);
    expect(lab.banner).toContain('(no allow list)');
    const { dir, env } = await writeSnippet(lab.banner, root);

    const apply = await runTscm(['apply', '--auto-approve', '--dir', dir], { env });
    expect(apply.code, apply.stderr).toBe(0);
    const cidrs = await runTscm(['policy', 'lab-router', '--cidrs', '--dir', dir], { env });
    expect(cidrs.code, cidrs.stderr).toBe(0);
    expect(cidrs.stdout.trim().split('\n')).toEqual([
      '192.0.2.10/31',
      '192.0.2.12/31',
      '198.51.100.0/24',
      '203.0.113.7',
      '2001:db8::/48',
    ]);
    const again = await runTscm(['plan', '--detailed-exitcode', '--dir', dir], { env });
    expect(again.code, again.stdout + again.stderr).toBe(0);

    lab.child.kill('SIGINT');
    expect(await lab.exited).toEqual({ code: 0, signal: null });
  });

  it('stops at once on a bad list file (naming file:line) or a non-policy DNS port', async () => {
    const root = await tempDir();
    const list = path.join(root, 'bad.txt');
    await writeFile(list, '198.51.100.0/24\n# fine\n10.0.0.300\n');
    const bad = await runTscm(['lab', '--listen', '127.0.0.1:0', '--block-list', list]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${list}:3`);
    expect(bad.stderr).toContain('10.0.0.300');

    const port = await runTscm(['lab', '--listen', '127.0.0.1:0', '--dns-listen', '127.0.0.1:5300']);
    expect(port.code).toBe(1);
    expect(port.stderr).toMatch(/port 5300 is not a policy server port/);
    expect(port.stderr).toMatch(/53 or 5353/);
  });

  it('documents its defaults and faults in --help', async () => {
    const help = await runTscm(['lab', '--help']);
    expect(help.code).toBe(0);
    for (const text of ['127.0.0.1:2222', '127.0.0.1:5353', '--block-list', '--allow-list', '"10000"'])
      expect(help.stdout).toContain(text);
    expect(help.stdout).toContain('--faults <file>');
    for (const [key, rule] of Object.entries(FAULT_FIELDS)) {
      const range = rule.kind === 'boolean' ? 'true|false' : `${rule.min}-${rule.max}`;
      expect(help.stdout).toMatch(new RegExp(`\\n  ${key} +${range.replace('|', '\\|')} +like ${rule.flag}\\n`));
      expect(help.stdout).toMatch(new RegExp(`\\n  ${rule.flag}( <\\w+>)? `));
    }
  });

  it('injects router faults from a faults file and flags: a refused enable, then a dropped connection', async () => {
    const root = await tempDir();
    const faults = path.join(root, 'faults.yaml');
    await writeFile(faults, 'rejectEnable: true\ndropAfterCommands: 5\n');
    const cred = credentials();
    const lab = await startLabCommand([
      '--listen',
      '127.0.0.1:0',
      '--faults',
      faults,
      '--drop-after',
      '2',
      ...cred.args,
    ]);
    expect(lab.banner).toContain('  faults      dropAfterCommands=2, rejectEnable\n');
    const port = Number(/router .* on 127\.0\.0\.1:(\d+),/.exec(lab.banner)?.[1]);
    const shell = await openTestShell({ host: '127.0.0.1', port }, { username: 'labops', password: cred.password });
    await shell.readUntil(/>$/);
    shell.sendLine('enable');
    for (let i = 0; i < 2; i++) await shell.run(cred.enable, /Password: $/);
    expect(await shell.run(cred.enable, />$/)).toContain('% Bad secrets'); // the right secret, refused
    shell.sendLine('show version'); // the 2nd command: it runs, and the connection closes without its reply
    await shell.closed;
    expect(shell.all()).not.toContain('Cisco IOS Software');
    lab.child.kill('SIGTERM');
    expect(await lab.exited).toEqual({ code: 0, signal: null });
  });

  it('stops at once on a faults file with an unknown field or a wrong value, naming the file and the field', async () => {
    const root = await tempDir();
    const faults = path.join(root, 'faults.json');
    await writeFile(faults, '{"nvramBusyTimes": 2, "rejectEnabled": true}');
    const unknown = await runTscm(['lab', '--listen', '127.0.0.1:0', '--faults', faults]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`${faults}: unknown field "rejectEnabled"`);
    await writeFile(faults, '{"replyDelayMs": "slow"}');
    const wrong = await runTscm(['lab', '--listen', '127.0.0.1:0', '--faults', faults]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`${faults}: field "replyDelayMs" must be a whole number from 0 to 60000`);
    expect(wrong.stderr).not.toContain('slow');
  });

  it('--platform asa boots a failover pair from a real config with ASA faults; its definitions name the ASA', async () => {
    const root = await tempDir();
    const faults = path.join(root, 'faults.yaml');
    await writeFile(faults, 'askReporting: true\nelementLimit: 5\n');
    const config = new URL(
      '../../src/lab/asa/testdata/real/ciscoconfparse-asa-9.0-fw/running-config.txt',
      import.meta.url,
    );
    const cred = credentials();
    const [host, standbyHost] = [randomLoopback(), randomLoopback()];
    const args = ['--platform', 'asa', '--listen', `${host}:0`, '--standby-listen', `${standbyHost}:0`];
    const lab = await startLabCommand([...args, '--config', config.pathname, '--faults', faults, ...cred.args]);
    expect(lab.banner).toContain('emulated Cisco ASA firewall on');
    expect(lab.banner).toContain('  faults      askReporting, elementLimit=5\n');
    expect(lab.banner).toContain('platform: asa\n');
    expect(lab.banner).toContain('objectGroups: { block: ThreatSTOP-Block, allow: ThreatSTOP-Allow');
    const port = (re: string): number => Number(new RegExp(re).exec(lab.banner)?.[1]);
    const activePort = port(`router .* on ${host.replace(/\./g, '\\.')}:(\\d+),`);
    const standbyPort = port(`standby +${standbyHost.replace(/\./g, '\\.')}:(\\d+) `);
    expect(lab.banner).toContain(`peers: [{ host: ${standbyHost}, port: ${standbyPort} }]`);
    const login = { username: 'labops', password: cred.password };
    const shell = await openTestShell({ host, port: activePort }, login);
    expect(await shell.readUntil(/fw\/pri\/act>$/)).toContain("Type help or '?' for a list of available commands.");
    shell.sendLine('enable');
    await shell.readUntil(/Password: $/);
    await shell.run(cred.enable, /fw\/pri\/act#$/);
    shell.sendLine('configure terminal');
    expect(await shell.readUntil(/\[A\]sk later: $/)).toContain('NOTICE');
    shell.close();
    const standby = await openTestShell({ host: standbyHost, port: standbyPort }, login);
    await standby.readUntil(/fw\/sec\/stby>$/);
    standby.close();

    const iosOnly = await runTscm(['lab', '--platform', 'asa', '--listen', '127.0.0.1:0', '--nvram-busy', '1']);
    expect(iosOnly.code).toBe(1);
    expect(iosOnly.stderr).toContain('--nvram-busy is an IOS fault');
    lab.child.kill('SIGTERM');
    expect(await lab.exited).toEqual({ code: 0, signal: null });
  });
});
