// "A restart loses nothing that was acknowledged", with a real crash: a child process runs the built store
// (dist/, built by the suite's global setup), reports when flush() resolved, and is killed with SIGKILL while it
// goes on appending. Every line it acknowledged is on disk; whatever else is there is whole lines, in order.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { openLogStore } from './log-store.js';
import { deviceLines, recordingLogger, tempDir } from './test-helpers.js';

const BUILT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../dist/logs/store/log-store.js');

it('keeps every line acknowledged by flush() when the process is killed with SIGKILL', async () => {
  const dir = await tempDir();
  const script = join(dir, 'child.mjs');
  await writeFile(
    script,
    `import { openLogStore } from ${JSON.stringify(pathToFileURL(BUILT).href)};
const log = { debug() {}, info() {}, warn() {}, error() {} };
const store = await openLogStore({ dir: process.argv[2], rotateBytesFor: () => 50 * 1024, rotateIntervalMs: 3600000,
  spoolMaxBytes: 1 << 30, log });
let i = 0;
for (; i < 20000; i++) store.append('fw' + (i % 3), Buffer.from('line ' + i));
await store.flush();
process.stdout.write('flushed ' + i + '\\n');
// Unacknowledged from here on: appends and writes go on until the kill.
setInterval(() => { for (let k = 0; k < 500; k++, i++) store.append('fw' + (i % 3), Buffer.from('line ' + i)); }, 1);
`,
  );
  const child = spawn(process.execPath, [script, join(dir, 'logs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const acked = await new Promise<number>((ok, fail) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /flushed (\d+)\n/.exec(out);
      if (m) ok(Number(m[1]));
    });
    child.on('exit', (code) => fail(new Error(`child exited ${code} before flushing`)));
  });
  await new Promise((r) => setTimeout(r, 30)); // let it write some more unacknowledged lines
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));

  // Recovery (compressing what the kill left mid-rotation) on reopen, then read everything back.
  const store = await openLogStore({
    dir: join(dir, 'logs'),
    rotateBytesFor: () => 50 * 1024,
    rotateIntervalMs: 3_600_000,
    spoolMaxBytes: 1 << 30,
    log: recordingLogger(),
  });
  await store.close();
  for (let d = 0; d < 3; d++) {
    const lines = await deviceLines(join(dir, 'logs'), `fw${d}`);
    // Whole lines, in order, none missing, none twice; only the very last may be a fragment (the kill can stop
    // a write part way; that line was never acknowledged).
    lines.forEach((l, k) => {
      const want = `line ${d + 3 * k}`;
      if (k < lines.length - 1) expect(l).toBe(want);
      else expect(want.startsWith(l)).toBe(true);
    });
    expect(lines.length).toBeGreaterThanOrEqual(Math.ceil((acked - d) / 3));
  }
});
