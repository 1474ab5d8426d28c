// Build step: bundles the CLI (src/cli/main.ts and everything it imports, with yaml and commander) into
// dist/cli/main.js and chunks beside it, so a start loads a handful of files instead of ~150 (yaml alone is 73
// CommonJS files). Node 20 has no compile cache: resolving, reading and compiling each module file is most of a
// short command's start-up (`tscm validate` of one device: ~1.9x `node -e 0` bundled, ~2.6x not, CPU time).
// Code splitting keeps every command a chunk of its own, loaded when that command runs, as the dynamic imports in
// program.ts say. The other dependencies stay external (ssh2 has a native part; the rest load with the command that
// needs them). The chunks sit at the same depth as the modules of dist/ (dist/cli/), so paths found from
// import.meta.url (../../package.json, ../../schemas/) hold; the pre-compiled validators are written beside them.
// tsc's dist/ stays as it is for the benchmarks and library use; only dist/cli/main.js is replaced.
//
//   node scripts/build-cli.mjs      (after tsc: npm run build)

import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'cli');
const BUNDLED = new Set(['yaml', 'commander']);
const deps = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies);

// Chunks of an earlier build (their names are content hashes) and tsc's map of the replaced entry.
for (const f of readdirSync(outDir)) if (/^chunk-[\w-]+\.js$/.test(f)) rmSync(join(outDir, f));
rmSync(join(outDir, 'main.js.map'), { force: true });

await build({
  entryPoints: { main: join(root, 'src', 'cli', 'main.ts') },
  outdir: outDir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  tsconfig: join(root, 'tsconfig.build.json'),
  chunkNames: 'chunk-[hash]',
  allowOverwrite: true,
  logLevel: 'warning',
  external: deps.filter((d) => !BUNDLED.has(d)).flatMap((d) => [d, `${d}/*`]),
  // commander and yaml are CommonJS: their require() of Node's built-ins needs a require in an ES module.
  banner: {
    js: "import { createRequire as __tscmCreateRequire } from 'node:module'; const require = __tscmCreateRequire(import.meta.url);",
  },
});

execFileSync(process.execPath, [join(root, 'scripts', 'build-validators.mjs'), join(outDir, 'schema-validators')], {
  stdio: 'inherit',
});
