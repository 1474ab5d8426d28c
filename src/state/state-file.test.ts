import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { prefixesToStrings } from '../cidr/index.js';
import { ConfigError } from '../errors.js';
import { encodeState, parseState, serializeState, STATE_FILE_FORMAT_VERSION } from './state-file.js';

const V1 = new URL('./testdata/state-v1.json', import.meta.url);
const V2 = new URL('./testdata/state-v2.json', import.meta.url);
const V3 = new URL('./testdata/state-v3.json', import.meta.url);
const V4 = new URL('./testdata/state-v4.json', import.meta.url);
const V5 = new URL('./testdata/state-v5.json', import.meta.url);

describe('state file', () => {
  it('round-trips the version 5 fixture byte for byte, equal member lists stored once as binary records', async () => {
    const text = await readFile(V5, 'utf8');
    const state = parseState(text, 'state.json');
    expect(STATE_FILE_FORMAT_VERSION).toBe(5);
    // The inventory's group and the last good set hold the same list: one entry; the empty group another.
    expect(JSON.parse(text).memberSets).toHaveLength(2);
    expect(prefixesToStrings(state.sources![0]!.members)).toEqual(['10.0.0.0/8', '198.51.100.0/24', '2001:db8::/32']);
    expect(state.overrides![0]).toMatchObject({ gate: 'churn', planId: '0123456789abcdef' });
    expect(state.formatVersion).toBe(1); // the in-memory model's version, not the file's
    expect(prefixesToStrings(state.inventory.groups[0]!.members)).toEqual([
      '10.0.0.0/8',
      '198.51.100.0/24',
      '2001:db8::/32',
    ]);
    expect(serializeState(state)).toBe(text);
    expect(encodeState(state).equals(Buffer.from(text))).toBe(true);
    expect(parseState(Buffer.from(text), 'state.json')).toEqual(state);
  });

  it('upgrades the version 4 fixture to the version 5 fixture', async () => {
    const v4 = parseState(await readFile(V4, 'utf8'), 'old.json');
    expect(v4).toEqual(parseState(await readFile(V5, 'utf8'), 'old.json'));
    expect(serializeState(v4)).toBe(await readFile(V5, 'utf8'));
    expect(parseState(await readFile(V4), 'old.json')).toEqual(v4);
  });

  it('upgrades the version 1, 2 and 3 fixtures to the version 5 fixture without sources (groups not known as created)', async () => {
    const v4 = { ...parseState(await readFile(V5, 'utf8'), 'new.json'), sources: [], overrides: [] };
    for (const old of [V1, V2, V3]) {
      const state = parseState(await readFile(old, 'utf8'), 'old.json');
      expect(state).toEqual(v4);
      expect(state.inventory.groups.every((g) => !g.created)).toBe(true);
      expect(serializeState(state)).toBe(serializeState(v4));
    }
  });

  it('names the file and the source of a damaged last good set', async () => {
    const doc = JSON.parse(await readFile(V4, 'utf8'));
    doc.sources[0].members = '10.0.0.0/8\n300.0.0.0/8';
    expect(() => parseState(JSON.stringify(doc), 's.json')).toThrow(
      /^state file s.json: sources\[0\].members: invalid prefix: line 2/,
    );
    doc.sources[0].members = '10.0.0.0/8';
    doc.overrides[0].gate = 'bogus';
    expect(() => parseState(JSON.stringify(doc), 's.json')).toThrow(
      /overrides\/0\/gate must be equal to one of the allowed values/,
    );
  });

  it('names the file and the group of a damaged member list, with how to recover', async () => {
    const doc = JSON.parse(await readFile(V4, 'utf8'));
    doc.inventory.groups[0].members = '10.0.0.0/8\n10.0.0.0/33';
    let err: unknown;
    try {
      parseState(JSON.stringify(doc), '/s/edge-1/state.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(
      /^state file \/s\/edge-1\/state.json: inventory.groups\[0\] \(TSCM-BLOCK\).members: invalid prefix: line 2/,
    );
    expect((err as ConfigError).hint).toContain('tscm plan --adopt');
    doc.inventory.groups[0].members = ['10.0.0.0/8'];
    expect(() => parseState(JSON.stringify(doc), 's.json')).toThrow(/inventory\/groups\/0\/members must be string/);
    expect(() => parseState('[]', 's.json')).toThrow(/state file s.json is not a tscm state/);
    expect(() => parseState('{"formatVersion": 6}', 's.json')).toThrow(/formatVersion 6, newer than this tscm/);
  });

  it('quotes no raw line of a file that is not JSON (JSON.parse quotes the text around the error)', async () => {
    const text = await readFile(V3, 'utf8');
    for (const bad of [`\ufeff${text}`, Buffer.from(`\ufeff${text}`)]) {
      let message = '';
      try {
        parseState(bad, 's.json');
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/^state file s.json is not valid JSON: .*\\ufeff\{\\n/);
      expect(message).not.toMatch(/[\n\ufeff]/);
    }
  });
});
