// AsaConfig.byteSize() (read by the REST emulator's OOM fault on every write) always equals the byte length of the
// running config it would print: after boot from real configs and after every kind of group edit.

import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { AsaConfig } from './config-model.js';
import { addGroupObject, addNetworkObject, openGroup, removeGroup, removeNetworkObject } from './group-edits.js';
import { parseMember } from './members.js';

const REAL = new URL('./testdata/real/', import.meta.url);
const bytes = (c: AsaConfig): number => Buffer.byteLength(c.renderLines().join('\n') + '\n');
const member = (text: string): { key: string; line: string } => {
  const parsed = parseMember(text.split(' '));
  if (!parsed.ok) throw new Error(text);
  return parsed;
};

test.each(readdirSync(REAL).sort())('byteSize of %s follows every edit', (name) => {
  const config = AsaConfig.parse(readFileSync(new URL(`${name}/running-config.txt`, REAL), 'utf8'));
  expect(config.byteSize()).toBe(bytes(config));
  const group = openGroup(config, 'BYTES_G');
  if (typeof group === 'string') throw new Error(group);
  expect(addNetworkObject(config, group, member('host 192.0.2.1'), undefined)).toBeUndefined();
  expect(addNetworkObject(config, group, member('2001:db8::/32'), undefined)).toBeUndefined();
  group.setDescription('first');
  group.setDescription('a longer description é');
  expect(config.byteSize()).toBe(bytes(config));
  const restore = group.snapshot();
  expect(removeNetworkObject(config, group, member('host 192.0.2.1'))).toBeUndefined();
  expect(config.byteSize()).toBe(bytes(config));
  restore();
  expect(config.byteSize()).toBe(bytes(config));
  const child = openGroup(config, 'BYTES_C');
  if (typeof child === 'string') throw new Error(child);
  expect(addNetworkObject(config, child, member('10.0.0.0 255.0.0.0'), undefined)).toBeUndefined();
  expect(addGroupObject(config, group, 'BYTES_C')).toBeUndefined();
  group.setDescription(undefined);
  expect(config.byteSize()).toBe(bytes(config));
  expect(removeGroup(config, 'BYTES_C')).toContain('it is being used');
  group.removeChild('BYTES_C');
  expect(removeGroup(config, 'BYTES_C')).toBeUndefined();
  expect(config.byteSize()).toBe(bytes(config));
});
