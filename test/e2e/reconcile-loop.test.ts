// `tscm reconcile` end to end with the real pass, an emulated router and the lab policy server: --once with
// `tscm status` and `tscm list` after it; the loop serving /healthz /readyz /status /metrics (promtool-clean,
// scraped by a real Prometheus) with JSON logs by default off a terminal; --watch reacting to an edit; SIGTERM in
// the middle of an apply (exit 0, truthful state, no lock left); a remote repository over HTTP with a token (git http-backend).

import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterEach, describe, expect, it } from 'vitest';
import { prefixesToStrings } from '../../src/cidr/index.js';
import { StateStore } from '../../src/state/index.js';
import { CLI, runTscm } from '../helpers/cli.js';
import { startGitHttp } from '../helpers/git-servers.js';
import { BLOCK_ZONE, startLab, type Lab } from '../helpers/lab.js';
import {
  HAVE_PROMETHEUS,
  HAVE_PROMTOOL,
  promtoolCheckMetrics,
  startPrometheus,
  warnMissing,
} from '../helpers/prometheus.js';

const GROUP = 'threatstop-block';
const BLOCK = ['198.51.100.0/24', '203.0.113.7/32', '192.0.2.64/26'];
const host = () => `127.0.73.${randomInt(10, 250)}`;

let lab: Lab | undefined;
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
  await lab?.close();
  lab = undefined;
});

/** The loop as a container runs it: no terminal, no TSCM_LOG_FORMAT (JSON lines by default). */
function startLoop(args: string[], env: Record<string, string>) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env };
  delete childEnv.TSCM_LOG_FORMAT;
  const child = spawn(process.execPath, [CLI, 'reconcile', ...args], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const lines = () =>
    stderr
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const listening = async (): Promise<string> => {
    const end = Date.now() + 30_000;
    while (Date.now() < end && child.exitCode === null) {
      const line = lines().find((l) => l.msg === 'serving status and metrics');
      if (line) return `http://${String(line.listen)}`;
      await sleep(20);
    }
    throw new Error(`the loop did not start serving: ${stderr.slice(-2000)}`);
  };
  cleanup.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await done;
    }
  });
  return { child, done, lines, listening, stderr: () => stderr, stdout: () => stdout };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, fn: () => Promise<T | undefined>, deadlineMs = 30_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

// The documents are checked field by field below; their shape is DeviceStatus and LoopStatusDocument.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const getJson = async (url: string) => (await fetch(url)).json() as Promise<Record<string, any>>;

function routerMembers(l: Lab): string[] {
  return (l.router.objectGroups().get(GROUP) ?? []).map((x) => x.trim()).sort();
}

describe('tscm reconcile', () => {
  it('--once applies, then tscm status and tscm list read the state backend without a loop', async () => {
    lab = await startLab({ block: BLOCK });
    const once = await runTscm(['reconcile', '--once', '--dir', lab.dir], { env: lab.env });
    expect(once.code, once.stderr).toBe(0);
    expect(once.stdout).toMatch(/^edge-01 {2}Applied {2}/m);
    expect(once.stdout).toMatch(/1 session\(s\) opened, 1 zone transfer\(s\), 0 failed/);
    expect(routerMembers(lab)).toHaveLength(3);

    const status = await runTscm(['status', '--json', '--dir', lab.dir]);
    expect(status.code, status.stderr).toBe(0);
    const doc = JSON.parse(status.stdout);
    expect(doc.withoutStatus).toEqual([]);
    expect(doc.devices).toHaveLength(1);
    expect(doc.devices[0]).toMatchObject({ device: 'edge-01', ready: true, reason: 'Applied', maxEntries: 200000 });
    expect(doc.devices[0].entries).toContainEqual({ group: GROUP, role: 'block', count: 3 });
    expect(doc.devices[0].zones).toEqual([{ zone: BLOCK_ZONE, serial: 1 }]);

    const table = await runTscm(['status', '--dir', lab.dir]);
    expect(table.stdout).toMatch(/^DEVICE +READY +REASON/m);
    expect(table.stdout).toMatch(/^edge-01 +yes +Applied +\d+s ago +\S+ +3\/200000 /m);

    const list = await runTscm(['list', '--dir', lab.dir]);
    expect(list.code, list.stderr).toBe(0);
    const row = list.stdout.split('\n').find((l) => l.startsWith('edge-01'))!;
    expect(row).toContain(`127.0.0.1:${lab.router.port}`);
    expect(row).toContain(BLOCK_ZONE);
    expect(row).toContain('threatstop-block, threatstop-allow');
    expect(row).toMatch(/ios .* \d{4}-\d\d-\d\dT/);
    const listJson = JSON.parse((await runTscm(['list', '--json', '--dir', lab.dir])).stdout);
    expect(listJson.devices[0]).toMatchObject({ device: 'edge-01', platform: 'ios', lastApply: { ok: true } });

    const version = await runTscm(['version']);
    expect(version.stdout).toMatch(/^tscm \d+\.\d+\.\d+ \(Node\.js v\d+/);
  });

  it('serves health, readiness, status and promtool-clean metrics a real Prometheus scrapes; SIGTERM exits 0', async () => {
    lab = await startLab({ block: BLOCK });
    const loop = startLoop(['--dir', lab.dir, '--listen', `${host()}:0`, '--interval', '1h'], lab.env);
    const base = await loop.listening();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    await until('ready', async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : undefined));

    const status = await getJson(`${base}/status`);
    expect(status.devices).toEqual([expect.objectContaining({ device: 'edge-01', ready: true, reason: 'Applied' })]);
    expect(status.loop.lastPass).toMatchObject({ trigger: 'interval', devices: 1, failed: 0, error: null });
    const nextIn = Date.parse(status.loop.nextRunAt) - Date.now();
    expect(nextIn).toBeGreaterThan(0.85 * 3_600_000);
    expect(nextIn).toBeLessThan(1.1 * 3_600_000);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('tscm_device_ready{device="edge-01"} 1');
    expect(metrics).toContain(`tscm_zone_transfers_total{zone="${BLOCK_ZONE}"} 1`);
    expect(metrics).toContain('tscm_device_sessions_opened_total{device="edge-01"} 1');
    expect(metrics).toContain('tscm_members_added_total{device="edge-01"} 3');
    expect(metrics).toContain('tscm_reconcile_passes_total{trigger="interval",result="success"} 1');
    expect(metrics).toMatch(/^tscm_reconcile_last_success_timestamp_seconds 1\d{9}(\.\d+)?$/m);
    if (HAVE_PROMTOOL) expect(promtoolCheckMetrics(metrics)).toEqual({ code: 0, output: '' });
    if (HAVE_PROMETHEUS) {
      const prometheus = await startPrometheus({ host: host(), target: new URL(base).host, scrapeIntervalMs: 200 });
      cleanup.push(() => prometheus.stop());
      const ready = await prometheus.until('tscm_device_ready', (r) => r.length === 1);
      expect(ready.map((s) => [s.metric.device, s.value[1]])).toEqual([['edge-01', '1']]);
    }

    loop.child.kill('SIGTERM');
    expect(await loop.done).toEqual({ code: 0, signal: null });
    const lines = loop.lines(); // every line of stderr is a JSON log line
    expect(lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['reconcile pass finished', 'reconcile loop stopped']),
    );
    for (const secret of lab.secrets) expect(loop.stderr()).not.toContain(secret);
    expect(existsSync(path.join(lab.dir, '.tscm', 'edge-01', 'lock'))).toBe(false);
  }, 90_000); // a real Prometheus starts inside it

  it('--watch reconciles the device whose file changed, at once', async () => {
    lab = await startLab({ block: BLOCK });
    const loop = startLoop(
      ['--dir', lab.dir, '--listen', `${host()}:0`, '--interval', '1h', '--watch', '--watch-debounce', '50ms'],
      lab.env,
    );
    const base = await loop.listening();
    await until('the first pass', async () => ((await getJson(`${base}/status`)).loop.passes === 1 ? true : undefined));
    const file = path.join(lab.dir, 'devices', 'edge.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('maxEntries: 200000', 'maxEntries: 2'));
    const status = await until('the watch pass', async () => {
      const s = await getJson(`${base}/status`);
      return s.loop.lastPass?.trigger === 'watch' ? s : undefined;
    });
    expect(status.loop.lastPass).toMatchObject({ devices: 1, failed: 0 });
    expect(status.devices[0]).toMatchObject({ device: 'edge-01', maxEntries: 2 });
    expect(routerMembers(lab)).toHaveLength(2);
    loop.child.kill('SIGINT');
    expect((await loop.done).code).toBe(0);
  });

  it('SIGTERM in the middle of an apply: the apply stops truthfully, the lock is released, exit 0 within the bound', async () => {
    // 8,000 /32 hosts that never aggregate: long enough an apply to be stopped in the middle.
    const hosts = Array.from({ length: 8_000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.1/32`);
    lab = await startLab({ block: hosts });
    const loop = startLoop(['--dir', lab.dir, '--listen', 'off', '--stop-timeout', '20s'], lab.env);
    const l = lab;
    await until('the apply under way', async () => (routerMembers(l).length >= 1000 ? true : undefined), 60_000);
    l.router.setFaults({ replyDelayMs: 2 }); // the apply cannot finish before the signal lands
    const sent = Date.now();
    loop.child.kill('SIGTERM');
    const exit = await loop.done;
    const tookMs = Date.now() - sent;
    l.router.setFaults({});
    expect(exit, loop.stderr().slice(-3000)).toEqual({ code: 0, signal: null });
    expect(tookMs).toBeLessThan(20_000);
    expect(loop.lines().some((x) => /SIGTERM: stopping after the changes in flight/.test(String(x.msg)))).toBe(true);
    expect(existsSync(path.join(l.dir, '.tscm', 'edge-01', 'lock'))).toBe(false);
    const state = await new StateStore(path.join(l.dir, '.tscm')).read('edge-01');
    const group = state?.inventory.groups.find((g) => g.name === GROUP);
    const owned = group ? prefixesToStrings(group.members) : [];
    const onRouter = routerMembers(l).map((m) => `${m.replace(/^host /, '')}/32`);
    expect(onRouter.length).toBeGreaterThanOrEqual(1000);
    expect(onRouter.length).toBeLessThan(8_000);
    expect(owned.sort()).toEqual(onRouter.sort());
  });

  it('--repo over HTTPS-style token auth: TSCM_GIT_TOKEN reaches the server, never the output; the clone under --dir', async () => {
    lab = await startLab({ block: BLOCK });
    const base = await mkdtemp(path.join(tmpdir(), 'tscm-repo-'));
    cleanup.push(() => rm(base, { recursive: true, force: true }));
    await simpleGit().raw(['init', '-q', '--bare', '--initial-branch=prod', path.join(base, 'fleet.git')]);
    const git = simpleGit({ baseDir: lab.dir });
    await git.raw(['init', '-q', '--initial-branch=prod']);
    await writeFile(path.join(lab.dir, '.gitignore'), '.tscm/\n');
    await git.add('.');
    await git.raw(['-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-q', '-m', 'fleet']);
    await git.raw(['push', '-q', path.join(base, 'fleet.git'), 'HEAD:prod']);
    const token = `glpat-${randomInt(1e9, 2e9)}`;
    const server = await startGitHttp(base, host(), token);
    cleanup.push(() => server.close());
    const r = await runTscm(
      ['reconcile', '--once', '--repo', server.url('fleet.git'), '--branch', 'prod', '--dir', path.join(base, 'data')],
      { env: { ...lab.env, TSCM_GIT_TOKEN: token } },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^edge-01 {2}Applied {2}/m);
    expect(routerMembers(lab)).toHaveLength(3);
    expect(server.authorizations.length).toBeGreaterThan(0);
    expect(r.stdout + r.stderr).not.toContain(token);
    // The clone lives under --dir (a container's data volume), one folder per repository and branch.
    expect(existsSync(path.join(base, 'data', 'checkouts'))).toBe(true);
    // State lives beside the clone, never inside the checkout tscm resets on every pass.
    const [clone] = await readdir(path.join(base, 'data', 'checkouts'));
    const stateDir = path.join(base, 'data', 'checkouts', `${clone}.state`);
    expect((await new StateStore(stateDir).read('edge-01'))?.serial).toBe(1);
    expect(existsSync(path.join(base, 'data', 'checkouts', clone!, '.tscm'))).toBe(false);

    const noToken = await runTscm(
      ['reconcile', '--once', '--repo', server.url('fleet.git'), '--branch', 'prod', '--dir', path.join(base, 'data2')],
      {
        env: lab.env,
      },
    );
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toMatch(
      /could not update the definitions from http:\/\/127\.0\.73\.\d+:\d+\/fleet\.git \(branch prod\)/,
    );
  });
});

warnMissing('promtool');
warnMissing('prometheus');
