// What a short command loads and runs, through the built CLI (scripts/build-cli.mjs): `--version` reads no
// CommonJS bundle and runs neither commander nor yaml, and `validate` of one device reads the validate bundle and
// runs yaml, the config loader and the device and settings validators: never commander, ajv's compiler or the
// SSH, git, HTTP and metrics stacks. And the code cache (src/cli/startup-loader.ts): used when it fits, made again
// when missing, stale or rejected, never an error when it cannot be written. Start-up time is bench/startup.mjs's
// business; this pins the behaviour that keeps it short.
//
// V8's coverage (NODE_V8_COVERAGE) names every script a run compiled, and every bundled module wrapper that ran:
// esbuild wraps each lazily run module in a function named by its path (`"node_modules/yaml/dist/index.js"()`).

import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeviceWithState } from '../helpers/fast-path.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let dir: string;
let defs: string;

/**
 * A copy of the built CLI (dist/cli, times kept, so its code cache still fits) in a folder of its own beside the
 * repository's package.json, schemas and node_modules: the runs here may rewrite its cache, never the suite's.
 */
async function copyOfCli(): Promise<{ main: string; bundle: string; cache: string }> {
  const root = await mkdtemp(path.join(dir, 'install-'));
  await mkdir(path.join(root, 'dist'));
  await cp(path.join(ROOT, 'dist', 'cli'), path.join(root, 'dist', 'cli'), {
    recursive: true,
    preserveTimestamps: true,
  });
  await cp(path.join(ROOT, 'package.json'), path.join(root, 'package.json'));
  await symlink(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
  await symlink(path.join(ROOT, 'schemas'), path.join(root, 'schemas'));
  const cli = path.join(root, 'dist', 'cli');
  return {
    main: path.join(cli, 'main.js'),
    bundle: path.join(cli, 'tscm-validate.cjs'),
    cache: path.join(cli, 'tscm-validate.cjs.v8-cache'),
  };
}
let CLI: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tscm-startup-'));
  defs = path.join(dir, 'defs');
  await mkdir(defs);
  CLI = (await copyOfCli()).main;
  await writeFile(
    path.join(defs, 'tscm.yaml'),
    'policyServer: { host: 192.0.2.53, port: 53 }\ndefaults:\n  credentials: { username: { env: U }, password: { env: P } }\n',
  );
  await writeFile(
    path.join(defs, 'edge.yaml'),
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

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Script files compiled (relative to the repository, or to the copy of dist/cli the run used). */
  readonly files: string[];
  /** The bundled modules (their paths as esbuild names them) whose code ran. */
  readonly modules: string[];
}

interface Coverage {
  result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[];
}

/** Runs the CLI at `cli` with V8 coverage on; returns its output, the script files it compiled and the modules run. */
async function traced(args: string[], cli = CLI): Promise<Run> {
  const base = path.dirname(path.dirname(path.dirname(cli)));
  const cov = await mkdtemp(path.join(dir, 'cov-'));
  const r = spawnSync(process.execPath, [cli, ...args], {
    env: { ...process.env, NODE_V8_COVERAGE: cov, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  const files = new Set<string>();
  const modules = new Set<string>();
  for (const f of await readdir(cov)) {
    const { result } = JSON.parse(await readFile(path.join(cov, f), 'utf8')) as Coverage;
    for (const script of result) {
      const file = script.url.startsWith('file:') ? fileURLToPath(script.url) : script.url;
      if (!path.isAbsolute(file)) continue;
      files.add(path.relative(base, file));
      for (const fn of script.functions) {
        if (/^(src|node_modules|dist)\//.test(fn.functionName) && fn.ranges[0]!.count > 0) modules.add(fn.functionName);
      }
    }
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, files: [...files], modules: [...modules] };
}

/** The dependencies a short command must not load: SSH, git, HTTP, metrics, scheduling, watching, DNS messages. */
const HEAVY = ['ssh2', 'simple-git', 'undici', 'prom-client', 'croner', 'chokidar', 'dns-packet', 'diff'];

/** The package's code that ran: its files loaded from node_modules, or its modules run inside the bundle. */
const ranPackage = (run: Run, pkg: string) =>
  [...run.files, ...run.modules].filter((f) => f.startsWith(`node_modules/${pkg}/`));

describe('start-up loading', () => {
  it('--version reads no bundle, nor commander, yaml or ajv', async () => {
    const run = await traced(['--version']);
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(run.stdout).toBe(`${pkg.version}\n`);
    expect(run.files).toContain('dist/cli/main.js');
    expect(run.files.filter((f) => f.endsWith('.cjs'))).toEqual([]);
    for (const name of ['commander', 'yaml', 'ajv', 'ajv-formats']) expect(ranPackage(run, name)).toEqual([]);
  });

  it('--help runs commander (the checks here can see it) and not yaml', async () => {
    const run = await traced(['--help']);
    expect(run.status).toBe(0);
    // The program's cached scripts, not the validate bundle.
    expect(run.files).toContain('dist/cli/tscm-program.cjs');
    expect(run.files).not.toContain('dist/cli/tscm-validate.cjs');
    expect(ranPackage(run, 'commander')).not.toEqual([]);
    expect(ranPackage(run, 'yaml')).toEqual([]);
  });

  it('validate of one device runs yaml and the device and settings validators, not commander nor the heavy stacks', async () => {
    const run = await traced(['validate', '--dir', defs]);
    expect(run.stdout).toBe('1 device definition(s) valid.\n');
    // Its bundle at this install's path (not the path of the folder the cache was made in).
    expect(run.files).toContain('dist/cli/tscm-validate.cjs');
    expect(ranPackage(run, 'yaml')).not.toEqual([]);
    expect(ranPackage(run, 'commander')).toEqual([]);
    expect(run.modules.filter((m) => m.startsWith('src/cli/program'))).toEqual([]);
    // The device and settings validators run from inside the bundle (its code cache holds them): no file of theirs
    // is read, and no other schema's validator runs.
    expect(run.files.filter((f) => f.includes('schema-validators/'))).toEqual([]);
    const validators = run.modules.filter((m) => m.includes('schema-validators/')).map((m) => path.basename(m));
    expect(validators.sort()).toEqual(['device.cjs', 'settings.cjs']);
    // ajv's run-time helpers are what the pre-compiled validators use; its compiler is for explaining a failure.
    expect(ranPackage(run, 'ajv')).not.toContain('node_modules/ajv/dist/2020.js');
    for (const name of HEAVY) expect(ranPackage(run, name)).toEqual([]);
    // A driver's code is not even in the bundle (validate never connects): only the platforms' data is.
    const bundle = await readFile(path.join(path.dirname(CLI), 'tscm-validate.cjs'), 'latin1');
    expect(bundle).toMatch(/\bIOS_PLATFORM\b/);
    expect(bundle).not.toMatch(/function createIosDriver\(/);
  });
});

describe('commands with a bundle of their own', () => {
  it('policy DEVICE --cidrs runs its own bundle, not commander nor the heavy stacks', async () => {
    const listDefs = path.join(dir, 'list-defs');
    await listDeviceWithState(listDefs);
    const run = await traced(['policy', 'edge-01', '--cidrs', '--dir', listDefs]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('198.51.100.0/24\n203.0.113.7\n');
    expect(run.files).toContain('dist/cli/tscm-policy.cjs');
    expect(run.files.filter((f) => /tscm-(program|validate|validator-)|chunk-/.test(f))).toEqual([]);
    expect(ranPackage(run, 'yaml')).not.toEqual([]);
    expect(ranPackage(run, 'commander')).toEqual([]);
    expect(run.files.filter((f) => f.includes('node_modules/') || f.includes('schema-validators/'))).toEqual([]);
    for (const name of HEAVY) expect(ranPackage(run, name)).toEqual([]);
  });

  it('plan runs its own bundle (with the state file validator in it), not commander nor the program chunks', async () => {
    const planDefs = path.join(dir, 'plan-own-defs');
    await listDeviceWithState(planDefs);
    const run = await traced(['plan', '--refresh', 'false', '--dir', planDefs]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/\nPlan: 1 to add, 0 to remove, 0 groups to create, 0 to delete\.\n$/);
    expect(run.files).toContain('dist/cli/tscm-plan.cjs');
    expect(run.files.filter((f) => /tscm-(program|validate|validator-)|chunk-/.test(f))).toEqual([]);
    expect(ranPackage(run, 'commander')).toEqual([]);
    expect(run.files.filter((f) => f.includes('node_modules/') || f.includes('schema-validators/'))).toEqual([]);
  });
});

/** Node's internal modules that `node CLI args` loaded, by a preload that writes process.moduleLoadList at exit. */
async function internalModules(args: string[], entry = CLI): Promise<string[]> {
  const preload = path.join(dir, 'module-list.cjs');
  const list = path.join(dir, `modules-${[path.basename(entry), ...args].join('-').replace(/\W/g, '_')}.txt`);
  await writeFile(
    preload,
    "process.on('exit', () => require('node:fs').writeFileSync(process.env.TSCM_TEST_LIST, process.moduleLoadList.join('\\n')));\n",
  );
  const r = spawnSync(process.execPath, ['--require', preload, entry, ...args], {
    env: { ...process.env, TSCM_TEST_LIST: list, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  return (await readFile(list, 'utf8')).split('\n');
}

describe('the commander program', () => {
  it('runs the device and settings validators from their cached scripts, not from schema-validators/', async () => {
    // A repeated --no-color is commander's to read: this validate goes through the program and its chunks.
    const run = await traced(['validate', '--dir', defs, '--no-color', '--no-color']);
    expect(run.stdout).toBe('1 device definition(s) valid.\n');
    expect(run.files).toContain('dist/cli/tscm-program.cjs');
    expect(run.files.filter((f) => /^dist\/cli\/chunk-\w+\.cjs$/.test(f))).not.toEqual([]);
    expect(run.files.filter((f) => f.endsWith('.mjs'))).toEqual([]);
    expect(run.files.filter((f) => f.includes('tscm-validator-')).sort()).toEqual([
      'dist/cli/tscm-validator-device.cjs',
      'dist/cli/tscm-validator-settings.cjs',
    ]);
    expect(run.files.filter((f) => f.includes('schema-validators/'))).toEqual([]);
    // ajv's run-time helpers and ajv-formats' formats are bundled into them: nothing is read from node_modules.
    expect(run.files.filter((f) => f.includes('node_modules/'))).toEqual([]);
  });

  it('a plan of a device with state checks the state file with the cached validator script', async () => {
    const planDefs = path.join(dir, 'plan-defs');
    await listDeviceWithState(planDefs);
    // Through commander (a repeated --no-color): a plain plan runs its own bundle.
    const run = await traced(['plan', 'edge-01', '--refresh', 'false', '--dir', planDefs, '--no-color', '--no-color']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/\nPlan: 1 to add, 0 to remove, 0 groups to create, 0 to delete\.\n$/);
    expect(run.files).toContain('dist/cli/tscm-validator-state.cjs');
    expect(run.files.filter((f) => f.includes('schema-validators/'))).toEqual([]);
  });
});

describe('the entry is CommonJS', () => {
  // Node sets up its ES module loader (resolve, load, translators, module jobs) for an ES module entry only.
  const ESM_JOB = 'NativeModule internal/modules/esm/module_job';

  it('no command sets up the ES module loader: --version, validate, or the commander program and its chunks', async () => {
    expect(await internalModules(['--version'])).not.toContain(ESM_JOB);
    expect(await internalModules(['validate', '--dir', defs])).not.toContain(ESM_JOB);
    expect(await internalModules(['--help'])).not.toContain(ESM_JOB);
    expect(await internalModules(['policy', '--dir', defs, '--help'])).not.toContain(ESM_JOB);
  });

  it('the check above can see the loader: an ES module entry sets it up', async () => {
    const entry = path.join(dir, 'empty.mjs');
    await writeFile(entry, '');
    expect(await internalModules([], entry)).toContain(ESM_JOB);
  });
});

describe('the code cache', () => {
  const validate = (main: string) => traced(['validate', '--dir', defs], main);
  const expectValid = (run: Run) => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('1 device definition(s) valid.\n');
  };
  const leftovers = async (cache: string) =>
    (await readdir(path.dirname(cache))).filter((f) => f.startsWith(path.basename(cache)) && f.endsWith('.tmp'));

  it('the build made one that fits: a run uses it and leaves it as it is', async () => {
    const cache = path.join(ROOT, 'dist', 'cli', 'tscm-validate.cjs.v8-cache');
    const before = await readFile(cache);
    const { mtimeMs } = await stat(cache);
    expectValid(await validate(path.join(ROOT, 'dist', 'cli', 'main.js')));
    expect((await readFile(cache)).equals(before)).toBe(true);
    expect((await stat(cache)).mtimeMs).toBe(mtimeMs);
  });

  it('a copy (an install) makes its own once, then uses it', async () => {
    const { main, cache } = await copyOfCli();
    const built = await readFile(cache);
    expectValid(await validate(main));
    const made = await readFile(cache);
    expect(made.equals(built)).toBe(false);
    expect(made.includes(Buffer.from(path.join(path.dirname(main), 'tscm-validate.cjs')))).toBe(true);
    const { mtimeMs } = await stat(cache);
    expectValid(await validate(main));
    expect((await stat(cache)).mtimeMs).toBe(mtimeMs);
  });

  it('is made again when missing, when the bundle changed since, and when V8 rejects it', async () => {
    const { main, bundle, cache } = await copyOfCli();

    await rm(cache);
    expectValid(await validate(main));
    const made = await readFile(cache);
    expect(made.length).toBeGreaterThan(1000);

    // Another bundle in place (here: the same code under another id): the cache is not its, so V8 never sees it.
    const code = await readFile(bundle, 'latin1');
    await writeFile(
      bundle,
      code.replace(/^\/\/ tscm-bundle [0-9a-f]{64}/, `// tscm-bundle ${'0'.repeat(64)}`),
      'latin1',
    );
    expectValid(await validate(main));
    const restamped = await readFile(cache);
    expect(restamped.subarray(0, 64).toString('latin1')).toBe('0'.repeat(64));
    expect(made.subarray(0, 64).toString('latin1')).toBe(/^\/\/ tscm-bundle ([0-9a-f]{64})/.exec(code)![1]);

    // The right stamp on data V8 cannot use (another Node, damaged): rejected, then made again.
    const stamp = 64 + Buffer.byteLength(bundle) + 1; // id, path, NUL
    expect(restamped.subarray(64, stamp).toString()).toBe(`${bundle}\0`);
    await writeFile(cache, Buffer.concat([restamped.subarray(0, stamp), Buffer.alloc(4096, 7)]));
    expectValid(await validate(main));
    const remade = await readFile(cache);
    expect(remade.subarray(0, stamp).equals(restamped.subarray(0, stamp))).toBe(true);
    expect(remade.length).toBeGreaterThan(1000);
    expect(remade.subarray(stamp, stamp + 4096).equals(Buffer.alloc(4096, 7))).toBe(false);
    expect(await leftovers(cache)).toEqual([]);
  });

  it('a cache that cannot be written is no error: every command still runs, and nothing is left behind', async () => {
    const { main, cache } = await copyOfCli();
    await rm(cache);
    await mkdir(cache); // the rename onto it fails, whoever runs the test (root ignores a read-only folder)
    expectValid(await validate(main));
    const help = await traced(['--help'], main);
    expect(help.status).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toMatch(/^Usage: tscm /);
    expect(await leftovers(cache)).toEqual([]);
  });
});
