// The embedded default: start a lab (an emulated ISR router booted from a real-looking config and a policy DNS
// server serving a 10,000-entry block list), write device definitions for it, and run the real commands:
// validate, policy, plan, apply, plan again (no changes), then an hourly feed update applied as a minimal diff, and
// the controller's pass: nothing moved (no session), then a new zone serial reconciled on its own.

import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_POLICY_SIZE, LAB_ALLOW_ZONE, LAB_BLOCK_ZONE, startLabPolicyServer } from '../../lab/lab-policy.js';
import { LAB_ROUTER_CONFIG } from '../../lab/demo/router-config.js';
import { generateFeed, rollFeed } from '../../lab/demo/policy-feed.js';
import { startIosEmulator } from '../../lab/ios/index.js';
import { useColor } from '../color.js';
import { RECONCILE_DEFAULTS } from '../reconcile-defaults.js';
import { applyCommand } from './apply.js';
import { planCommand } from './plan.js';
import { policyCommand } from './policy.js';
import { reconcileCommand } from './reconcile.js';
import { validateCommand } from './validate.js';

export async function runLabDemo(opts: { color?: boolean; policySize?: number } = {}): Promise<number> {
  const say = (s: string) => process.stdout.write(s + '\n');
  const bold = useColor(opts.color);
  const step = (s: string) => say(bold ? `\n\x1b[1m==> ${s}\x1b[0m` : `\n==> ${s}`);
  const policySize = opts.policySize ?? DEFAULT_POLICY_SIZE;
  const feed = generateFeed(policySize, 1);
  const serial = 2026112301;
  // Port 5353 on the first free loopback address of a few, beside a local mDNS responder or another lab.
  const dns = await startLabPolicyServer(undefined, [
    { name: LAB_BLOCK_ZONE, serial, prefixes: feed.block },
    { name: LAB_ALLOW_ZONE, serial, prefixes: feed.allow },
  ]);
  // Lab-only secrets, made fresh each run and handed over through the environment as in production.
  process.env.TSCM_LAB_USER = 'admin';
  process.env.TSCM_LAB_PASSWORD = randomBytes(9).toString('base64url');
  process.env.TSCM_LAB_ENABLE = randomBytes(9).toString('base64url');
  const router = await startIosEmulator({
    config: LAB_ROUTER_CONFIG,
    username: process.env.TSCM_LAB_USER,
    password: process.env.TSCM_LAB_PASSWORD,
    enablePassword: process.env.TSCM_LAB_ENABLE,
  });
  try {
    const dir = await writeDefinitions({
      dnsHost: dns.host,
      dnsPort: dns.port,
      routerPort: router.port,
      fingerprint: router.hostKeyFingerprint,
      maxEntries: Math.min(2_000_000, Math.max(20_000, 2 * policySize)),
    });
    step('The lab');
    say(
      `  policy DNS server  ${dns.host}:${dns.port}  zones ${LAB_BLOCK_ZONE} (${feed.block.length} entries), ${LAB_ALLOW_ZONE} (${feed.allow.length})`,
    );
    say(
      `  router             branch-isr-01, emulated Cisco ISR at ${router.host}:${router.port} (${router.hostKeyFingerprint})`,
    );
    say(`  definitions        ${dir}`);
    const common = { dir, logLevel: 'warn' as const, logFormat: 'text' as const, color: bold };

    step('tscm validate');
    if ((await validateCommand({ dir })) !== 0) return 1;
    step('tscm policy');
    await policyCommand([], common);
    step('tscm plan');
    await planCommand([], { ...common, refresh: 'true' });
    step('tscm apply --auto-approve');
    if ((await applyCommand([], { ...common, autoApprove: true })) !== 0) return 1;
    step('tscm plan (again: nothing left to do)');
    await planCommand([], { ...common, refresh: 'true' });

    step('An hour later the feed moves: about 2% of the entries dropped and as many added');
    const next = rollFeed(feed, 0.02, 2);
    dns.setZone({ name: LAB_BLOCK_ZONE, serial: serial + 1, prefixes: next.block });
    step('tscm plan');
    await planCommand([], { ...common, refresh: 'true' });
    step('tscm apply --auto-approve');
    if ((await applyCommand([], { ...common, autoApprove: true })) !== 0) return 1;
    step('tscm plan --detailed-exitcode (0: the router matches the policy)');
    const code = await planCommand([], { ...common, refresh: 'true', detailedExitcode: true });
    say(`exit code ${code}`);

    step('The controller: `tscm reconcile --once` (the loop runs the same pass every hour)');
    say('  its first pass reads the router it has not seen yet: up to date, nothing to send');
    if ((await reconcileOnce(dir)) !== 0) return 1;
    const third = rollFeed(next, 0.02, 3);
    dns.setZone({ name: LAB_BLOCK_ZONE, serial: serial + 2, prefixes: third.block });
    say('\n  another hour: the block zone has a new serial, so the pass transfers it once and sends the difference');
    if ((await reconcileOnce(dir)) !== 0) return 1;
    say('\n  nothing moved since: one SOA query per zone, and no session with the router');
    if ((await reconcileOnce(dir)) !== 0) return 1;

    const groups = router.objectGroups();
    step('On the router');
    say(
      `  threatstop-block: ${groups.get('threatstop-block')?.length ?? 0} entries; threatstop-allow: ${groups.get('threatstop-allow')?.length ?? 0}`,
    );
    say(
      `  corp-servers (not tscm's): ${groups.get('corp-servers')?.length ?? 0} entries, untouched; startup-config saved: ${router.startupConfig().includes('threatstop-block') ? 'yes' : 'no'}`,
    );
    say(`\nDone. The definitions and tscm's state (.tscm/) are in ${dir}`);
    return code === 0 ? 0 : 1;
  } finally {
    await router.close();
    await dns.close();
  }
}

function reconcileOnce(dir: string): Promise<number> {
  return reconcileCommand({
    ...RECONCILE_DEFAULTS,
    dir,
    dirGiven: true,
    once: true,
    listen: 'off',
    logLevel: 'warn',
    logFormat: 'text',
  });
}

async function writeDefinitions(lab: {
  dnsHost: string;
  dnsPort: number;
  routerPort: number;
  fingerprint: string;
  maxEntries: number;
}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tscm-lab-'));
  await mkdir(path.join(dir, 'devices'));
  await writeFile(
    path.join(dir, 'tscm.yaml'),
    `# Shared defaults for the lab's devices.\npolicyServer: { host: ${lab.dnsHost}, port: ${lab.dnsPort} }\n`,
  );
  await writeFile(
    path.join(dir, 'devices', 'branch-isr-01.yaml'),
    `# The lab router. Credentials are references to environment variables, never literals.
name: branch-isr-01
platform: ios
deviceId: tdid_lab00001
management: { host: 127.0.0.1, port: ${lab.routerPort} }
hostKey: { fingerprint: "${lab.fingerprint}" }
credentials:
  username: { env: TSCM_LAB_USER }
  password: { env: TSCM_LAB_PASSWORD }
  enablePassword: { env: TSCM_LAB_ENABLE }
policy:
  blockList: ${LAB_BLOCK_ZONE}
  allowList: ${LAB_ALLOW_ZONE}
objectGroups: { block: threatstop-block, allow: threatstop-allow, maxEntries: ${lab.maxEntries} }
`,
  );
  return dir;
}
