// What a short command loads, through the built CLI (the bundle of scripts/build-cli.mjs): `--version` loads
// neither commander nor yaml nor ajv, and `validate` of one device loads the device and settings validators only,
// never ajv's compiler or the SSH, git, HTTP and metrics stacks. Start-up time is bench/startup.mjs's business; this
// pins the lazy loading that keeps it short, with the module files each run loaded (ESM through a load hook, CommonJS
// from require.cache).

import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// Loaded before the CLI: a load hook (on the hooks thread) appends every ES module URL to the trace file, and at
// exit the CommonJS modules in require.cache are appended too.
const PRELOAD = `import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
const trace = process.env.TSCM_TEST_TRACE;
register('data:text/javascript,' + encodeURIComponent(\`
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(\${JSON.stringify(trace)}, url + '\\\\n');
  return next(url, context);
}\`));
process.on('exit', () => {
  const cjs = Object.keys(createRequire(import.meta.url).cache).map((f) => 'file://' + f);
  appendFileSync(trace, cjs.join('\\n') + '\\n');
});
`;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tscm-startup-'));
  await writeFile(path.join(dir, 'preload.mjs'), PRELOAD);
  await writeFile(
    path.join(dir, 'tscm.yaml'),
    'policyServer: { host: 192.0.2.53, port: 53 }\ndefaults:\n  credentials: { username: { env: U }, password: { env: P } }\n',
  );
  await writeFile(
    path.join(dir, 'edge.yaml'),
    `name: edge-01
platform: ios
deviceId: tdid_edge01
management: { host: 192.0.2.10 }
hostKey: { fingerprint: "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8" }
policy: { blockList: block.example }
`,
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI; returns its stdout and the local files it loaded (paths relative to the repository). */
async function loadedBy(args: string[]): Promise<{ stdout: string; files: string[]; text: (f: string) => string }> {
  const trace = path.join(dir, `trace-${args[0]}.txt`);
  await writeFile(trace, '');
  const r = spawnSync(process.execPath, ['--import', path.join(dir, 'preload.mjs'), CLI, ...args], {
    env: { ...process.env, TSCM_TEST_TRACE: trace, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  const urls = (await readFile(trace, 'utf8')).split('\n').filter((u) => u.startsWith('file://'));
  const files = [...new Set(urls.map((u) => path.relative(ROOT, fileURLToPath(u))))];
  const contents = new Map(
    await Promise.all(files.map(async (f) => [f, await readFile(path.join(ROOT, f), 'utf8')] as const)),
  );
  return { stdout: r.stdout, files, text: (f) => contents.get(f) ?? '' };
}

/** The loaded files that are, or bundle, the package's code (esbuild marks each bundled file with a path comment). */
const withPackage = (run: Awaited<ReturnType<typeof loadedBy>>, pkg: string) =>
  run.files.filter((f) => f.startsWith(`node_modules/${pkg}/`) || run.text(f).includes(`// node_modules/${pkg}/`));

describe('start-up loading', () => {
  it('--version loads neither commander, yaml nor ajv', async () => {
    const run = await loadedBy(['--version']);
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(run.stdout).toBe(`${pkg.version}\n`);
    expect(run.files).toContain('dist/cli/main.js');
    for (const name of ['commander', 'yaml', 'ajv', 'ajv-formats']) expect(withPackage(run, name)).toEqual([]);
  });

  it('--help loads commander (the check above can see it)', async () => {
    const run = await loadedBy(['--help']);
    expect(withPackage(run, 'commander')).not.toEqual([]);
    expect(withPackage(run, 'yaml')).toEqual([]);
  });

  it('validate of one device loads the device and settings validators, not the others nor the heavy stacks', async () => {
    const run = await loadedBy(['validate', '--dir', dir]);
    expect(run.stdout).toBe('1 device definition(s) valid.\n');
    expect(withPackage(run, 'yaml')).not.toEqual([]);
    const validators = run.files.filter((f) => f.includes('schema-validators/')).map((f) => path.basename(f));
    expect(validators.sort()).toEqual(['device.cjs', 'settings.cjs']);
    // ajv's run-time helpers are what the pre-compiled validators use; its compiler is for explaining a failure.
    expect(
      run.files.filter((f) => f.startsWith('node_modules/ajv/')).map((f) => f.split('/').slice(2).join('/')),
    ).not.toContain('dist/2020.js');
    for (const name of ['ssh2', 'simple-git', 'undici', 'prom-client', 'croner', 'chokidar', 'dns-packet', 'diff']) {
      expect(withPackage(run, name)).toEqual([]);
    }
  });
});
