// The log format: chosen by flag or TSCM_LOG_FORMAT, else by whether stderr is a terminal; in JSON mode progress,
// notices and failure reports are JSON lines too (a log collector never meets a plain line).

import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { registerSecret } from '../config/secrets.js';
import { resolveLogFormat } from './logger.js';
import { createProgressReporter } from './progress.js';
import { notice, reportFailures } from './stderr-notice.js';

function capture(isTTY = false) {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  (out as { isTTY?: boolean }).isTTY = isTTY;
  return { out, text: () => chunks.join(''), write: (t: string) => void chunks.push(t) };
}

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('log format', () => {
  it('is what was asked for, else text on a terminal and JSON lines elsewhere', () => {
    expect(resolveLogFormat('text', false)).toBe('text');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat(undefined, true)).toBe('text');
    expect(resolveLogFormat(undefined, false)).toBe('json');
    expect(resolveLogFormat(undefined, undefined)).toBe('json');
  });

  it('JSON mode: apply progress is one JSON event per tenth, nothing else on the stream', () => {
    const c = capture(true);
    const progress = createProgressReporter(c.out, 'json');
    const endpoint = { host: '127.0.73.5', port: 22 };
    for (let done = 0; done <= 5000; done += 250) progress.update('edge-01', endpoint, { done, total: 5000 });
    progress.done();
    const events = jsonLines(c.text());
    expect(events.map((e) => e.percent)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(events[3]).toMatchObject({
      level: 'info',
      msg: 'apply progress',
      event: 'progress',
      device: 'edge-01',
      host: '127.0.73.5',
      done: 1500,
      total: 5000,
    });
  });

  it('text mode off a terminal: a plain line per tenth, as before', () => {
    const c = capture(false);
    const progress = createProgressReporter(c.out, 'text');
    for (let done = 0; done <= 2000; done += 1000)
      progress.update('edge-01', { host: 'h', port: 22 }, { done, total: 2000 });
    expect(c.text()).toBe(
      'applying edge-01 (h): 0/2000 changes (0%)\napplying edge-01 (h): 1000/2000 changes (50%)\napplying edge-01 (h): 2000/2000 changes (100%)\n',
    );
  });

  it('notices and failure reports: JSON lines with the fields, secrets redacted', () => {
    registerSecret('pw-log-format-test-secret');
    const c = capture();
    notice('json', '\nSIGTERM: stopping after the changes in flight...\n', 'warn', c.write);
    reportFailures(
      'json',
      [
        {
          device: 'edge-02',
          step: 'observe',
          error: Object.assign(new Error('login failed for pw-log-format-test-secret'), { hint: 'check the password' }),
        },
      ],
      c.write,
    );
    const lines = jsonLines(c.text());
    expect(lines).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'SIGTERM: stopping after the changes in flight...' }),
      expect.objectContaining({
        level: 'error',
        msg: 'device failed',
        device: 'edge-02',
        step: 'observe',
        hint: 'check the password',
      }),
      expect.objectContaining({ level: 'error', msg: 'devices failed', failed: 1 }),
    ]);
    expect(c.text()).not.toContain('pw-log-format-test-secret');
    const t = capture();
    reportFailures('text', [{ device: 'edge-02', step: 'observe', error: new Error('refused') }], t.write);
    expect(t.text()).toBe('Error: edge-02: observe failed: refused\n1 device(s) failed.\n');
  });
});
