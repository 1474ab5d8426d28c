import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePixConfig } from './config-model.js';
import { memberForm, parseMember } from './members.js';

const REAL = join(import.meta.dirname, 'testdata', 'real');
const realConfigs = readdirSync(REAL).map((name) => ({
  name,
  text: readFileSync(join(REAL, name, 'running-config.txt'), 'utf8'),
}));

describe('PIX/FWSM config model (pure)', () => {
  it.each(realConfigs.map((c) => [c.name, c.text]))('%s boots and prints back byte for byte', (_name, text) => {
    const config = parsePixConfig(text, ' ');
    expect(config.renderLines().join('\n') + '\n').toBe(text);
  });

  it('reads network groups, other group kinds, the pager and the ACL references of a real FWSM config', () => {
    const config = parsePixConfig(realConfigs.find((c) => c.name === 'fwsm-ceige-3.1')?.text ?? '', ' ');
    expect([...config.groups.keys()]).toEqual(['hobbit1', 'network']);
    expect([...(config.groups.get('hobbit1')?.members() ?? [])]).toEqual(['222.222.222.222 255.255.255.255']);
    expect(config.otherGroups.get('hello')).toBe('service');
    expect(config.hostname).toBe('ceige');
    expect(config.pagerLines).toBe(24);
    expect(config.userOf('hobbit1')).toBe('access-list blarg');
    expect(config.userOf('network')).toBe('access-list 110');
    expect(config.elements()).toBe(2);
  });

  it('host A and A 255.255.255.255 are one member; a mask must pair with its address', () => {
    const host = parseMember(['host', '10.1.2.3']);
    const mask = parseMember(['10.1.2.3', '255.255.255.255']);
    expect(host.ok && mask.ok && host.key === mask.key).toBe(true);
    expect(parseMember(['10.1.2.3', '255.255.255.0'])).toMatchObject({ ok: false, kind: 'pair' });
    expect(parseMember(['10.1.2.0', '255.0.255.0'])).toMatchObject({ ok: false, kind: 'pair' });
    expect(parseMember(['2001:db8::1'])).toMatchObject({ ok: false, kind: 'invalid', badWord: 0 });
    expect(memberForm('10.0.0.0/8')).toBe('10.0.0.0 255.0.0.0');
  });

  it('a new group goes after the last object group, with the variant indent; the checksum changes', () => {
    const text = realConfigs.find((c) => c.name === 'fwsm-ceige-3.1')?.text ?? '';
    const config = parsePixConfig(text, ' ');
    const group = config.createGroup('threatstop-block');
    group.addMember('192.0.2.1/32', 'host 192.0.2.1');
    group.addMember('198.51.100.0/24', '198.51.100.0 255.255.255.0');
    const lines = config.renderLines();
    const at = lines.indexOf('object-group network threatstop-block');
    expect(lines.slice(at - 1, at + 4)).toEqual([
      ' network-object 168.11.0.0 255.255.0.0',
      'object-group network threatstop-block',
      ' network-object host 192.0.2.1',
      ' network-object 198.51.100.0 255.255.255.0',
      'access-list blarg extended permit icmp object-group hobbit1 any',
    ]);
    expect(lines.find((l) => l.startsWith('Cryptochecksum:'))).toMatch(/^Cryptochecksum:[0-9a-f]{32}$/);
    expect(lines.find((l) => l.startsWith('Cryptochecksum:'))).not.toBe(
      'Cryptochecksum:263ef49ca3beb93bd9fee18a932109ca',
    );
    config.deleteGroup('threatstop-block');
    expect(config.renderLines().filter((l) => !l.startsWith('Cryptochecksum:'))).toEqual(
      text
        .trimEnd()
        .split('\n')
        .filter((l) => !l.startsWith('Cryptochecksum:')),
    );
  });

  it('on a config without groups a new group goes before the first access-list; ACL lines are added to their list', () => {
    const config = parsePixConfig(realConfigs.find((c) => c.name === 'pix501-6.1')?.text ?? '', '  ');
    config.createGroup('threatstop-block').addMember('192.0.2.1/32', 'host 192.0.2.1');
    expect(config.addAclLine('access-list 101 deny ip object-group threatstop-block any')).toBe(true);
    expect(config.addAclLine('access-list  101 deny ip object-group threatstop-block any')).toBe(false);
    const lines = config.renderLines();
    const at = lines.indexOf('object-group network threatstop-block');
    expect(lines.slice(at, at + 6)).toEqual([
      'object-group network threatstop-block',
      '  network-object host 192.0.2.1',
      'access-list 101 permit tcp any any ',
      'access-list 101 permit udp any any eq 22 ',
      'access-list 101 deny ip object-group threatstop-block any',
      'access-list 151 permit tcp any host 201.22.1.17 eq ftp-data ',
    ]);
    expect(config.userOf('threatstop-block')).toBe('access-list 101');
    expect(config.elements()).toBe(4);
    expect(config.removeAclLine('access-list 101 deny ip object-group threatstop-block any')).toBe(true);
    expect(config.userOf('threatstop-block')).toBeUndefined();
  });

  it('pager lines and no pager are edited in place', () => {
    const text = realConfigs.find((c) => c.name === 'pix501-6.1')?.text ?? '';
    const config = parsePixConfig(text, '  ');
    expect(config.pagerLines).toBe(0);
    config.setPager(30);
    expect(config.pagerLines).toBe(30);
    expect(config.renderLines().indexOf('pager lines 30')).toBe(text.split('\n').indexOf('no pager'));
  });
});
