// The status server over real HTTP on loopback: the four paths, GET/HEAD only, the metrics linted by promtool and
// scraped by a real Prometheus (Debian's prometheus package; skipped loudly where it is missing).

import { randomInt } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import type { DeviceStatus } from '../state/status-model.js';
import {
  HAVE_PROMETHEUS,
  HAVE_PROMTOOL,
  promtoolCheckMetrics,
  startPrometheus,
  warnMissing,
} from '../../test/helpers/prometheus.js';
import { parseListen, startStatusServer, type StatusServer } from './http-server.js';
import { LoopStatus } from './loop-status.js';
import { createLoopMetrics, type LoopMetrics } from './metrics.js';

const HOST = `127.0.73.${randomInt(10, 250)}`;
let server: StatusServer;
let status: LoopStatus;
let metrics: LoopMetrics;
let base: string;

function deviceStatus(device: string, over: Partial<DeviceStatus> = {}): DeviceStatus {
  return {
    formatVersion: 1,
    device,
    ready: true,
    reason: 'Applied',
    message: 'applied 3 changes',
    lastAttemptedRevision: '0123abc',
    lastAppliedRevision: '0123abc',
    lastAttemptAt: '2026-05-01T12:00:00.000Z',
    lastAppliedAt: '2026-05-01T12:00:00.000Z',
    zones: [{ zone: 'block.http.tscm.test', serial: 2026050101 }],
    entries: [
      { group: 'threatstop-block', role: 'block', count: 9000 },
      { group: 'threatstop-allow', role: 'allow', count: 12 },
    ],
    maxEntries: 10000,
    drift: { checkedAt: '2026-05-01T12:00:00.000Z', found: 0, healed: false },
    lastError: null,
    nextRunAt: null,
    ...over,
  };
}

const STALLED = deviceStatus('edge "02"', {
  ready: false,
  reason: 'Stalled',
  message: 'the definition is invalid; stalled until it changes',
  lastAppliedAt: null,
  lastAppliedRevision: null,
  entries: [],
  drift: null,
  lastError: { step: 'load', kind: 'config', message: 'bad field', at: '2026-05-01T12:00:00.000Z', attempts: 3 },
});

/** What a pass over two devices tells the loop (the hooks the real pass calls). */
function simulatePass(): void {
  status.passStarted('interval');
  const e = metrics.events;
  e.zoneChecked!('block.http.tscm.test', 2026050101, true);
  e.sessionOpened!('edge-01');
  e.applied!('edge-01', { added: 3, removed: 1 });
  e.stepFailed!('edge "02"', 'load', 'config');
  const statuses = [deviceStatus('edge-01'), STALLED];
  for (const s of statuses) {
    status.events.deviceStatus!(s);
    e.deviceStatus!(s);
  }
  const summary = {
    trigger: 'interval',
    durationMs: 120,
    revision: '0123abc',
    devices: 2,
    sessionsOpened: 1,
    zoneTransfers: 1,
    failed: 1,
    interrupted: false,
  };
  metrics.passFinished('interval', 'failed', 120, summary);
  metrics.setStatuses(statuses);
  status.passFinished(
    { ...summary, startedAt: '2026-05-01T12:00:00.000Z', finishedAt: '2026-05-01T12:00:00.120Z', error: null },
    statuses,
  );
  status.scheduled(new Date('2026-05-01T13:00:00.000Z'));
}

function request(method: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ code: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  status = new LoopStatus();
  metrics = createLoopMetrics();
  server = await startStatusServer({ host: HOST, port: 0, status, metrics });
  base = `http://${server.host}:${server.port}`;
});
afterAll(() => server.close());

describe('the status server', () => {
  it('is alive at once and ready only once a pass has finished', async () => {
    expect(await request('GET', '/healthz')).toMatchObject({ code: 200, body: 'ok\n' });
    expect((await request('GET', '/readyz')).code).toBe(503);
    const before = JSON.parse((await request('GET', '/status')).body);
    expect(before).toMatchObject({ loop: { passes: 0, lastPass: null }, devices: [] });
    simulatePass();
    expect((await request('GET', '/readyz')).code).toBe(200);
  });

  it('serves the devices and the loop in /status', async () => {
    const r = await request('GET', '/status?pretty=1');
    expect(r.code).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const doc = JSON.parse(r.body);
    expect(doc.loop).toMatchObject({
      passes: 1,
      running: null,
      nextRunAt: '2026-05-01T13:00:00.000Z',
      lastPass: { trigger: 'interval', failed: 1, revision: '0123abc', error: null },
    });
    expect(doc.devices).toEqual([STALLED, deviceStatus('edge-01')]);
  });

  it('serves the metrics in the Prometheus text format, and only GET and HEAD anywhere', async () => {
    const r = await request('GET', '/metrics');
    expect(r.code).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const line of [
      'tscm_reconcile_passes_total{trigger="interval",result="failed"} 1',
      'tscm_reconcile_pass_duration_seconds_count{trigger="interval"} 1',
      'tscm_device_ready{device="edge-01"} 1',
      'tscm_device_ready{device="edge \\"02\\""} 0',
      'tscm_device_status_reason{device="edge \\"02\\"",reason="Stalled"} 1',
      'tscm_applies_total{device="edge-01"} 1',
      'tscm_members_added_total{device="edge-01"} 3',
      'tscm_members_removed_total{device="edge-01"} 1',
      'tscm_errors_total{device="edge \\"02\\"",step="load",kind="config"} 1',
      'tscm_zone_transfers_total{zone="block.http.tscm.test"} 1',
      'tscm_zone_serial{zone="block.http.tscm.test"} 2026050101',
      'tscm_group_entries{device="edge-01",group="threatstop-block",role="block"} 9000',
      'tscm_device_max_entries{device="edge-01"} 10000',
      'tscm_device_sessions_opened_total{device="edge-01"} 1',
      'tscm_device_last_applied_timestamp_seconds{device="edge-01"} 1777636800',
    ]) {
      expect(r.body).toContain(line);
    }
    // No pass without a failure yet: no last success time.
    expect(r.body).toMatch(/^tscm_reconcile_last_success_timestamp_seconds 0$/m);

    const head = await request('HEAD', '/metrics');
    expect(head).toMatchObject({ code: 200, body: '' });
    const post = await request('POST', '/metrics');
    expect(post.code).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect((await request('GET', '/')).code).toBe(404);
    expect((await request('GET', '/status/')).code).toBe(404);
    expect((await request('GET', '/healthz', { 'x-big': 'a'.repeat(20_000) })).code).toBe(431);
  });

  it.runIf(HAVE_PROMTOOL)('passes promtool check metrics', async () => {
    const { code, output } = promtoolCheckMetrics((await request('GET', '/metrics')).body);
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it.runIf(HAVE_PROMETHEUS)(
    'is scraped by a real Prometheus, which then knows each device and whether it is ready',
    async () => {
      const prometheus = await startPrometheus({
        host: `127.0.73.${randomInt(10, 250)}`,
        target: `${server.host}:${server.port}`,
        scrapeIntervalMs: 200,
      });
      try {
        const result = await prometheus.until('tscm_device_ready', (r) => r.length === 2);
        const ready = Object.fromEntries(result.map((s) => [s.metric.device, s.value[1]]));
        expect(ready).toEqual({ 'edge-01': '1', 'edge "02"': '0' });
        expect(result[0]!.metric.job).toBe('tscm');
      } finally {
        await prometheus.stop();
      }
    },
    60_000, // Prometheus' start (up to 20 s on a loaded machine) and the scrape (up to 20 s): bounds, not waits
  );
});

describe('parseListen and listening', () => {
  it.each([
    ['127.0.0.1:9469', { host: '127.0.0.1', port: 9469 }],
    ['[::1]:0', { host: '::1', port: 0 }],
    [':9469', { host: '::', port: 9469 }],
    ['localhost:80', { host: 'localhost', port: 80 }],
  ])('%s', (text, expected) => expect(parseListen(text)).toEqual(expected));

  it.each(['9469', '127.0.0.1', '127.0.0.1:99999', '::1:80', 'a b:1'])('refuses %s', (text) => {
    expect(() => parseListen(text)).toThrow(ConfigError);
  });

  it('a taken address is an error naming it and the flag', async () => {
    const again = startStatusServer({ host: server.host, port: server.port, status, metrics });
    await expect(again).rejects.toThrow(ConfigError);
    await expect(again).rejects.toThrow(`${server.host}:${server.port}`);
  });
});

warnMissing('promtool');
warnMissing('prometheus');
