// Golden files (DESIGN.md convention 6). testdata/<case>/ holds any of:
// - device.txt + command.txt: what the device printed for that command (real-* cases: public text kept byte for
//   byte, SOURCE.md says where from) -> expected-parse.json (reviewed by hand: it is a claim about the device);
// - changes.json (one logical group's change and the layout parameters), with layout.json (the observed layout)
//   or, without it, the layout folded from the parse -> expected-operations.txt (the nested layout's operations
//   and the layout after) and expected-commands.txt (the rendered lines).
// Regenerate with: UPDATE_GOLDEN=1 npx vitest run src/drivers/cisco-asa

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { prefixesFromStrings, prefixesToStrings } from '../../cidr/index.js';
import { planNestedLayout, type NestedLayout } from '../shared/nested-layout.js';
import { foldNestedGroup, memberForms } from './observe.js';
import { parseShowFailover } from '../shared/asa-failover.js';
import { describeAsaConfig, parseAsaConfig, type AsaConfig } from './parse.js';
import { listGroupCommands } from './render.js';
import { formatLayoutResult, layoutFromJson, type ChangeJson, type LayoutJson } from './test-helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
const update = process.env.UPDATE_GOLDEN === '1';

function checkGolden(file: string, actual: string): void {
  if (update || !existsSync(file)) {
    writeFileSync(file, actual);
    if (!update) throw new Error(`golden file ${file} was missing: written, review it and run again`);
    return;
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

function runCase(dir: string): void {
  let config: AsaConfig | undefined;
  const parseJson: Record<string, unknown> = {};
  if (existsSync(join(dir, 'device.txt'))) {
    const text = readFileSync(join(dir, 'device.txt'), 'utf8');
    const command = readFileSync(join(dir, 'command.txt'), 'utf8').trim();
    if (command === 'show failover') parseJson.failover = parseShowFailover(text);
    else if (/^show (running-config|object-group|access-list)\b/.test(command)) {
      config = parseAsaConfig(text);
      parseJson.parsed = describeAsaConfig(config);
    } else throw new Error(`no parser for the command "${command}"`);
  }
  const changesFile = join(dir, 'changes.json');
  if (existsSync(changesFile)) {
    const c = readJson<ChangeJson>(changesFile);
    const shim = prefixesFromStrings([c.shimAddress]);
    let layout: NestedLayout;
    let inUse: boolean;
    if (existsSync(join(dir, 'layout.json'))) {
      const j = readJson<LayoutJson>(join(dir, 'layout.json'));
      layout = layoutFromJson(j);
      inUse = j.inUse;
    } else {
      if (config === undefined) throw new Error(`${dir}: changes.json needs layout.json or a parsed config`);
      const folded = foldNestedGroup(config, { name: c.group, role: 'block' }, shim);
      layout = folded.layout;
      inUse = folded.inUse;
      parseJson.observed = { ...folded.observed, members: prefixesToStrings(folded.observed.members), inUse };
    }
    const change = { action: c.action, add: prefixesFromStrings(c.add), remove: prefixesFromStrings(c.remove) };
    const result = planNestedLayout(layout, change, { nestedSize: c.nestedSize, shim, inUse });
    checkGolden(join(dir, 'expected-operations.txt'), formatLayoutResult(result));
    const forms = config === undefined ? {} : memberForms(config);
    const { lines } = listGroupCommands(result.ops, forms).materialise();
    checkGolden(join(dir, 'expected-commands.txt'), lines.join('\n') + '\n');
  }
  if (Object.keys(parseJson).length > 0) {
    checkGolden(join(dir, 'expected-parse.json'), JSON.stringify(parseJson, null, 2) + '\n');
  }
}

describe('cisco-asa golden files', () => {
  const cases = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  it('has cases, at least eight of them real text', () => {
    expect(cases.length).toBeGreaterThanOrEqual(14);
    expect(cases.filter((c) => c.startsWith('real-')).length).toBeGreaterThanOrEqual(8);
  });
  for (const name of cases) {
    it(name, () => {
      const dir = join(root, name);
      if (name.startsWith('real-')) expect(existsSync(join(dir, 'SOURCE.md')), `${name} needs a SOURCE.md`).toBe(true);
      runCase(dir);
    });
  }
});
