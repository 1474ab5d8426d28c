// Golden files (DESIGN.md convention 6): testdata/<case>/device.txt is a terminal capture (its first line is the
// prompt and the show command, which picks the parser); the test writes the parse and the commands rendered for
// changes.json. Regenerate with: UPDATE_GOLDEN=1 npx vitest run src/drivers/cisco-ios

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { prefixesFromStrings, prefixesToStrings } from '../../cidr/index.js';
import type { GroupChange } from '../../plan/model.js';
import { foldObservedGroups } from './observe.js';
import { describeIosGroups, parseRunningConfig, parseShowObjectGroup } from './parse.js';
import type { IosObjectGroups } from './parse.js';
import { renderGroupChanges } from './render.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, 'testdata');
const update = process.env.UPDATE_GOLDEN === '1';

type ChangeJson = Omit<GroupChange, 'add' | 'remove'> & { add: string[]; remove: string[] };

function parseCapture(text: string): IosObjectGroups {
  const nl = text.indexOf('\n');
  const first = text.slice(0, nl);
  const body = text.slice(nl + 1);
  if (/#\s*show running-config/.test(first)) return parseRunningConfig(body);
  if (/#\s*show object-group/.test(first)) return { groups: parseShowObjectGroup(body), usedBy: new Map() };
  throw new Error(`device.txt must start with the prompt and a known show command, got: ${first}`);
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
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(3));
  for (const name of cases) {
    it(name, () => {
      const dir = join(root, name);
      const parsed = parseCapture(readFileSync(join(dir, 'device.txt'), 'utf8'));
      const changes: GroupChange[] = (JSON.parse(readFileSync(join(dir, 'changes.json'), 'utf8')) as ChangeJson[]).map(
        (c) => ({ ...c, add: prefixesFromStrings(c.add), remove: prefixesFromStrings(c.remove) }),
      );
      const { device, facts } = foldObservedGroups(
        parsed,
        changes.map((c) => ({ name: c.name, role: c.role })),
      );
      const observed = device.groups.map((g) => ({ ...g, members: prefixesToStrings(g.members) }));
      const parseJson = { parsed: describeIosGroups(parsed), observed, fingerprint: device.fingerprint };
      checkGolden(join(dir, 'expected-parse.json'), JSON.stringify(parseJson, null, 2) + '\n');
      const { lines } = renderGroupChanges(changes, facts);
      checkGolden(join(dir, 'expected-commands.txt'), lines.join('\n') + '\n');
    });
  }
});
