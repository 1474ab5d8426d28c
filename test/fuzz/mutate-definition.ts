// A seeded generator of hostile device definitions for the fuzz test: starts from a valid definition, mutates its
// structure (values of the wrong type, odd names, huge numbers, deep nesting, secret and file references to
// /dev/zero, FIFOs and folders, unknown keys where secrets live), then sometimes its text (stray YAML
// characters, cut or doubled lines, control characters, broken UTF-8). Deterministic for a given seed.

import { stringify } from 'yaml';

/** A float in [0, 1): Rng.next of rng.ts, bound (the mutators only need the draw). */
export type Random = () => number;

export const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;

/** Canaries: values and keys that must never appear in any message (each kind names where it was planted). */
export const CANARY = {
  literal: 'canary-literal-7f3a',
  key: 'canarykey9b1c',
  env: 'canary-env-4d2e',
  file: 'canary-file-c0de',
  list: 'canary-list-51ab',
} as const;

/** Files the definitions may point at (absolute paths, made by the test). */
export interface FuzzAssets {
  readonly fifo: string;
  readonly folder: string;
  readonly secretFile: string;
  readonly listWithSecret: string;
  readonly goodList: string;
  readonly knownHosts: string;
}

const deep = (depth: number): unknown => {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { k: v };
  return v;
};

function scalarPool(assets: FuzzAssets): unknown[] {
  return [
    '',
    'a b',
    'x\ny',
    '\u001b[31mred',
    'tsb',
    'tsb-v6',
    'threatstop-block-v6',
    'hostname evil',
    'exit\nhostname pwned',
    'a'.repeat(61),
    'b'.repeat(62),
    'c'.repeat(64),
    'd'.repeat(65),
    'x'.repeat(5000),
    'é-ünïcode',
    '-lead',
    '.dot',
    'a;b',
    'a#b',
    '../../etc/passwd',
    '/dev/zero',
    assets.fifo,
    assets.folder,
    '0.0.0.0/0',
    '192.0.2.1',
    '2001:db8::/32',
    'host 203.0.113.5',
    '%s%n',
    '${HOME}',
    0,
    -1,
    1,
    22,
    65535,
    65536,
    2 ** 31,
    2 ** 53 + 2,
    1e308,
    1.5,
    -0,
    true,
    false,
    null,
  ];
}

function objectPool(assets: FuzzAssets): unknown[] {
  return [
    { env: 'FUZZ_SECRET' },
    { env: 'FUZZ_UNSET_VARIABLE' },
    { env: 'bad name' },
    { file: '/dev/zero' },
    { file: assets.fifo },
    { file: assets.folder },
    { file: assets.secretFile },
    { file: assets.listWithSecret },
    { file: assets.goodList },
    { file: '/proc/self/environ' },
    { file: 'relative/missing.txt' },
    { env: 'A', file: '/x' },
    {},
    { zzunknown: null },
    { zzunknown: 'x' },
    { host: '192.0.2.1' },
    { host: '192.0.2.1', port: 99999 },
    [],
    [1, 2],
    ['a', { b: 'c' }],
    deep(8),
    deep(70),
  ];
}

/** Paths worth aiming at, whether or not the seed has them. */
const TARGETS: readonly string[][] = [
  ['name'],
  ['platform'],
  ['deviceId'],
  ['management'],
  ['management', 'host'],
  ['management', 'port'],
  ['peers'],
  ['credentials'],
  ['credentials', 'username'],
  ['credentials', 'password'],
  ['credentials', 'enablePassword'],
  ['credentials', CANARY.key],
  ['logs', 'proxy', 'password', CANARY.key],
  ['hostKey'],
  ['hostKey', 'knownHosts'],
  ['hostKey', 'fingerprint'],
  ['policy', 'blockList'],
  ['policy', 'allowList'],
  ['policy', 'server'],
  ['objectGroups', 'block'],
  ['objectGroups', 'allow'],
  ['objectGroups', 'maxEntries'],
  ['objectGroups', 'nestedSize'],
  ['safety', 'maxRemoveShare'],
  ['logs', 'proxy'],
  ['logs', 'proxy', 'password'],
  ['advanced', 'passwordPrompt'],
  ['advanced', 'connectTimeoutMs'],
  ['zztoplevel'],
];

function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

function setPath(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node: Record<string, unknown> = root;
  for (const seg of path.slice(0, -1)) {
    const next = node[seg];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[seg] = {};
    node = node[seg] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function deletePath(root: Record<string, unknown>, path: readonly string[]): void {
  let node: unknown = root;
  for (const seg of path.slice(0, -1)) node = (node as Record<string, unknown> | undefined)?.[seg];
  if (typeof node === 'object' && node !== null) delete (node as Record<string, unknown>)[path[path.length - 1]!];
}

const pools = new WeakMap<FuzzAssets, { scalars: unknown[]; objects: unknown[] }>();

/** One to three structural changes: a value replaced, a key dropped, a group pair chosen to collide... */
export function mutateStructure(r: Random, doc: Record<string, unknown>, assets: FuzzAssets): void {
  let pool = pools.get(assets);
  if (pool === undefined) pools.set(assets, (pool = { scalars: scalarPool(assets), objects: objectPool(assets) }));
  const ops = 1 + Math.floor(r() * 3);
  for (let i = 0; i < ops; i++) {
    const paths = [...pathsOf(doc), ...TARGETS];
    const path = pick(r, paths);
    const roll = r();
    if (roll < 0.35) setPath(doc, path, pick(r, pool.scalars));
    else if (roll < 0.6) setPath(doc, path, structuredClone(pick(r, pool.objects)));
    else if (roll < 0.75) deletePath(doc, path);
    else if (roll < 0.85) {
      const base = pick(r, ['tsb', 'Block', 'x'.repeat(60), 'threatstop-block', 'a.b_c-d']);
      setPath(doc, ['objectGroups'], { block: base, allow: pick(r, [`${base}-v6`, base, `${base}-allow`, 'allow']) });
    } else if (roll < 0.92) {
      // Where secrets live: a literal value, or a key typed inside a reference (`password: { hunter2 }`).
      const where = pick(r, [
        ['credentials', 'password'],
        ['credentials', 'enablePassword'],
        ['logs', 'proxy', 'password'],
      ]);
      setPath(doc, where, pick(r, [CANARY.literal, { [CANARY.key]: null }, { env: 'X', [CANARY.key]: 1 }]));
    } else setPath(doc, path, pick(r, [[deep(3)], { a: { b: { c: deep(5) } } }, { zzunknown: 1 }]));
  }
}

const TOKENS = [
  '[',
  ']',
  '{',
  '}',
  ':',
  ': ',
  '- ',
  '\n',
  '\n  ',
  '"',
  "'",
  '&a ',
  '*a',
  '!!binary ',
  '!!set ',
  '!x ',
  '%YAML 1.1\n',
  '---\n',
  '...\n',
  '#',
  '\t',
  '\u0000',
  '\\',
  '|',
  '>',
  '? ',
  ',',
  '\ufeff',
  '\u2028',
  '\u001b',
  '<<: *a\n',
];

/** Text-level damage: stray YAML characters, cut, doubled or swapped lines, a deep prefix. */
export function mutateText(r: Random, text: string): string {
  const at = Math.floor(r() * (text.length + 1));
  const roll = r();
  if (roll < 0.4) return text.slice(0, at) + pick(r, TOKENS) + text.slice(at);
  if (roll < 0.55) return text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 20));
  const lines = text.split('\n');
  const i = Math.floor(r() * lines.length);
  const j = Math.floor(r() * lines.length);
  if (roll < 0.65) lines.splice(i, 0, lines[i] ?? '');
  else if (roll < 0.75) [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
  else if (roll < 0.8) return text.slice(0, at);
  else if (roll < 0.85) return `${'['.repeat(pick(r, [65, 1000, 2000]))}\n${text}`;
  else if (roll < 0.9) return `${text}\n---\n${text}`;
  else if (roll < 0.95) lines[i] = ' '.repeat(Math.floor(r() * 6)) + (lines[i] ?? '').trimStart();
  else return text.replace(/\n/g, '\r\n');
  return lines.join('\n');
}

const NAME_CHARS = 'abcxyzABCXYZ0129_.-';
const ODD_CHARS = [' ', '\t', '\n', '\r', '\u001b', ';', '#', '!', '"', "'", 'é', '\u00a0', '/', '\\', '|', '?'];

/** A group name near the rules' edges: lengths around 61-65, odd characters, the other group's twin. */
function groupName(r: Random, other: string | undefined): string {
  if (other !== undefined && r() < 0.2) return pick(r, [`${other}-v6`, other, other.toUpperCase(), `${other}-V6`]);
  const length = pick(r, [1, 2, 8, 30, 60, 61, 62, 63, 64, 65, 70]);
  let out = '';
  for (let i = 0; i < length; i++) out += pick(r, [...NAME_CHARS]);
  // A third get one odd character somewhere: a space, a newline, a control character, a non-ASCII letter.
  if (r() < 0.33) {
    const at = Math.floor(r() * (out.length + 1));
    out = out.slice(0, at) + pick(r, ODD_CHARS) + out.slice(at);
  }
  return r() < 0.2 ? `${out}-v6` : out;
}

/** A mutated definition: a seed with a unique name, changed in structure and often in text. */
export function mutateDefinition(r: Random, seed: Record<string, unknown>, name: string, assets: FuzzAssets): string {
  const doc = structuredClone(seed);
  doc['name'] = name;
  const roll = r();
  if (roll < 0.25) {
    // Only the group names: most of these stay valid, and then render.
    const block = groupName(r, undefined);
    doc['objectGroups'] = { block, allow: groupName(r, block) };
    return stringify(doc, { lineWidth: 0 });
  }
  if (roll < 0.9) mutateStructure(r, doc, assets);
  let text = stringify(doc, { lineWidth: 0 });
  if (r() < 0.45) {
    // Damaged text can move a key from under a secret reference to where keys are named: no canary key then.
    text = mutateText(r, text.replaceAll(CANARY.key, 'zzkey'));
    if (r() < 0.2) text = mutateText(r, text);
  }
  return text;
}
