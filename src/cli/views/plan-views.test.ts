import { describe, expect, it } from 'vitest';
import { EMPTY_PREFIXES, makePrefixList, prefixesFromStrings } from '../../cidr/index.js';
import type { DevicePlan, GroupChange, Plan } from '../../plan/model.js';
import { renderPlanHuman } from './plan-human.js';
import { registerSecret } from '../../config/secrets.js';
import { ConfigError } from '../../errors.js';
import { renderPlanJson } from './plan-json.js';
import { MARKDOWN_MAX_CHARS, renderPlanMarkdown } from './plan-markdown.js';

const P = (...s: string[]) => prefixesFromStrings(s);

function device(name: string, groups: GroupChange[], extra: Partial<DevicePlan> = {}): DevicePlan {
  const summary = { add: 0, remove: 0, create: 0, delete: 0 };
  for (const g of groups) {
    summary.add += g.add.v4.len.length + g.add.v6.len.length;
    summary.remove += g.remove.v4.len.length + g.remove.v6.len.length;
    if (g.action === 'create') summary.create++;
    if (g.action === 'delete') summary.delete++;
  }
  return {
    device: name,
    platform: 'ios',
    groups,
    summary,
    warnings: [],
    refusals: [],
    inputs: { zones: [], observedFingerprint: 'f'.repeat(64), state: { lineage: 'L', serial: 3 }, adopt: false },
    ...extra,
  };
}

function plan(...devices: DevicePlan[]): Plan {
  return { formatVersion: 1, createdAt: '2026-11-23T01:00:00.000Z', gitRevision: 'abc123', devices };
}

const SMALL = plan(
  device(
    'edge-1',
    [
      {
        name: 'TSCM-BLOCK',
        role: 'block',
        action: 'update',
        add: P('192.0.2.1/32', '198.51.100.0/24', '2001:db8::/48'),
        remove: P('203.0.113.0/24'),
        unmanaged: 1,
        alreadyPresent: 0,
        before: 5,
        after: 7,
      },
      {
        name: 'TSCM-ALLOW',
        role: 'allow',
        action: 'create',
        add: P('10.9.0.0/16'),
        remove: EMPTY_PREFIXES,
        unmanaged: 0,
        alreadyPresent: 0,
        before: 0,
        after: 1,
      },
      {
        name: 'OLD',
        role: 'allow',
        action: 'delete',
        add: EMPTY_PREFIXES,
        remove: P('10.8.0.0/16', '10.7.0.0/16'),
        unmanaged: 0,
        alreadyPresent: 0,
        before: 2,
        after: 0,
      },
    ],
    {
      warnings: ['group TSCM-BLOCK: 1 member(s) on the device are not managed by tscm'],
      refusals: ['group TSCM-BLOCK: would remove too much'],
      truncation: { dropped: 4, sample: ['10.0.0.0/8'], limit: 9 },
    },
  ),
  device('edge-2', [
    {
      name: 'TSCM-BLOCK',
      role: 'block',
      action: 'none',
      add: EMPTY_PREFIXES,
      remove: EMPTY_PREFIXES,
      unmanaged: 0,
      alreadyPresent: 0,
      before: 4,
      after: 4,
    },
  ]),
);

/** A group of n IPv4 /32s from 1.0.0.0 up. */
function hosts(n: number, start = 0x01000000) {
  const addr = new Uint32Array(n);
  for (let i = 0; i < n; i++) addr[i] = start + i;
  return makePrefixList(addr, new Uint8Array(n).fill(32), new Uint32Array(0), new Uint8Array(0));
}

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
        '  Truncated: 4 entries over the 9-entry limit left out (first: 10.0.0.0/8)',
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
    const doc = JSON.parse(renderPlanJson({ ...SMALL, devices: [] }, failures));
    expect(doc.changes).toBe(false);
    expect(doc.failures).toEqual([
      { device: 'edge-3', step: 'resolve', message: 'zone x refused ***', hint: 'ask' },
      { device: 'edge-4', step: 'observe', message: 'socket closed', hint: null },
    ]);
  });
});

describe('renderPlanMarkdown', () => {
  it('has the counts table, the notes, the first changes collapsed and where the full plan is', () => {
    const md = renderPlanMarkdown(SMALL, { planLocation: 'https://ci.example/plan.json' });
    expect(md).toContain('| edge-1 | TSCM-BLOCK (block) | update | 3 | 1 | 5 → 7 | 1 |');
    expect(md).not.toContain('| edge-2 |');
    expect(md).toContain('Up to date: edge-2.');
    expect(md).toContain('**4 to add, 3 to remove, 1 groups to create, 1 to delete**');
    expect(md).toContain(
      ':no_entry: **edge-1** refused (apply needs `--force`): group TSCM-BLOCK: would remove too much',
    );
    expect(md).toMatch(
      /<details><summary>First changes<\/summary>\n\n```diff\n# edge-1 TSCM-BLOCK: update\n\+ 192\.0\.2\.1\/32\n/,
    );
    expect(md).toContain('```\n\n</details>');
    expect(md.trimEnd().endsWith('The full plan: [https://ci.example/plan.json](https://ci.example/plan.json)')).toBe(
      true,
    );
  });

  it('escapes device text that would break the table or inject HTML', () => {
    const md = renderPlanMarkdown(
      plan(device('edge-1', [], { warnings: ['foreign line <script>x</script> | range'] })),
      { planLocation: 'out/plan.json' },
    );
    expect(md).toContain('foreign line &lt;script&gt;x&lt;/script&gt; \\| range');
    expect(md).not.toContain('<script>');
    expect(md).toContain('The full plan: `out/plan.json`');
  });

  it('stays under 60,000 characters for a 1M-entry plan', () => {
    const huge = plan(
      device('edge-1', [
        {
          name: 'B',
          role: 'block',
          action: 'update',
          add: hosts(1_000_000),
          remove: hosts(20_000, 0x20000000),
          unmanaged: 0,
          alreadyPresent: 0,
          before: 20_000,
          after: 1_000_000,
        },
      ]),
    );
    const md = renderPlanMarkdown(huge, { planLocation: 'plan.json' });
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_MAX_CHARS);
    expect(md).toContain('# ... and 999950 more to add');
    expect(md).toContain('</details>');
  });

  it('stays under the cap for a fleet of thousands of devices with long warnings', () => {
    const devices = Array.from({ length: 3_000 }, (_, i) =>
      device(
        `edge-${i}`,
        [
          {
            name: 'B',
            role: 'block',
            action: 'update',
            add: hosts(60, i * 1000),
            remove: EMPTY_PREFIXES,
            unmanaged: 0,
            alreadyPresent: 0,
            before: 0,
            after: 60,
          },
        ],
        {
          warnings: ['w'.repeat(5_000)],
        },
      ),
    );
    const md = renderPlanMarkdown(plan(...devices), { planLocation: 'plan.json', maxChars: 20_000 });
    expect(md.length).toBeLessThanOrEqual(20_000);
    expect(md).toMatch(/\| … \| \d+ more row\(s\) in the full plan/);
    expect(md).toMatch(/- … \d+ more note\(s\) in the full plan/);
    // The table and the notes leave room for the first changes themselves.
    expect(md).toContain('```diff\n# edge-0 B: update\n+ 0.0.0.0/32');
    expect(md).toContain('The full plan: `plan.json`');
  });
});
