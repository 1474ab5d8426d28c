// Debian's prometheus package for the metrics tests: promtool lints an exposition, and a real Prometheus server
// (on a loopback address, its data in a temporary folder) scrapes a target. scripts/test-all.sh installs it; where
// it is missing the tests skip saying so loudly.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const has = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
export const HAVE_PROMTOOL = has('promtool');
export const HAVE_PROMETHEUS = has('prometheus');

export function warnMissing(what: string): void {
  if (!(what === 'promtool' ? HAVE_PROMTOOL : HAVE_PROMETHEUS)) {
    console.warn(
      `\n*** ${what} is not installed: its test is SKIPPED. Install Debian's prometheus package ` +
        `(scripts/test-all.sh does) to run it. ***\n`,
    );
  }
}

/** `promtool check metrics` on an exposition: its exit code and what it printed (lint problems). */
export function promtoolCheckMetrics(text: string): { code: number; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}`.trim() };
}

/** A free TCP port on `host` (for servers that cannot be told to take port 0 and report it). */
export async function freePort(host: string): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface RunningPrometheus {
  readonly url: string;
  /** An instant query through the HTTP API; the result vector. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** Polls `query` until `accept` holds (or the deadline passes: then the last result is returned). */
  until(
    expr: string,
    accept: (r: { metric: Record<string, string>; value: [number, string] }[]) => boolean,
    deadlineMs?: number,
  ): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop(): Promise<void>;
}

export async function startPrometheus(opts: {
  host: string;
  target: string;
  scrapeIntervalMs: number;
}): Promise<RunningPrometheus> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tscm-prometheus-'));
  const config = path.join(dir, 'prometheus.yml');
  const interval = `${opts.scrapeIntervalMs}ms`;
  await writeFile(
    config,
    `global: { scrape_interval: ${interval}, scrape_timeout: ${interval}, evaluation_interval: 1m }\n` +
      `scrape_configs:\n  - job_name: tscm\n    static_configs: [ { targets: ['${opts.target}'] } ]\n`,
  );
  let child: ChildProcess | undefined;
  let port = 0;
  let output = '';
  for (let attempt = 0; attempt < 5 && child === undefined; attempt++) {
    port = await freePort(opts.host);
    const c = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=${opts.host}:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    c.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    c.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const url = `http://${opts.host}:${port}`;
    const up = await waitFor(
      async () => (await fetch(`${url}/-/ready`)).ok,
      20_000,
      () => c.exitCode !== null,
    );
    if (up) {
      child = c;
      // A test that times out never reaches stop(): the server must not outlive the test process.
      process.once('exit', () => c.kill('SIGKILL'));
    } else c.kill('SIGKILL');
  }
  if (child === undefined) throw new Error(`prometheus did not start: ${output.slice(-2000)}`);
  const url = `http://${opts.host}:${port}`;
  const query = async (expr: string) => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as { status: string; data: { result: [] } };
    if (body.status !== 'success') throw new Error(`prometheus query failed: ${JSON.stringify(body)}`);
    return body.data.result;
  };
  const running = child;
  return {
    url,
    query,
    async until(expr, accept, deadlineMs = 20_000) {
      let last: Awaited<ReturnType<typeof query>> = [];
      await waitFor(
        async () => accept((last = await query(expr))),
        deadlineMs,
        () => running.exitCode !== null,
      );
      return last;
    },
    async stop() {
      if (running.exitCode === null) {
        const exited = new Promise((resolve) => running.once('exit', resolve));
        running.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` every 100 ms until it holds, gives up at the deadline or when `dead()` says the server exited. */
async function waitFor(check: () => Promise<boolean>, deadlineMs: number, dead: () => boolean): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end && !dead()) {
    if (await check().catch(() => false)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
