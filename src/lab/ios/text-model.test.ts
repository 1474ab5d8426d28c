// Unit tests of the emulator's pure parts: address text, the IOS keyword parser, output filters, boot parsing.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { formatIpv6, maskToPrefixLength, parseIpv4, parseIpv6 } from '../addresses.js';
import { parseRunningConfig } from './config-parse.js';
import { IosDevice } from './device.js';
import { kw, parseCommand } from '../vty/grammar.js';
import type { GrammarNode } from '../vty/grammar.js';
import { normaliseV4Member, normaliseV6Member } from './members.js';
import { filterOutput } from '../vty/output-filter.js';

describe('addresses', () => {
  test('IPv4 strict dotted quad and contiguous masks', () => {
    expect(parseIpv4('192.0.2.1')).toBe(0xc0000201);
    expect(parseIpv4('192.0.2')).toBeUndefined();
    expect(parseIpv4('192.0.2.256')).toBeUndefined();
    expect(maskToPrefixLength(0xffffff00)).toBe(24);
    expect(maskToPrefixLength(0)).toBe(0);
    expect(maskToPrefixLength(0xffffffff)).toBe(32);
    expect(maskToPrefixLength(0x000000ff)).toBeUndefined();
    expect(maskToPrefixLength(0xff00ff00)).toBeUndefined();
  });

  test('IPv6 parse and RFC 5952 text', () => {
    const text = (s: string): string | undefined => {
      const groups = parseIpv6(s);
      return groups && formatIpv6(groups);
    };
    expect(text('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(text('2001:db8:0:1:0:0:0:1')).toBe('2001:db8:0:1::1');
    expect(text('::')).toBe('::');
    expect(text('::ffff:192.0.2.1')).toBe('::ffff:c000:201');
    expect(text('2001:db8::1::2')).toBeUndefined();
    expect(text('2001:db8:1:2:3:4:5:6:7')).toBeUndefined();
  });

  test('members normalise like IOS prints them', () => {
    expect(normaliseV4Member(['192.0.2.77', '255.255.255.0'])).toEqual({ ok: true, line: '192.0.2.0 255.255.255.0' });
    expect(normaliseV4Member(['192.0.2.0/25'])).toEqual({ ok: true, line: '192.0.2.0 255.255.255.128' });
    expect(normaliseV4Member(['range', '192.0.2.9', '192.0.2.1'])).toMatchObject({ ok: false, badWord: 2 });
    // IPv6 host bits stay, as a real `show object-group` prints them (`2001:db8:111:1::/48`).
    expect(normaliseV6Member(['2001:DB8:111:1::/48'])).toEqual({ ok: true, line: '2001:db8:111:1::/48' });
    expect(normaliseV6Member(['host', 'zz::1'])).toMatchObject({ ok: false, error: 'invalid', badWord: 1 });
  });
});

describe('grammar', () => {
  const root: GrammarNode<string> = {
    keywords: [
      kw('show', { keywords: [kw('running-config', { run: 'run', pipe: true }), kw('rsvp', { run: 'rsvp' })] }),
      kw('shutdown', { run: 'shut' }),
      kw('set', { run: 'set' }),
    ],
  };

  test('unique prefixes, exact match wins, ambiguity and incompleteness', () => {
    expect(parseCommand(root, 'sho run')).toMatchObject({ kind: 'ok', run: 'run', words: ['show', 'running-config'] });
    expect(parseCommand(root, 'set')).toMatchObject({ kind: 'ok', run: 'set' });
    expect(parseCommand(root, 's')).toEqual({ kind: 'ambiguous' });
    expect(parseCommand(root, 'sh r')).toEqual({ kind: 'ambiguous' });
    expect(parseCommand(root, 'show')).toEqual({ kind: 'incomplete' });
    expect(parseCommand(root, '   ')).toEqual({ kind: 'empty' });
  });

  test('caret offset is the first character no keyword can match', () => {
    expect(parseCommand(root, 'show runxing')).toMatchObject({ kind: 'invalid', offset: 8 });
    expect(parseCommand(root, '  zap')).toMatchObject({ kind: 'invalid', offset: 2, consumed: 0 });
    expect(parseCommand(root, 'set extra')).toMatchObject({ kind: 'invalid', offset: 4, consumed: 1 });
  });

  test('output modifiers', () => {
    expect(parseCommand(root, 'sho run | sec object-group network  A B')).toMatchObject({
      kind: 'ok',
      pipe: { kind: 'section', regex: 'object-group network  A B' },
    });
    expect(parseCommand(root, 'sho run | i')).toEqual({ kind: 'incomplete' });
    expect(parseCommand(root, 'sho run | xyz foo')).toMatchObject({ kind: 'invalid', offset: 10 });
    expect(parseCommand(root, 'sho rsvp | i x')).toMatchObject({ kind: 'invalid' });
  });
});

describe('output filters', () => {
  const lines = ['a', ' a1', 'b FOO', ' b1', 'c', ' c FOO2', '!'];
  test('section keeps whole blocks where any line matches', () => {
    expect(filterOutput(lines, { kind: 'section', regex: 'FOO' })).toEqual(['b FOO', ' b1', 'c', ' c FOO2']);
    expect(filterOutput(lines, { kind: 'include', regex: '^ ' })).toEqual([' a1', ' b1', ' c FOO2']);
    expect(filterOutput(lines, { kind: 'exclude', regex: '^ ' })).toEqual(['a', 'b FOO', 'c', '!']);
    expect(filterOutput(lines, { kind: 'begin', regex: '^c' })).toEqual(['c', ' c FOO2', '!']);
    expect(filterOutput(lines, { kind: 'count', regex: 'FOO' })).toEqual(['Number of lines which match regexp = 2']);
    expect(filterOutput(['x FOO y', 'xFOOy'], { kind: 'include', regex: '_FOO_' })).toEqual(['x FOO y']);
  });
});

describe('boot config parsing', () => {
  test('the ISR fixture renders back to itself', () => {
    const text = readFileSync(new URL('./testdata/isr-running-config.txt', import.meta.url), 'utf8');
    const config = parseRunningConfig(text);
    expect(config.renderLines()).toEqual(text.trim().split('\n').slice(3));
    expect([...config.groups.keys()]).toEqual(['MGMT-HOSTS', 'BLOCKLIST', 'BLOCKLIST2', 'BLOCKLIST-V6']);
    expect(config.groupReferences().get('MGMT-HOSTS')).toBe('access-list BLOCK-IN');
    expect(config.hostname).toBe('edge-rtr-01-branch-amsterdam');
  });

  test('an empty config still has places for groups and ACLs', () => {
    const config = parseRunningConfig('hostname X\n!\nline vty 0 4\n login local\n!\nend\n');
    config.createGroup('G', 'network').add('any');
    config.createAcl('A', 'extended').add('deny ip object-group G any');
    expect(config.renderLines()).toEqual([
      'hostname X',
      '!',
      'object-group network G',
      ' any',
      '!',
      'ip access-list extended A',
      ' 10 deny ip object-group G any',
      '!',
      'line vty 0 4',
      ' login local',
      '!',
      'end',
    ]);
  });
});

describe('default config', () => {
  test('without a boot config the device starts from a small IOS skeleton', () => {
    const device = new IosDevice(undefined, 'lab-r1', undefined, undefined);
    device.config.createGroup('G', 'network');
    const lines = device.config.renderLines();
    expect(lines).toContain('hostname lab-r1');
    expect(lines.indexOf('object-group network G')).toBeLessThan(lines.indexOf('control-plane'));
    expect(lines.indexOf('object-group network G')).toBeGreaterThan(lines.indexOf('ip ssh version 2'));
    expect(lines.at(-1)).toBe('end');
  });
});
