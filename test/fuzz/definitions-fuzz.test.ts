// Fuzz: 10,000 mutated device definitions (test/fuzz/mutate-definition.ts, seeded) through the real loader. No
// crash, no hang, every refusal a clean one-line message without a stack trace, "[object Object]", a secret or a
// file's content; the files a valid definition names (secrets, lists, known_hosts) are refused or read cleanly; and
// every definition that validates renders only group and member lines of the IOS grammar. The seed is fixed (set
// TSCM_FUZZ_SEED to explore others) and printed with any failure.

import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { isIPv4, isIPv6 } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefixesFromStrings } from '../../src/cidr/index.js';
import { formatDiagnostic, loadDefinitions, resolveSecret, sourcesOf } from '../../src/config/index.js';
import type { DeviceSpec, SecretRef } from '../../src/config/index.js';
import { renderGroupChanges } from '../../src/drivers/cisco-ios/render.js';
import { createHostKeyVerifier } from '../../src/drivers/shared/host-key.js';
import { ConfigError } from '../../src/errors.js';
import type { GroupChange } from '../../src/plan/model.js';
import { readCidrFile } from '../../src/policy/index.js';
import { CANARY, mutateDefinition, pick } from './mutate-definition.js';
import type { FuzzAssets } from './mutate-definition.js';
import { Rng } from './rng.js';

const SEED = Number(process.env['TSCM_FUZZ_SEED'] ?? 20261130);
const INPUTS = 10_000;
const BATCH = 200;
const EXAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/devices');

/** The valid starting points: every device of the shipped examples, and the shapes the tests use. */
function seeds(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const f of readdirSync(EXAMPLES).filter((n) => n.endsWith('.yaml') && n !== 'tscm.yaml')) {
    for (const part of readFileSync(path.join(EXAMPLES, f), 'utf8').split(/^---$/m)) {
      out.push(parse(part) as Record<string, unknown>);
    }
  }
  out.push({
    name: 'r1',
    platform: 'ios',
    deviceId: 'tdid_1',
    management: { host: '127.0.0.1', port: 2222 },
    hostKey: { fingerprint: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8' },
    credentials: { username: { env: 'FUZZ_SECRET' }, password: { env: 'FUZZ_SECRET' } },
    policy: { blockList: { file: 'lists/allow.txt' }, allowList: 'allow.example' },
    objectGroups: { block: 'tsb', allow: 'tsa', maxEntries: 20000 },
  });
  return out;
}

// Lines a definition may make the IOS driver send for its groups, and nothing else.
const NAME = '[A-Za-z0-9][A-Za-z0-9_.-]*';
const GROUP_LINE = new RegExp(`^(no )?object-group (network|v6-network) (${NAME})$`);
const MEMBER_LINE = /^ (no )?(host (\S+)|(\S+) (\S+)|(\S+)\/(\d{1,3}))$/;

function isMask(s: string): boolean {
  if (!isIPv4(s)) return false;
  const n = s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const inverted = 0xffffffff - n;
  return (inverted & (inverted + 1)) === 0;
}

/** Why a rendered line is outside the grammar, or undefined. IOS names (twins included) are 64 characters at most. */
function grammarProblem(line: string): string | undefined {
  if (line === 'exit') return undefined;
  const g = GROUP_LINE.exec(line);
  if (g) return g[3]!.length <= 64 ? undefined : 'group name over 64 characters';
  const m = MEMBER_LINE.exec(line);
  if (!m) return 'not a group or member line';
  if (m[3] !== undefined) return isIPv4(m[3]) || isIPv6(m[3]) ? undefined : 'bad host';
  if (m[4] !== undefined) return isIPv4(m[4]) && isMask(m[5]!) ? undefined : 'bad address and mask';
  return isIPv6(m[6]!) && Number(m[7]) <= 128 ? undefined : 'bad IPv6 prefix';
}

function changesFor(spec: DeviceSpec): GroupChange[] {
  const members = (s: string[]) => prefixesFromStrings(s);
  const change = (
    name: string,
    role: 'block' | 'allow',
    action: GroupChange['action'],
    add: string[],
    rm: string[],
  ) => ({
    name,
    role,
    action,
    add: members(add),
    remove: members(rm),
    unmanaged: 0,
    alreadyPresent: 0,
    before: 0,
    after: 0,
  });
  const { block, allow } = spec.objectGroups;
  return [
    change(block, 'block', 'create', ['192.0.2.1/32', '198.51.100.0/24', '2001:db8::1/128', '2001:db8:1::/48'], []),
    change(allow, 'allow', 'create', ['203.0.113.7/32', '2001:db8:2::/64'], []),
    change(block, 'block', 'update', ['10.0.0.0/8', '2001:db8:3::/56'], ['192.0.2.1/32', '2001:db8::1/128']),
    change(allow, 'allow', 'update', ['0.0.0.0/0'], ['203.0.113.7/32', '2001:db8:2::/64']),
    change(allow, 'allow', 'delete', [], ['0.0.0.0/0']),
  ];
}

/** Clean: one line of words, no stack, no "[object Object]", no canary. */
function messageProblem(text: string): string | undefined {
  if (/\n\s+at |Maximum call stack|\[object Object\]|undefined|NaN/.test(text)) return 'not a clean message';
  for (const [kind, value] of Object.entries(CANARY)) if (text.includes(value)) return `echoes a ${kind} canary`;
  return undefined;
}

describe(`definitions fuzz (seed ${SEED})`, () => {
  let root: string;
  let assets: FuzzAssets;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'tscm-fuzz-'));
    const a = path.join(root, 'assets');
    await mkdir(path.join(a, 'folder'), { recursive: true });
    execFileSync('mkfifo', [path.join(a, 'fifo')]);
    await writeFile(path.join(a, 'secret'), `${CANARY.file}\n`);
    await writeFile(path.join(a, 'list-with-secret'), `192.0.2.1\n${CANARY.list}\n10.0.0.0/8\n`);
    await writeFile(path.join(a, 'good-list'), '192.0.2.0/24\n2001:db8::/32\n');
    await writeFile(path.join(a, 'known_hosts'), `192.0.2.10 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${CANARY.file}\n`);
    assets = {
      fifo: path.join(a, 'fifo'),
      folder: path.join(a, 'folder'),
      secretFile: path.join(a, 'secret'),
      listWithSecret: path.join(a, 'list-with-secret'),
      goodList: path.join(a, 'good-list'),
      knownHosts: path.join(a, 'known_hosts'),
    };
    process.env['FUZZ_SECRET'] = CANARY.env;
  });
  afterAll(async () => {
    delete process.env['FUZZ_SECRET'];
    if (root) await rm(root, { recursive: true, force: true });
  });

  it(`${INPUTS} mutated definitions: clean refusals, and valid ones render only grammar lines`, async () => {
    const rng = new Rng(SEED);
    const r = () => rng.next();
    const starts = seeds();
    const tally = { inputs: 0, diagnostics: 0, valid: 0, rendered: 0, fileRefs: 0 };
    const fail = (k: number, what: string, detail: string, text = '') =>
      expect.fail(`seed ${SEED}, input #${k}: ${what}: ${detail}\n--- input ---\n${text.slice(0, 2000)}`);
    // One folder for every batch: slot i is d<i>.yaml, overwritten batch after batch (creating and deleting
    // 10,000 files costs more than the loading). Odd names and links are removed after their batch.
    const dir = path.join(root, 'defs');
    await mkdir(path.join(dir, 'lists'), { recursive: true });
    await mkdir(path.join(dir, 'sub-é'));
    await writeFile(path.join(dir, 'lists', 'allow.txt'), '192.0.2.0/24\n');
    const defaultsText = readFileSync(path.join(EXAMPLES, 'tscm.yaml'), 'utf8');
    for (let b = 0; b * BATCH < INPUTS; b++) {
      await writeFile(
        path.join(dir, 'tscm.yaml'),
        b % 10 === 9
          ? mutateDefinition(r, parse(defaultsText) as Record<string, unknown>, 'x', assets).replace(/^name: x\n/m, '')
          : defaultsText,
      );
      const texts = new Map<string, { k: number; text: string }>();
      const writes: Promise<void>[] = [];
      const oneOff: string[] = [];
      for (let i = 0; i < BATCH && tally.inputs < INPUTS; i++, tally.inputs++) {
        const k = tally.inputs;
        const text = mutateDefinition(r, pick(r, starts), `d${k}`, assets);
        const odd = r();
        const slot = path.join(dir, `d${i}.yaml`);
        if (odd < 0.02 || odd > 0.99) {
          // An odd name, a link to a FIFO or /dev/zero, or broken UTF-8: this batch only, and slot i stays out.
          const file = odd < 0.01 ? `weird\nname ${k}.yaml` : odd < 0.02 ? `sub-é/${k}.yml` : `link-${k}.yaml`;
          const full = path.join(dir, file);
          texts.set(file, { k, text });
          oneOff.push(full);
          writes.push(
            rm(slot, { force: true }).then(() =>
              odd > 0.997
                ? symlink(assets.fifo, full)
                : odd > 0.994
                  ? symlink('/dev/zero', full)
                  : odd > 0.99
                    ? writeFile(full, Buffer.concat([Buffer.from(text), Buffer.from([0xff, 0xfe])]))
                    : writeFile(full, text),
            ),
          );
        } else {
          texts.set(`d${i}.yaml`, { k, text });
          writes.push(writeFile(slot, text));
        }
      }
      await Promise.all(writes);
      // No hang: a FIFO or /dev/zero named anywhere must not block the loader (the test's timeout is the bound).
      const loaded = await loadDefinitions(dir).catch((err: unknown) =>
        fail(b * BATCH, 'loadDefinitions threw', String((err as Error).stack)),
      );
      for (const d of [...loaded.diagnostics, ...loaded.notes]) {
        tally.diagnostics++;
        const line = formatDiagnostic(d);
        const at = texts.get(d.file) ?? { k: -1, text: '' };
        if (line.includes('\n')) fail(at.k, 'a diagnostic spans lines', line, at.text);
        const problem = messageProblem(line);
        if (problem) fail(at.k, problem, line, at.text);
        if (d.line < 1 || d.column < 1) fail(at.k, 'no position', line, at.text);
      }
      for (const spec of loaded.devices) {
        tally.valid++;
        const at = texts.get(spec.source.file) ?? { k: -1, text: '' };
        await checkFileRefs(spec, (what, detail) => fail(at.k, what, detail, at.text), tally);
        if (spec.platform !== 'ios') continue;
        // The four device groups (each group and its IPv6 twin) are distinct: no group's lines land in another's.
        const { block, allow } = spec.objectGroups;
        const names = [block, `${block}-v6`, allow, `${allow}-v6`].map((n) => n.toLowerCase());
        if (new Set(names).size !== 4) fail(at.k, 'group names collide on the device', names.join(' '), at.text);
        const { lines } = renderGroupChanges(changesFor(spec));
        tally.rendered += lines.length;
        for (const line of lines) {
          const problem = grammarProblem(line);
          if (problem) fail(at.k, `rendered "${JSON.stringify(line)}"`, problem, at.text);
        }
      }
      await Promise.all(oneOff.map((f) => rm(f, { force: true })));
    }
    // The fuzz must reach both sides: plenty refused, and plenty valid enough to render.
    expect(tally.inputs).toBe(INPUTS);
    expect(tally.valid).toBeGreaterThan(INPUTS / 10);
    expect(tally.rendered).toBeGreaterThan(INPUTS / 2);
    expect(tally.diagnostics).toBeGreaterThan(INPUTS / 2);
    expect(tally.fileRefs).toBeGreaterThan(100);
  }, 120_000);
});

/** The files a valid definition names are read (or refused) by the real readers, cleanly and without hanging. */
async function checkFileRefs(
  spec: DeviceSpec,
  fail: (what: string, detail: string) => never,
  tally: { fileRefs: number },
): Promise<void> {
  const clean = (err: unknown, what: string) => {
    if (!(err instanceof ConfigError)) fail(what, `threw ${String((err as Error)?.stack ?? err)}`);
    const problem = messageProblem(`${err.message} ${err.hint ?? ''}`);
    if (problem) fail(what, `${problem}: ${err.message}`);
  };
  const refs: SecretRef[] = [spec.credentials.username, spec.credentials.password];
  if (spec.credentials.enablePassword) refs.push(spec.credentials.enablePassword);
  for (const ref of refs) {
    if (!('file' in ref)) continue;
    tally.fileRefs++;
    await resolveSecret(ref, { baseDir: '/' }).catch((err: unknown) => clean(err, 'secret'));
  }
  for (const source of sourcesOf(spec)) {
    if (source.kind !== 'file') continue;
    tally.fileRefs++;
    await readCidrFile(source.path).catch((err: unknown) => clean(err, 'list file'));
  }
  if (spec.hostKey.knownHosts !== undefined) {
    tally.fileRefs++;
    try {
      createHostKeyVerifier(spec.hostKey, '192.0.2.10', 22, spec.name);
    } catch (err) {
      clean(err, 'known_hosts');
    }
  }
}
