// The pull-request side of the CLI, through the built CLI in a real git repository: `plan --changed-since REV`
// (only the devices whose definitions changed, the deleted ones named), `plan --markdown` (status line, marker,
// apply command, the cap), and one JSON document from `plan --json` and `show FILE --json`, valid against
// schemas/plan-output.schema.json. Devices plan from list files without being read (--refresh=false): no network.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECONCILE_STEPS } from '../../src/state/status-model.js';
import { runTscm } from '../helpers/cli.js';

const SCHEMAS = path.resolve(import.meta.dirname, '../../schemas');
const readSchema = (name: string) => JSON.parse(readFileSync(path.join(SCHEMAS, name), 'utf8')) as object;
const ajv = new Ajv2020({ strict: true, allErrors: true });
ajv.addSchema(readSchema('plan.schema.json'));
const validateOutput = ajv.compile(readSchema('plan-output.schema.json'));

function expectValidOutput(doc: unknown): void {
  const ok = validateOutput(doc);
  expect(validateOutput.errors ?? [], JSON.stringify(validateOutput.errors)).toEqual([]);
  expect(ok).toBe(true);
}

let repo: string;
let defs: string;
let out: string;
const revs: string[] = [];

const deviceYaml = (name: string, list: string) =>
  `name: ${name}\nplatform: ios\ndeviceId: tdid_${name.replace(/-/g, '')}\n` +
  'management: { host: 127.0.74.1, port: 9 }\ncredentials: { username: { env: U }, password: { env: P } }\n' +
  `policy: { blockList: { file: lists/${list} } }\nobjectGroups: { maxEntries: 50000 }\n`;
/** n hosts that do not aggregate (every other address). */
const hostsList = (n: number, second: number) =>
  Array.from({ length: n }, (_, i) => `10.${second}.${i >> 7}.${(i & 127) * 2}`).join('\n') + '\n';

async function commit(files: Record<string, string | null>, message: string): Promise<string> {
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(repo, name);
    if (text === null) unlinkSync(file);
    else {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
  }
  const git = simpleGit({ baseDir: repo });
  await git.add(['-A', '.']);
  await git.raw(['-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-q', '-m', message]);
  return (await git.revparse(['HEAD'])).trim();
}

const plan = (...args: string[]) => runTscm(['plan', '--refresh=false', '--dir', defs, ...args]);

beforeAll(async () => {
  repo = mkdtempSync(path.join(tmpdir(), 'tscm-plan-ci-'));
  out = mkdtempSync(path.join(tmpdir(), 'tscm-plan-ci-out-'));
  defs = path.join(repo, 'defs');
  await simpleGit({ baseDir: repo }).init();
  revs.push(
    await commit(
      {
        'defs/tscm.yaml': 'drift: heal\n',
        'defs/edge-a.yaml': deviceYaml('edge-a', 'a.txt'),
        'defs/edge-b.yaml': deviceYaml('edge-b', 'b.txt'),
        'defs/site/edge-c.yaml': deviceYaml('edge-c', 'c.txt'),
        'defs/lists/a.txt': hostsList(200, 1),
        'defs/lists/b.txt': hostsList(200, 2),
        'defs/lists/c.txt': hostsList(200, 3),
        'README.md': 'definitions\n',
      },
      'one',
    ),
  );
  revs.push(await commit({ 'defs/tscm.yaml': 'drift: report\n' }, 'two'));
  // edge-a's list changes, edge-c's definition is deleted, a file outside the definitions changes.
  revs.push(
    await commit(
      { 'defs/lists/a.txt': hostsList(212, 1), 'defs/site/edge-c.yaml': null, 'README.md': 'definitions!\n' },
      'three',
    ),
  );
});
afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describe('tscm plan --changed-since', () => {
  it('plans only the devices whose definitions changed, names the deleted ones, and pins the scope in the file', async () => {
    const file = path.join(out, 'changed.json');
    const r = await plan('--changed-since', revs[1]!, '--json', '--out', file);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expectValidOutput(doc);
    expect(doc.devices.map((d: { device: string }) => d.device)).toEqual(['edge-a']);
    expect(doc.scope).toEqual({
      selection: 'changed',
      changedSince: { ref: revs[1], commit: revs[1] },
      removedFromDefinitions: ['edge-c'],
    });
    expect(doc).toMatchObject({ status: 'changes', summary: { devices: 1, withChanges: 1, add: 212, failed: 0 } });
    // The same document from the saved file.
    const shown = await runTscm(['show', file, '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toBe(r.stdout);
  });

  it('says it in the human view: which revision, how many devices, which were removed', async () => {
    const r = await plan('--changed-since', 'HEAD~2');
    expect(r.code, r.stderr).toBe(0);
    // tscm.yaml changed since: every device is planned.
    expect(r.stdout).toContain('Device edge-a (ios, no state yet)');
    expect(r.stdout).toContain('Device edge-b (ios, no state yet)');
    expect(r.stdout).toContain(
      `Planned the 2 device(s) whose definitions changed since HEAD~2 (${revs[0]!.slice(0, 12)}).`,
    );
    expect(r.stdout).toContain(`Removed from the definitions since HEAD~2 (${revs[0]!.slice(0, 12)}): edge-c.`);
    const none = await plan('--changed-since', 'HEAD');
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toContain('No devices to plan.');
    expect(none.stdout).toContain('Planned the 0 device(s) whose definitions changed since HEAD');
    expect(none.stdout).not.toContain('Removed from the definitions');
  });

  it('refuses a revision git does not know with the fetch-depth fix, and a folder outside git', async () => {
    const r = await plan('--changed-since', 'no-such-branch');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('git revision "no-such-branch" is not a commit of the definitions repository');
    expect(r.stderr).toContain('fetch-depth: 0');
    const outside = path.join(out, 'not-git');
    mkdirSync(outside, { recursive: true });
    writeFileSync(path.join(outside, 'edge-z.yaml'), deviceYaml('edge-z', 'z.txt'));
    const n = await runTscm(['plan', '--refresh=false', '--dir', outside, '--changed-since', 'HEAD']);
    expect(n.code).toBe(1);
    expect(n.stderr).toContain('--changed-since needs the definitions in a git work tree');
    const both = await plan('--changed-since', 'HEAD', 'edge-a');
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('name devices or use --changed-since, not both');
  });
});

describe('tscm plan --markdown', () => {
  it('prints the status line first, the marker, the apply command for the saved plan and the removed device', async () => {
    const file = path.join(out, 'md.json');
    const r = await plan('--changed-since', 'HEAD~1', '--markdown', '--out', file, '--comment-id', 'prod');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(
      ':pencil2: **tscm plan: changes** · 1 of 1 device(s) with changes: 212 to add, 0 to remove, 1 group(s) to create, 0 to delete',
    );
    expect(lines[1]).toBe('<!-- tscm-plan id=prod -->');
    expect(r.stdout).toContain(`**Apply:** \`tscm apply ${file} --dir ${defs}\``);
    expect(r.stdout).toContain('**Removed from the definitions** since');
    expect(r.stdout).toContain(': **edge-c**.');
    expect(r.stdout.endsWith(`The full plan: \`${file}\`\n`)).toBe(true);
  });

  it('keeps the whole output within --max-chars, and refuses a cap out of range or without --markdown', async () => {
    const r = await plan('--markdown', '--max-chars', '2000');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.length).toBeLessThanOrEqual(2000);
    expect(r.stdout.split('\n')[1]).toBe('<!-- tscm-plan -->');
    expect(r.stdout).toContain(':scissors: Shortened to fit 2000 characters');
    for (const bad of ['10', '2000000', 'lots']) {
      const e = await plan('--markdown', '--max-chars', bad);
      expect(e.code).toBe(1);
      expect(e.stderr).toContain('--max-chars takes a number of characters from 2000 to 1000000');
    }
    const e = await plan('--json', '--comment-id', 'x');
    expect(e.code).toBe(1);
    expect(e.stderr).toContain('--max-chars and --comment-id shape the markdown view');
  });
});

describe('one JSON plan document', () => {
  it('a plan with a device that failed: the failure is in the file, `show` prints it, the schema holds', async () => {
    writeFileSync(path.join(defs, 'lists', 'b.txt'), '192.0.2.1\nnot-an-address\n');
    try {
      const file = path.join(out, 'failed.json');
      const r = await plan('--json', '--out', file);
      expect(r.code).toBe(1);
      const doc = JSON.parse(r.stdout);
      expectValidOutput(doc);
      expect(doc.status).toBe('failed');
      expect(doc.gitRevision).toBe(`${revs[2]}+dirty`);
      expect(doc.scope).toEqual({ selection: 'all', changedSince: null, removedFromDefinitions: [] });
      expect(doc.failures).toEqual([
        { device: 'edge-b', step: 'resolve', message: expect.stringContaining('b.txt:2'), hint: expect.any(String) },
      ]);
      const json = await runTscm(['show', file, '--json']);
      expect(json.stdout).toBe(r.stdout);
      const human = await runTscm(['show', file]);
      expect(human.code).toBe(0);
      expect(human.stdout).toContain(`Plan made ${doc.createdAt} at revision ${revs[2]}+dirty.`);
      expect(human.stdout).toContain('Device edge-a (ios, no state yet)');
      expect(human.stdout).toMatch(/Error: edge-b: resolve failed: 1 invalid entry/);
      expect(human.stdout).toContain('1 device(s) failed.');
    } finally {
      writeFileSync(path.join(defs, 'lists', 'b.txt'), hostsList(200, 2));
    }
  });

  it('`show` escapes what a plan file says and refuses a file that is not a plan', async () => {
    const file = path.join(out, 'hostile.json');
    expect((await plan('--out', file)).code).toBe(0);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.devices[0].warnings = ['foreign line \x1b[31mred\nError: forged'];
    doc.failures = [
      { device: 'edge-x', step: 'observe', message: 'reply:\nError: forged too\x1b]0;t\x07', hint: null },
    ];
    writeFileSync(file, JSON.stringify(doc));
    const r = await runTscm(['show', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.includes('\x1b') || r.stdout.includes('\x07')).toBe(false);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('Error: forged'))).toEqual([]);
    expect(r.stdout).toContain('Error: edge-x: observe failed: reply:\n  Error: forged too\\u001b]0;t\\u0007');
    const notPlan = await runTscm(['show', path.join(defs, 'tscm.yaml')]);
    expect(notPlan.code).toBe(1);
    expect(notPlan.stderr).toContain('is not valid JSON');
  });

  it('the schemas name exactly the reconcile steps a failure can stop at', () => {
    const failure = (
      readSchema('plan.schema.json') as { $defs: { failure: { properties: { step: { enum: string[] } } } } }
    ).$defs.failure.properties.step.enum;
    expect(failure).toEqual([...RECONCILE_STEPS]);
  });
});
