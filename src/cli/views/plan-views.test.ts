import { describe, expect, it } from 'vitest';
import { EMPTY_PREFIXES } from '../../cidr/index.js';
import { registerSecret } from '../../config/secrets.js';
import { ConfigError } from '../../errors.js';
import { planFailureOf } from '../../plan/plan-failure.js';
import { renderPlanHuman } from './plan-human.js';
import { renderPlanJson } from './plan-json.js';
import { renderPlanFailuresHuman, renderScopeHuman } from './plan-report-human.js';
import { device, hosts, plan, SMALL } from './test-helpers.js';

describe('renderPlanHuman', () => {
  it('renders the golden text of a small plan', () => {
    expect(renderPlanHuman(SMALL, { color: false, maxMembers: 2 })).toBe(
      [
        'Device edge-1 (ios, state serial 3):',
        '  ~ object-group TSCM-BLOCK (block list): 3 to add, 1 to remove (5 -> 7 members); 1 unmanaged left in place',
        '      + 192.0.2.1/32',
        '      + 198.51.100.0/24',
        '      ... and 1 more to add',
        '      - 203.0.113.0/24',
        '  + object-group TSCM-ALLOW (allow list): create with 1 member',
        '      + 10.9.0.0/16',
        '  - object-group OLD (allow list): delete (2 members)',
        '  Truncated: the policy exceeds objectGroups.maxEntries (9): 4 entries left out (first: 10.0.0.0/8)',
        '  Warning: group TSCM-BLOCK: 1 member(s) on the device are not managed by tscm',
        '  Refused (apply needs --force): group TSCM-BLOCK: would remove too much',
        'Plan: 4 to add, 3 to remove, 1 groups to create, 1 to delete.',
        '',
        'Device edge-2 (ios, state serial 3):',
        '  = object-group TSCM-BLOCK (block list): no changes (4 members)',
        'No changes. edge-2 is up to date.',
        '',
      ].join('\n'),
    );
  });

  it('escapes control characters in warnings and refusals (device lines, or a plan file), never forging a line', () => {
    const hostile = plan(
      device('edge-1', [], {
        warnings: ['foreign line \x1b[31mred\nError: forged'],
        refusals: ['group X\rhostname pwned'],
      }),
    );
    const out = renderPlanHuman(hostile, { color: false });
    expect(out.includes('\x1b') || out.includes('\r')).toBe(false);
    expect(out).toContain('Warning: foreign line \\u001b[31mred\\nError: forged');
    expect(out).toContain('group X\\rhostname pwned');
    expect(out.split('\n').filter((l) => /^(Error|hostname)/.test(l))).toEqual([]);
  });

  it('colours only when asked', () => {
    expect(renderPlanHuman(SMALL, { color: false })).not.toContain('\x1b[');
    const coloured = renderPlanHuman(SMALL, { color: true });
    expect(coloured).toContain('\x1b[32m      + 192.0.2.1/32\x1b[0m');
    expect(coloured).toContain('\x1b[31m      - 203.0.113.0/24\x1b[0m');
  });

  it('caps the listing of a huge group at 50 members by default', () => {
    const big = plan(
      device('edge-1', [
        {
          name: 'B',
          role: 'block',
          action: 'update',
          add: hosts(1_000),
          remove: EMPTY_PREFIXES,
          unmanaged: 0,
          alreadyPresent: 0,
          before: 1,
          after: 1_001,
        },
      ]),
    );
    const text = renderPlanHuman(big, { color: false });
    expect(text.split('\n').filter((l) => l.startsWith('      + '))).toHaveLength(50);
    expect(text).toContain('      ... and 950 more to add');
  });
});

describe('renderPlanJson', () => {
  it('gives per device a summary and the changes with CIDR strings', () => {
    const doc = JSON.parse(renderPlanJson(SMALL));
    expect(doc.changes).toBe(true);
    expect(doc.devices[0].summary).toEqual({ add: 4, remove: 3, create: 1, delete: 1 });
    expect(doc.devices[0].groups[0]).toMatchObject({
      name: 'TSCM-BLOCK',
      action: 'update',
      add: ['192.0.2.1/32', '198.51.100.0/24', '2001:db8::/48'],
      remove: ['203.0.113.0/24'],
    });
    expect(doc.devices[1]).toMatchObject({ device: 'edge-2', changes: false, truncation: null });
    expect(doc.failures).toEqual([]);
  });

  it('lists the devices that failed, with step, message and hint, secrets redacted', () => {
    registerSecret('s3cr3t-in-message');
    const failures = [
      { device: 'edge-3', step: 'resolve', error: new ConfigError('zone x refused s3cr3t-in-message', 'ask') },
      { device: 'edge-4', step: 'observe', error: new Error('socket closed') },
    ];
    const doc = JSON.parse(renderPlanJson({ ...SMALL, devices: [], failures: failures.map(planFailureOf) }));
    expect(doc.changes).toBe(false);
    expect(doc.status).toBe('failed');
    expect(doc.summary).toMatchObject({ devices: 0, failed: 2 });
    expect(doc.failures).toEqual([
      { device: 'edge-3', step: 'resolve', message: 'zone x refused ***', hint: 'ask' },
      { device: 'edge-4', step: 'observe', message: 'socket closed', hint: null },
    ]);
  });
});

describe('renderScopeHuman and renderPlanFailuresHuman', () => {
  it('name the revision, the devices planned and those removed, only for a --changed-since plan', () => {
    const changed = {
      selection: 'changed' as const,
      changedSince: { ref: 'origin/main', commit: 'b'.repeat(40) },
      removedFromDefinitions: ['edge-9'],
    };
    expect(renderScopeHuman(changed, 2)).toBe(
      'Planned the 2 device(s) whose definitions changed since origin/main (bbbbbbbbbbbb).\n' +
        'Removed from the definitions since origin/main (bbbbbbbbbbbb): edge-9. Their groups stay on the device(s): ' +
        'a plan never removes them; `tscm remove` (while the definition exists) or an explicit --prune does.\n',
    );
    expect(renderScopeHuman({ ...changed, selection: 'all' }, 2)).toBe('');
    expect(renderScopeHuman(null, 2)).toBe('');
  });

  it('keep a message on its lines, indented, and escape what could drive the terminal or forge a line', () => {
    const text = renderPlanFailuresHuman([
      { device: 'edge-3', step: 'resolve', message: 'bad list:\n  a.txt:2: not valid', hint: 'fix it' },
      { device: 'edge-4', step: 'observe', message: 'said:\nError: forged\x1b[2J', hint: null },
    ]);
    expect(text).toBe(
      [
        'Error: edge-3: resolve failed: bad list:',
        '  a.txt:2: not valid',
        '  hint: fix it',
        'Error: edge-4: observe failed: said:',
        '  Error: forged\\u001b[2J',
        '2 device(s) failed.',
        '',
      ].join('\n'),
    );
  });
});
