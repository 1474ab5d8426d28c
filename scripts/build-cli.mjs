// Build step: bundles the CLI for a short start. Node 20 has no compile cache: resolving, reading and compiling
// each module file was most of a short command's start-up (`tscm validate` of one device: ~2.6x `node -e 0` from
// tsc's ~150 files, ~2.0x bundled as ES module chunks). So:
// - dist/cli/main.js: main.ts and what it imports (the `--version` and `validate` paths), one CommonJS file;
//   dist/cli/package.json makes the folder a CommonJS scope, so Node never sets up its ES module loader for a
//   command main.ts answers (~15 ms of `--version`, ~10 ms of `validate`).
// - dist/cli/tscm-program.cjs and chunk-*.cjs beside it: program.ts (commander, every command), which main.js runs
//   for any other command line. esbuild splits it as ES modules (every command a chunk of its own, loaded when that
//   command runs, as the dynamic imports in program.ts say; shared modules in shared chunks, each run once), then
//   each chunk becomes a CommonJS script run with V8's code cache like the validate bundle, its imports of other
//   chunks required through the same loader (startup-loader.ts): as ES modules they were compiled anew on every
//   run (~55 ms of `policy --cidrs`'s start). yaml and commander are bundled; the other dependencies stay external
//   (ssh2 has a native part; the rest load with the command that needs them).
// - dist/cli/tscm-validate.cjs: a plain `validate` (src/cli/startup-entry.ts and everything it imports, with yaml
//   and the device and settings validators) as one CommonJS file, which main.ts runs through vm.Script with V8's
//   code cache (src/cli/startup-loader.ts): CommonJS because only a classic script takes cached data on Node 20.
//   A program of its own, never loaded beside the chunks. Its code cache (tscm-validate.cjs.v8-cache) is made here
//   by a warm run, so it holds the functions that run compiled, not only the top level; a run that finds it missing
//   or rejected makes it again. (The whole CLI as one such bundle was tried: its 1.6 MB and 0.6 MB cache made
//   `--help` ~50 ms slower than these chunks.)
// - dist/cli/tscm-policy.cjs: a plain `policy DEVICE --cidrs` (src/cli/startup-policy-entry.ts), one CommonJS file
//   run the same way: a script's feed, compared with FireHOL iprange's whole-process time, which loading commander
//   and the program's ~20 chunks made ~7 ms longer. Its zone path (fleet, resolver, state backend) is in it too,
//   compiled only when a device's lists are zones.
// - dist/cli/tscm-plan.cjs: a plain `plan` (src/cli/startup-plan-entry.ts) the same way, with the drivers (compiled
//   only when a plan reads the devices) and the state file's validator: the hourly plan's fixed cost, where commander,
//   the program and ~35 chunks were ~10 ms of CPU.
// - dist/cli/tscm-validator-{device,settings,state}.cjs: the program's copies of those two validators and the state
//   file's (read by every plan and apply of a device with state), run the same way (with their own code caches)
//   instead of compiling schema-validators/*.cjs on every policy, plan or apply.
// Each script's code cache (NAME.v8-cache) is made by the build's warm runs below, or by the first run that loads it.
// All sit at the same depth as the modules of dist/ (dist/cli/), so paths found from import.meta.url
// (../../package.json, ../../schemas/) hold; the pre-compiled validators are written beside them. tsc's dist/
// stays as it is for the benchmarks and library use, except dist/cli/: the bundles replace tsc's modules there
// (in a CommonJS scope they could not load), and only views/ is kept, an ES module scope of its own, for
// bench/plan.mjs.
//
//   node scripts/build-cli.mjs      (after tsc: npm run build)

import { build, transform } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'cli');
const BUNDLED = new Set(['yaml', 'commander']);
const deps = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies);

// tsc's modules of dist/cli (but views/), and an earlier build's bundles, chunks (content-hashed names) and code
// caches.
for (const f of readdirSync(outDir)) {
  const path = join(outDir, f);
  if (statSync(path).isDirectory() ? f !== 'views' : /\.(c|m)?js(\.map|\.v8-cache.*)?$/.test(f)) {
    rmSync(path, { recursive: true, force: true });
  }
}
writeFileSync(join(outDir, 'package.json'), '{ "type": "commonjs" }\n');
writeFileSync(join(outDir, 'views', 'package.json'), '{ "type": "module" }\n');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  tsconfig: join(root, 'tsconfig.build.json'),
  allowOverwrite: true,
  logLevel: 'warning',
};

// The validators the validate bundle carries inside it (compiled with it, so its code cache holds them too).
const BUNDLED_VALIDATORS = ['device', 'settings'];
// The program's cached validator scripts: those two, and the state file's.
const PROGRAM_VALIDATORS = [...BUNDLED_VALIDATORS, 'state'];

/**
 * What a bundle of its own (validate, policy --cidrs, plan) takes in or leaves out, beside the modules' own imports:
 * - the pre-compiled validators named in `validators`, with the ajv run-time helpers they require: bundled, where
 *   src/schema-validators.ts would read them from files at run time (resolved, read and compiled on every run);
 * - with `drivers: false`, a driver's code (platform.ts loads it for a connect, which validate and policy never
 *   do): a stub that throws.
 */
function ownBundle({ validators, drivers }) {
  return {
    name: 'tscm-own-bundle',
    setup(b) {
      if (!drivers) {
        b.onResolve({ filter: /^\.\/index\.js$/ }, (a) =>
          a.kind === 'dynamic-import' && /[\\/]src[\\/]drivers[\\/][\w-]+[\\/]platform\.ts$/.test(a.importer)
            ? { path: a.importer, namespace: 'tscm-no-driver' }
            : undefined,
        );
        b.onLoad({ filter: /./, namespace: 'tscm-no-driver' }, () => ({
          contents: "throw new Error('this bundle holds no driver: connect through the tscm program');",
          loader: 'js',
        }));
      }
      replaceValidators(b, [
        'const BUNDLED = {',
        ...validators.map(
          (n) => `  ${n}: () => require(${JSON.stringify(join(outDir, 'schema-validators', `${n}.cjs`))}).validate,`,
        ),
        '};',
        'export const precompiledValidator = (name) => (BUNDLED[name] ?? fromFile)(name);',
      ]);
    },
  };
}

/**
 * Makes every import of src/schema-validators.ts a module of the same exports whose precompiledValidator is
 * `lines`; they may call the original one as `fromFile`.
 */
function replaceValidators(b, lines) {
  b.onResolve({ filter: /[\\/]schema-validators\.js$/ }, () => ({
    path: 'schema-validators',
    namespace: 'tscm-validators',
  }));
  b.onLoad({ filter: /./, namespace: 'tscm-validators' }, () => ({
    resolveDir: root,
    loader: 'js',
    contents: [
      "import { precompiledValidator as fromFile } from './src/schema-validators.ts';",
      "export { loadAjv2020 } from './src/schema-validators.ts';",
      ...lines,
    ].join('\n'),
  }));
}

/**
 * The same two validators and the state file's for the commander program (ES modules, which Node 20 compiles anew
 * on every run): each a CommonJS file of its own (tscm-validator-NAME.cjs) run with V8's code cache like the
 * validate bundle, where src/schema-validators.ts would compile schema-validators/NAME.cjs on every run (~10 ms of a
 * policy or plan).
 */
const cachedValidators = {
  name: 'tscm-cached-validators',
  setup(b) {
    replaceValidators(b, [
      "import { fileURLToPath } from 'node:url';",
      "import { runCachedBundle } from './src/cli/startup-loader.ts';",
      `const CACHED = ${JSON.stringify(PROGRAM_VALIDATORS)};`,
      'const loaded = new Map();',
      'export function precompiledValidator(name) {',
      '  if (!CACHED.includes(name)) return fromFile(name);',
      '  if (!loaded.has(name)) {',
      '    let validator;',
      '    try {',
      '      const file = fileURLToPath(new URL(`./tscm-validator-${name}.cjs`, import.meta.url));',
      '      validator = runCachedBundle(file).validate;',
      '    } catch {',
      '      validator = fromFile(name);', // as src/schema-validators.ts: a missing file is no error
      '    }',
      '    loaded.set(name, validator);',
      '  }',
      '  return loaded.get(name);',
      '}',
    ]);
  },
};

/**
 * `code` as src/cli/startup-loader.ts runs it: ASCII (read as latin1 into a one-byte string), strict, the module
 * wrapper (a function expression) around it, and its id (content hash) on the first line.
 */
function cachedScript(code) {
  const body =
    "(function (exports, require, module, __filename, __dirname) {'use strict';" +
    code.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) +
    '\n})';
  return `// tscm-bundle ${createHash('sha256').update(body).digest('hex')}\n${body}`;
}

/**
 * One CommonJS bundle of `entry` and everything it imports, ASCII, its id (content hash) on its first line, then
 * the module wrapper (a function expression: src/cli/startup-loader.ts compiles the file as it is, with no copy).
 */
async function bundleCli(entry, outfile, own = { validators: BUNDLED_VALIDATORS, drivers: false }) {
  await build({
    ...common,
    entryPoints: [join(root, 'src', 'cli', entry)],
    outfile,
    format: 'cjs',
    // import() of an external package (simple-git) becomes require(): a vm.Script run from cached data has no
    // dynamic import callback on Node 20 ('A dynamic import callback was not specified').
    supported: { 'dynamic-import': false },
    plugins: [ownBundle(own)],
    // A smaller file to read and hold (~40% less); names are kept, so stack traces still name the functions.
    minifyWhitespace: true,
    minifySyntax: true,
    // ajv's and ajv-formats' run-time files come with the validators (ajv itself, to explain a failure, is loaded
    // through createRequire, which esbuild leaves alone).
    external: deps.filter((d) => !BUNDLED.has(d) && d !== 'ajv' && d !== 'ajv-formats').flatMap((d) => [d, `${d}/*`]),
    // A CommonJS file has no import.meta: its URL is the bundle's own (same folder as the modules it replaces).
    define: { 'import.meta.url': '__tscmModuleUrl' },
    banner: { js: "var __tscmModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  // esbuild escapes non-ASCII characters in strings and regular expressions (charset ascii, its default) but keeps
  // the comments it preserves as they are (a '§' in a doc comment): cachedScript escapes those too.
  writeFileSync(outfile, cachedScript(readFileSync(outfile, 'utf8')));
}

execFileSync(process.execPath, [join(root, 'scripts', 'build-validators.mjs'), join(outDir, 'schema-validators')], {
  stdio: 'inherit',
});
// Each with the ajv run-time helpers it requires (ucs2length, equal, ajv-formats' formats) bundled in, as the
// validate bundle has them: required from node_modules they were resolved, read and compiled anew on every run
// (~2 ms of a policy or plan).
for (const name of PROGRAM_VALIDATORS) {
  const { outputFiles } = await build({
    ...common,
    entryPoints: [join(outDir, 'schema-validators', `${name}.cjs`)],
    format: 'cjs',
    write: false,
    outfile: join(outDir, `tscm-validator-${name}.cjs`),
    minifyWhitespace: true,
    minifySyntax: true,
  });
  writeFileSync(join(outDir, `tscm-validator-${name}.cjs`), cachedScript(outputFiles[0].text));
}

await bundleCli('startup-entry.ts', join(outDir, 'tscm-validate.cjs'));
// `policy DEVICE --cidrs` the same way (it never connects either).
await bundleCli('startup-policy-entry.ts', join(outDir, 'tscm-policy.cjs'));
// `plan` the same way, with the drivers (a plan reads the devices) and the state file's validator.
await bundleCli('startup-plan-entry.ts', join(outDir, 'tscm-plan.cjs'), {
  validators: PROGRAM_VALIDATORS,
  drivers: true,
});

// The commander program: built as ES module chunks (esbuild splits only ES modules: every command a chunk of its
// own, the modules they share in shared chunks, each loaded once), then each chunk turned into a CommonJS cached
// script (tscm-program.cjs, chunk-HASH.cjs) that startup-loader.ts runs with its code cache, requiring the chunks it
// imports through the same loader: Node 20 compiled the ES module chunks anew on every run.
const esmDir = mkdtempSync(join(tmpdir(), 'tscm-esm-'));
try {
  await build({
    ...common,
    entryPoints: { 'tscm-program': join(root, 'src', 'cli', 'program.ts') },
    outdir: esmDir,
    outExtension: { '.js': '.cjs' }, // the names the chunks import each other by: the CommonJS scripts' names
    plugins: [cachedValidators],
    splitting: true,
    format: 'esm',
    chunkNames: 'chunk-[hash]',
    external: deps.filter((d) => !BUNDLED.has(d)).flatMap((d) => [d, `${d}/*`]),
  });
  for (const f of readdirSync(esmDir)) {
    const { code } = await transform(readFileSync(join(esmDir, f), 'utf8'), {
      format: 'cjs',
      target: 'node20',
      platform: 'node',
      // import() of a chunk or an external package becomes require(): a vm.Script run from cached data has no
      // dynamic import callback on Node 20.
      supported: { 'dynamic-import': false },
      minifyWhitespace: true,
      minifySyntax: true,
      define: { 'import.meta.url': '__tscmModuleUrl' },
      banner: "var __tscmModuleUrl = require('node:url').pathToFileURL(__filename).href;",
      logLevel: 'warning',
    });
    writeFileSync(join(outDir, f), cachedScript(code));
  }
} finally {
  rmSync(esmDir, { recursive: true, force: true });
}

await build({
  ...common,
  entryPoints: [join(root, 'src', 'cli', 'main.ts')],
  outfile: join(outDir, 'main.js'),
  format: 'cjs',
  external: deps.filter((d) => !BUNDLED.has(d)).flatMap((d) => [d, `${d}/*`]),
  // Strict, as the ES module it is built from (esbuild's own "use strict" comes after the banner).
  define: { 'import.meta.url': '__tscmModuleUrl' },
  banner: { js: "'use strict'; var __tscmModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// The warm runs that write the code caches, each cache made by the first run that loads its script: `plan` of one
// device with a file list (no network: --refresh false, no state yet), `policy DEVICE --cidrs` (a script's feed)
// and `validate` of one device (a CI job's command), each plain (its own bundle), then each through commander.
// A chunk shared by several commands is cached with what the first of them ran, so the ones start-up matters most
// for come first.
const sample = mkdtempSync(join(tmpdir(), 'tscm-build-'));
try {
  writeFileSync(
    join(sample, 'tscm.yaml'),
    'policyServer: { host: 192.0.2.53 }\nstate: { backend: local, dir: .tscm }\n',
  );
  writeFileSync(join(sample, 'list.txt'), '192.0.2.0/24\n198.51.100.7\n');
  writeFileSync(
    join(sample, 'edge.yaml'),
    'name: edge-01\nplatform: ios\ndeviceId: tdid_edge01\nmanagement: { host: 192.0.2.10 }\n' +
      'credentials: { username: { env: U }, password: { env: P } }\n' +
      'hostKey: { fingerprint: "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8" }\n' +
      'policy: { blockList: { file: list.txt } }\n',
  );
  const warm = (args) =>
    execFileSync(process.execPath, [join(outDir, 'main.js'), ...args, '--dir', sample], {
      stdio: 'ignore',
      env: { ...process.env, U: 'build', P: 'build' },
    });
  // A repeated --no-color, which only commander reads, takes a command through the program and its chunks: apply
  // and the others share the chunks plan and policy run there.
  for (const args of [
    ['plan', '--refresh', 'false'],
    ['policy', 'edge-01', '--cidrs'],
    ['validate'],
    ['plan', '--refresh', 'false', '--no-color', '--no-color'],
    ['policy', 'edge-01', '--cidrs', '--no-color', '--no-color'],
    ['validate', '--no-color', '--no-color'],
  ]) {
    warm(args);
  }
  // Then the plan of a device with state (the hourly plan's path: the state file read and checked), the state
  // written through tsc's modules as an apply would leave it.
  const compiled = (module) => import(pathToFileURL(join(root, 'dist', module)).href);
  const { StateStore } = await compiled('state/index.js');
  const { prefixesFromStrings } = await compiled('cidr/index.js');
  const members = prefixesFromStrings(['192.0.2.0/24']);
  await new StateStore(join(sample, '.tscm')).write('edge-01', {
    inventory: { groups: [{ name: 'threatstop-block', role: 'block', created: true, members }] },
    zones: [],
    lastApply: null,
  });
  warm(['plan', '--refresh', 'false']);
  warm(['plan', '--refresh', 'false', '--no-color', '--no-color']);
} finally {
  rmSync(sample, { recursive: true, force: true });
}
