import { describe, expect, it } from 'vitest';
import { EMPTY_PREFIXES } from '../../cidr/index.js';
import { ConfigError } from '../../errors.js';
import type { Plan, PlanFailure } from '../../plan/model.js';
import { applyCommandLine } from './markdown-text.js';
import { MARKDOWN_MAX_CHARS, planMarker, renderPlanMarkdown } from './plan-markdown.js';
import { device, hosts, plan, SMALL } from './test-helpers.js';

const lines = (md: string) => md.split('\n');
const count = (text: string, part: string) => text.split(part).length - 1;
const withoutRefusals: Plan = { ...SMALL, devices: SMALL.devices.map((d) => ({ ...d, refusals: [] })) };
const upToDate: Plan = { ...SMALL, devices: [SMALL.devices[1]!] };
const failure = (device: string, message: string, hint: string | null = null): PlanFailure => ({
  device,
  step: 'observe',
  message,
  hint,
});

describe('renderPlanMarkdown', () => {
  it('starts with the status line and the marker, then the table, the notes, the first changes, how to apply', () => {
    const md = renderPlanMarkdown(SMALL, {
      planLocation: 'https://ci.example/plan.json',
      applyCommand: applyCommandLine('plan.json', 'defs'),
    });
    expect(lines(md)[0]).toBe(
      ':no_entry: **tscm plan: refused** · 1 refused for safety (apply needs `--force`) · 1 of 2 device(s) with changes: 4 to add, 3 to remove, 1 group(s) to create, 1 to delete',
    );
    expect(lines(md)[1]).toBe('<!-- tscm-plan -->');
    expect(lines(md)[3]).toBe('Revision `abc123`');
    expect(md).toContain('| edge-1 | TSCM-BLOCK (block) | update | 3 | 1 | 5 → 7 | 1 | 0 |');
    expect(md).not.toContain('| edge-2 |');
    expect(md).toContain('Up to date: edge-2.');
    expect(md).toContain(
      ':no_entry: **edge-1** refused (apply needs `--force`): group TSCM-BLOCK: would remove too much',
    );
    expect(md).toMatch(
      /<details><summary>First changes<\/summary>\n\n```diff\n# edge-1 TSCM-BLOCK: update\n\+ 192\.0\.2\.1\/32\n/,
    );
    expect(md).toContain('```\n\n</details>');
    expect(md).toContain('**Apply:** `tscm apply plan.json --dir defs` (the refused devices need `--force`)');
    expect(md.endsWith('The full plan: [https://ci.example/plan.json](https://ci.example/plan.json)\n')).toBe(true);
    // The cut to maxEntries is said once; nothing was cut from the comment, so no note says so.
    expect(count(md, 'maxEntries')).toBe(1);
    expect(md).toContain(':warning: **edge-1**: the policy exceeds objectGroups.maxEntries (9): 4 entries left out');
    expect(md).not.toContain(':scissors:');
  });

  it('says changes, no changes or failed on the first line, with the counts', () => {
    expect(lines(renderPlanMarkdown(withoutRefusals))[0]).toBe(
      ':pencil2: **tscm plan: changes** · 1 of 2 device(s) with changes: 4 to add, 3 to remove, 1 group(s) to create, 1 to delete',
    );
    const none = renderPlanMarkdown(upToDate, { applyCommand: 'tscm apply p.json' });
    expect(lines(none)[0]).toBe(':white_check_mark: **tscm plan: no changes** · 1 device(s) up to date');
    expect(none).toContain('\nNothing to apply.\n');
    expect(none).not.toContain('tscm apply p.json');
    const failed = renderPlanMarkdown({ ...withoutRefusals, failures: [failure('edge-3', 'connection refused')] });
    expect(lines(failed)[0]).toBe(
      ':x: **tscm plan: failed** · 1 device(s) could not be planned · 1 of 2 device(s) with changes: 4 to add, 3 to remove, 1 group(s) to create, 1 to delete',
    );
    expect(failed).toContain('**Could not be planned** (1):\n- :x: **edge-3** at step `observe`: connection refused');
    expect(failed).toContain('**Apply:** save the plan with `tscm plan --out FILE`, then `tscm apply FILE`.');
    expect(failed).toContain('It applies the devices planned, not those that failed.');
  });

  it('keys the marker with --comment-id, and refuses an id that could break the comment', () => {
    expect(lines(renderPlanMarkdown(SMALL, { commentId: 'prod-eu.1' }))[1]).toBe('<!-- tscm-plan id=prod-eu.1 -->');
    for (const bad of ['', 'a b', 'x-->', 'é', 'a'.repeat(65)]) {
      expect(() => planMarker(bad)).toThrow(ConfigError);
    }
    // Neither marker is a part of the other: jobs find only their own comment.
    expect(planMarker('a')).not.toContain(planMarker());
    expect(planMarker('ab')).not.toContain(planMarker('a'));
  });

  it('escapes device, feed and plan-file text: no HTML, no second marker, no table break, no forged line', () => {
    const hostile = plan(
      device('edge-1', [], {
        warnings: ['<!-- tscm-plan --> <script>x</script> | range **bold** `code` \x1b[31m\u202egnp.exe'],
        refusals: ['line one\n# Heading\n</details>'],
      }),
    );
    const md = renderPlanMarkdown(
      {
        ...hostile,
        gitRevision: 'abc`\n<!-- tscm-plan -->',
        failures: [failure('edge-2', 'device said:\n<!-- tscm-plan -->\n| a | b |', '`rm -rf /`')],
      },
      { planLocation: 'https://x.example/p?<!--a-->&b=(c)' },
    );
    expect(count(md, '<!--')).toBe(1);
    expect(md).not.toMatch(/<script|<\/details>/);
    expect(md.includes('\x1b') || md.includes('\u202e')).toBe(false);
    expect(md).toContain(
      '&lt;!-- tscm-plan --&gt; &lt;script&gt;x&lt;/script&gt; \\| range \\*\\*bold\\*\\* \\`code\\`',
    );
    expect(md).toContain('\\\\u001b\\[31m\\\\u202egnp.exe');
    expect(md).toContain('refused (apply needs `--force`): line one \\# Heading &lt;/details&gt;');
    expect(md).toContain('Revision `abc \\u003c!-- tscm-plan --\\u003e`');
    expect(md).toContain('device said: &lt;!-- tscm-plan --&gt; \\| a \\| b \\| (\\`rm -rf /\\`)');
    expect(md).toContain('](https://x.example/p?%3C!--a--%3E&b=%28c%29)');
    for (const l of lines(md).slice(2)) expect(l).not.toMatch(/^(#|<|\||Error)/);
  });

  it('names the devices removed from the definitions since the revision', () => {
    const md = renderPlanMarkdown({
      ...upToDate,
      scope: {
        selection: 'changed',
        changedSince: { ref: 'origin/main', commit: 'c'.repeat(40) },
        removedFromDefinitions: ['edge-9'],
      },
    });
    expect(lines(md)[3]).toBe(
      'Revision `abc123` · the devices whose definitions changed since `origin/main` (`cccccccccccc`)',
    );
    expect(md).toContain(':wastebasket: **Removed from the definitions** since `origin/main`: **edge-9**.');
    expect(md).toContain('a plan never removes them');
  });

  it('stays under 60,000 characters for a 1M-entry plan, saying once what was left out', () => {
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
    expect(md).not.toContain(':scissors:');
    // Every member listed: the list is cut where the budget ends, and the cut said once under the status line.
    const all = renderPlanMarkdown(huge, { planLocation: 'plan.json', maxMembers: 2_000_000 });
    expect(all.length).toBeLessThanOrEqual(MARKDOWN_MAX_CHARS);
    expect(all.length).toBeGreaterThan(MARKDOWN_MAX_CHARS - 500);
    expect(count(all, ':scissors:')).toBe(1);
    expect(lines(all)[5]).toBe(
      '> :scissors: Shortened to fit 60000 characters: more changes left out. The full plan has everything.',
    );
    expect(all).toContain('\n# …\n```\n\n</details>\n');
  });

  it('never passes --max-chars, with thousands of devices, long warnings and failures; the cut noted once', () => {
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
        { warnings: ['w'.repeat(5_000)], refusals: i % 7 === 0 ? ['group B: would remove too much'] : [] },
      ),
    );
    const failures = Array.from({ length: 500 }, (_, i) => failure(`down-${i}`, 'x'.repeat(3_000), 'y'.repeat(500)));
    const big: Plan = { ...plan(...devices), failures };
    for (const maxChars of [2_000, 5_000, 20_000, 65_536]) {
      const md = renderPlanMarkdown(big, {
        planLocation: 'plan.json',
        applyCommand: 'tscm apply plan.json',
        maxChars,
        commentId: 'x',
      });
      expect(md.length, `${maxChars}`).toBeLessThanOrEqual(maxChars);
      expect(lines(md)[0]).toMatch(
        /^:x: \*\*tscm plan: failed\*\* · 500 device\(s\) could not be planned · 429 refused/,
      );
      expect(lines(md)[1]).toBe('<!-- tscm-plan id=x -->');
      expect(count(md, ':scissors:'), `${maxChars}`).toBe(1);
      expect(count(md, '```') % 2).toBe(0);
      expect(md).toContain('**Apply:** `tscm apply plan.json`');
      expect(md.endsWith('The full plan: `plan.json`\n')).toBe(true);
      if (maxChars >= 20_000) {
        expect(md).toMatch(/\| … \| \| \| \| \| \| \| \|/);
        expect(md).toMatch(/Shortened to fit \d+ characters: \d+ failures, \d+ table rows, \d+ notes, more changes/);
        expect(md).toContain('```diff\n# edge-0 B: update\n+ 0.0.0.0/32');
      }
    }
  });

  it('refuses a --max-chars that leaves no room for the status, the apply command and the link', () => {
    const long = `https://ci.example/${'p'.repeat(3_000)}`;
    expect(() => renderPlanMarkdown(SMALL, { planLocation: long, maxChars: 2_000 })).toThrow(
      /--max-chars 2000 leaves no room for the plan/,
    );
  });
});

describe('applyCommandLine', () => {
  it('writes a command that pastes back as itself, or none', () => {
    expect(applyCommandLine('plan.json', '.')).toBe('tscm apply plan.json');
    expect(applyCommandLine('out/plan 1.json', 'my defs')).toBe("tscm apply 'out/plan 1.json' --dir 'my defs'");
    expect(applyCommandLine(undefined, '.')).toBeNull();
    for (const bad of ["it's.json", 'a`b`.json', '-rf', 'a\nb.json']) expect(applyCommandLine(bad, '.')).toBeNull();
  });
});
