// Golden files (DESIGN.md convention 6). testdata/<case>/device.txt is what the device printed:
// - our own cases: a terminal capture whose first line is the prompt and the show command;
// - real-* cases: public text kept byte for byte (SOURCE.md says where from), the command in command.txt.
// The command picks the parser. The test writes the parse (expected-parse.json) and, when the case has a
// changes.json, the commands rendered for it (expected-commands.txt). Each expected-parse.json is reviewed by hand:
// it is a claim about the device. Regenerate with: UPDATE_GOLDEN=1 npx vitest run src/drivers/cisco-ios

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { prefixesFromStrings, prefixesToStrings } from '../../cidr/index.js';
import type { GroupChange } from '../../plan/model.js';
import { foldObservedGroups } from './observe.js';
import { describeIosGroups, parseRunningConfig, parseShowAccessLists, parseShowObjectGroup } from './parse.js';
import type { IosObjectGroups } from './parse.js';
import { renderGroupChanges } from './render.js';
import { fingerprintObserved } from '../../plan/fingerprint.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, 'testdata');
const update = process.env.UPDATE_GOLDEN === '1';

type ChangeJson = Omit<GroupChange, 'add' | 'remove'> & { add: string[]; remove: string[] };

function parseOutput(command: string, body: string): IosObjectGroups {
  if (/^show running-config\b/.test(command)) return parseRunningConfig(body);
  if (/^show object-group\b/.test(command)) return { groups: parseShowObjectGroup(body), usedBy: new Map() };
  if (/^show (ip )?access-lists?\b/.test(command)) return { groups: [], usedBy: parseShowAccessLists(body) };
  throw new Error(`no parser for the command "${command}"`);
}

function readCase(dir: string): IosObjectGroups {
  const text = readFileSync(join(dir, 'device.txt'), 'utf8');
  const commandFile = join(dir, 'command.txt');
  if (existsSync(commandFile)) return parseOutput(readFileSync(commandFile, 'utf8').trim(), text);
  const nl = text.indexOf('\n');
  const prompt = /^\S+#\s*(.*)$/.exec(text.slice(0, nl));
  if (prompt === null) throw new Error(`${dir}/device.txt must start with the prompt and the show command`);
  return parseOutput(prompt[1] ?? '', text.slice(nl + 1));
}

function checkGolden(file: string, actual: string): void {
  if (update || !existsSync(file)) {
    writeFileSync(file, actual);
    if (!update) throw new Error(`golden file ${file} was missing: written, review it and run again`);
    return;
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('cisco-ios golden files', () => {
  const cases = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  it('has cases, at least six of them real text', () => {
    expect(cases.length).toBeGreaterThanOrEqual(9);
    expect(cases.filter((c) => c.startsWith('real-')).length).toBeGreaterThanOrEqual(6);
  });
  for (const name of cases) {
    it(name, () => {
      const dir = join(root, name);
      if (name.startsWith('real-')) {
        expect(existsSync(join(dir, 'SOURCE.md')), `${name} needs a SOURCE.md`).toBe(true);
      }
      const parsed = readCase(dir);
      const changesFile = join(dir, 'changes.json');
      const changes: GroupChange[] = existsSync(changesFile)
        ? (JSON.parse(readFileSync(changesFile, 'utf8')) as ChangeJson[]).map((c) => ({
            ...c,
            add: prefixesFromStrings(c.add),
            remove: prefixesFromStrings(c.remove),
          }))
        : [];
      const { facts, ...device } = foldObservedGroups(
        parsed,
        changes.map((c) => ({ name: c.name, role: c.role })),
      );
      const observed = device.groups.map((g) => ({ ...g, members: prefixesToStrings(g.members) }));
      const parseJson =
        changes.length > 0
          ? { parsed: describeIosGroups(parsed), observed, fingerprint: fingerprintObserved(device.groups) }
          : { parsed: describeIosGroups(parsed) };
      checkGolden(join(dir, 'expected-parse.json'), JSON.stringify(parseJson, null, 2) + '\n');
      if (changes.length > 0) {
        const { lines } = renderGroupChanges(changes, facts);
        checkGolden(join(dir, 'expected-commands.txt'), lines.join('\n') + '\n');
      }
    });
  }
});
