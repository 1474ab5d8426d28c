// Real router configurations from public sources (src/lab/ios/testdata/real/*/SOURCE.md) booted into the emulated
// router, end to end through the built CLI: the configuration prints back byte for byte (but the header and
// timestamp lines), tscm plans, applies and finds nothing left to do, a policy change never removes a member that
// was on the device before tscm, and `tscm remove` restores the configuration exactly as it was booted.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { generateFeed, rollFeed } from '../../src/lab/demo/policy-feed.js';
import { comparableConfig as comparable } from '../../src/lab/ios/comparable-config.js';
import { openTestShell } from '../../src/lab/vty/test-shell.js';
import { runTscm } from '../helpers/cli.js';
import { startLab, type Lab } from '../helpers/lab.js';

const REAL = fileURLToPath(new URL('../../src/lab/ios/testdata/real/', import.meta.url));
const CASES = readdirSync(REAL).sort();

/**
 * Per case, an existing group to point tscm's block list at (a migration onto a group an ACL uses), and those of
 * its members the feed lists too; cases without one get groups tscm creates.
 */
const EXISTING: Record<string, { group: string; admin: string[]; alsoInFeed: string[] }> = {
  'c1811-15.1-office': {
    group: 'ENEMY',
    admin: ['host 1.2.3.4', 'host 5.6.7.8', 'host 67.67.67.67', '10.0.0.0 255.0.0.0', '203.0.113.0 255.255.255.0'],
    alsoInFeed: ['1.2.3.4/32', '5.6.7.8/32', '67.67.67.67/32'],
  },
  'batfish-ios-object-group-network': { group: 'ogn_host', admin: ['host 2.0.0.1'], alsoInFeed: ['2.0.0.1/32'] },
};

/** `show running-config` over a fresh SSH session, as an operator would read it. */
async function showRunning(lab: Lab): Promise<string[]> {
  const shell = await openTestShell(lab.router, {
    username: lab.env.TSCM_E2E_USER!,
    password: lab.env.TSCM_E2E_PASSWORD!,
  });
  try {
    await shell.readUntil(/>$/);
    shell.sendLine('enable');
    await shell.readUntil(/Password: $/);
    await shell.run(lab.env.TSCM_E2E_ENABLE!, /#$/);
    await shell.run('terminal length 0', /#$/);
    const out = await shell.run('show running-config', /\r\nend\r\n[\w.-]+#$/);
    return comparable(out.split('\r\n').slice(1, -1).join('\n'));
  } finally {
    shell.close();
  }
}

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

describe('real router configurations in the emulated router, through the CLI', () => {
  for (const name of CASES) {
    it(`${name}: round-trips, plans, applies, never removes what was there, and remove restores it`, async () => {
      const config = readFileSync(`${REAL}/${name}/running-config.txt`, 'utf8');
      const existing = EXISTING[name];
      const feed = generateFeed(200, 31);
      const first = [...feed.block, ...(existing?.alsoInFeed ?? [])];
      lab = await startLab({
        block: first,
        allow: ['2001:db8:77::/48', '100.64.7.7/32'],
        routerConfig: config,
        ...(existing ? { blockGroup: existing.group } : {}),
      });
      const l = lab;
      const run = (args: string[]) => runTscm([...args, '--dir', l.dir], { env: l.env });
      const booted = comparable(config);
      expect(await showRunning(l)).toEqual(booted);

      const plan = await run(['plan', '--detailed-exitcode']);
      expect(plan.code, plan.stdout + plan.stderr).toBe(2);
      if (existing) expect(plan.stdout).toContain(`${existing.alsoInFeed.length} already on the device, not managed`);
      const apply = await run(['apply', '--auto-approve']);
      expect(apply.code, apply.stdout + apply.stderr).toBe(0);
      const again = await run(['plan', '--detailed-exitcode']);
      expect(again.code, again.stdout + again.stderr).toBe(0);

      // The next feed drops the entries the administrator had typed, and a tenth of tscm's own.
      l.setBlock(rollFeed(feed, 0.1, 32).block, 2);
      const next = await run(['apply', '--auto-approve']);
      expect(next.code, next.stdout + next.stderr).toBe(0);
      if (existing) {
        const members = (l.router.objectGroups().get(existing.group) ?? []).map((m) => m.trim());
        for (const m of existing.admin) expect(members).toContain(m);
      }

      const remove = await run(['remove', 'edge-01', '--auto-approve']);
      expect(remove.code, remove.stdout + remove.stderr).toBe(0);
      expect(await showRunning(l)).toEqual(booted);
    });
  }
});
