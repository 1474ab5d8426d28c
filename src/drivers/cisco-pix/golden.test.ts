// Golden files (DESIGN.md convention 6). testdata/<case>/device.txt is what the device printed for the command in
// command.txt; real-* cases are public text kept byte for byte (SOURCE.md says where from), the others are our own
// captures shaped after cisco-protocol.md §2. The test writes the parse (expected-parse.json) and, when the case has
// a changes.json, the folded observation, the plan notes (expected-describe.txt) and the commands
// (expected-commands.txt). Each expected file is reviewed by hand: it is a claim about the device.
// Regenerate with: UPDATE_GOLDEN=1 npx vitest run src/drivers/cisco-pix

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatIpv4Address, parseIpv4Address, prefixesFromStrings, prefixesToStrings } from '../../cidr/index.js';
import type { GroupChange } from '../../plan/model.js';
import { NP_ACL_COUNT_COMMAND, parseNpAclCount } from './capacity.js';
import { describePixLayout, layoutPixChanges } from './layout.js';
import { foldPixGroups } from './observe.js';
import { describePixGroups, parsePixText } from './parse.js';
import { listPixBlocks, materialiseBlocks } from './render.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, 'testdata');
const update = process.env.UPDATE_GOLDEN === '1';
const SHIM = parseIpv4Address('10.255.255.254');

type ChangeJson = Omit<GroupChange, 'add' | 'remove'> & { add: string[]; remove: string[] };

const READERS = /^(show running-config|write terminal|show object-group|show access-list|show np 3 acl count)\b/;

function checkGolden(file: string, actual: string): void {
  if (update || !existsSync(file)) {
    writeFileSync(file, actual);
    if (!update) throw new Error(`golden file ${file} was missing: written, review it and run again`);
    return;
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('cisco-pix golden files', () => {
  const cases = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  it('has cases, at least five of them real text', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
    expect(cases.filter((c) => c.startsWith('real-')).length).toBeGreaterThanOrEqual(5);
  });
  for (const name of cases) {
    it(name, () => {
      const dir = join(root, name);
      if (name.startsWith('real-')) {
        expect(existsSync(join(dir, 'SOURCE.md')), `${name} needs a SOURCE.md`).toBe(true);
      }
      const command = readFileSync(join(dir, 'command.txt'), 'utf8').trim();
      expect(command, `${name}: no parser reads "${command}"`).toMatch(READERS);
      const text = readFileSync(join(dir, 'device.txt'), 'utf8');
      if (command === NP_ACL_COUNT_COMMAND) {
        // The FWSM's ACE limit (capacity.ts), not groups.
        const capacity = parseNpAclCount(text.split('\n'));
        checkGolden(join(dir, 'expected-parse.json'), JSON.stringify({ capacity }, null, 2) + '\n');
        return;
      }
      const parsed = parsePixText(text);
      const changesFile = join(dir, 'changes.json');
      const changes: GroupChange[] = existsSync(changesFile)
        ? (JSON.parse(readFileSync(changesFile, 'utf8')) as ChangeJson[]).map((c) => ({
            ...c,
            add: prefixesFromStrings(c.add),
            remove: prefixesFromStrings(c.remove),
          }))
        : [];
      if (changes.length === 0) {
        checkGolden(
          join(dir, 'expected-parse.json'),
          JSON.stringify({ parsed: describePixGroups(parsed) }, null, 2) + '\n',
        );
        return;
      }
      const folded = foldPixGroups(
        parsed,
        changes.map((c) => ({ name: c.name, role: c.role })),
        SHIM,
      );
      const observed = folded.groups.map((g) => ({ ...g, members: prefixesToStrings(g.members) }));
      const facts = { ...folded.facts, shimAddress: formatIpv4Address(folded.facts.shimAddress) };
      checkGolden(
        join(dir, 'expected-parse.json'),
        JSON.stringify({ parsed: describePixGroups(parsed), observed, facts }, null, 2) + '\n',
      );
      const layouts = layoutPixChanges(changes, folded);
      checkGolden(join(dir, 'expected-describe.txt'), describePixLayout(layouts, SHIM).join('\n') + '\n');
      const { lines } = materialiseBlocks(listPixBlocks(layouts, SHIM));
      checkGolden(join(dir, 'expected-commands.txt'), lines.join('\n') + '\n');
    });
  }
});
