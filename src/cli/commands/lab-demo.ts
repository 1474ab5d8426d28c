// The embedded default: start a lab (an emulated ISR router booted from a real-looking config, an ASA over SSH, an
// ASA over REST and an FWSM booted from real ones, and a policy DNS server serving a 10,000-entry block list),
// write device definitions for them, and run the real commands: validate, policy, plan, apply, plan again (no
// changes), then an hourly feed update applied as a minimal diff, and the controller's pass: nothing moved (no
// session), then a new zone serial reconciled on its own.

import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_POLICY_SIZE, LAB_ALLOW_ZONE, LAB_BLOCK_ZONE, startLabPolicyServer } from '../../lab/lab-policy.js';
import { generateFeed, rollFeed } from '../../lab/demo/policy-feed.js';
import { useColor } from '../color.js';
import { RECONCILE_DEFAULTS } from '../reconcile-defaults.js';
import { applyCommand } from './apply.js';
import { startDemoDevices, type DemoDevice } from './lab-demo-devices.js';
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
  const maxEntries = Math.min(2_000_000, Math.max(20_000, 2 * policySize));
  const devices = await startDemoDevices(
    {
      username: process.env.TSCM_LAB_USER,
      password: process.env.TSCM_LAB_PASSWORD,
      enablePassword: process.env.TSCM_LAB_ENABLE,
    },
    maxEntries,
  );
  try {
    const dir = await writeDefinitions({ dnsHost: dns.host, dnsPort: dns.port, devices });
    step('The lab');
    say(
      `  policy DNS server  ${dns.host}:${dns.port}  zones ${LAB_BLOCK_ZONE} (${feed.block.length} entries), ${LAB_ALLOW_ZONE} (${feed.allow.length})`,
    );
    for (const d of devices) {
      const pin = 'hostKey' in d.trust ? d.trust.hostKey : `certificate ${d.trust.certificate}`;
      say(`  ${d.name.padEnd(17)}  ${d.what} at ${d.host}:${d.port} (${pin})`);
    }
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
    step('tscm plan --detailed-exitcode (0: every device matches the policy)');
    const code = await planCommand([], { ...common, refresh: 'true', detailedExitcode: true });
    say(`exit code ${code}`);

    step('The controller: `tscm reconcile --once` (the loop runs the same pass every hour)');
    say('  its first pass reads the devices it has not seen yet: up to date, nothing to send');
    if ((await reconcileOnce(dir)) !== 0) return 1;
    const third = rollFeed(next, 0.02, 3);
    dns.setZone({ name: LAB_BLOCK_ZONE, serial: serial + 2, prefixes: third.block });
    say('\n  another hour: the block zone has a new serial, so the pass transfers it once and sends the difference');
    if ((await reconcileOnce(dir)) !== 0) return 1;
    say('\n  nothing moved since: one SOA query per zone, and no session with any device');
    if ((await reconcileOnce(dir)) !== 0) return 1;

    step('On the devices');
    for (const d of devices) say(`  ${d.name}: ${d.summary()}`);
    say(`\nDone. The definitions and tscm's state (.tscm/) are in ${dir}`);
    return code === 0 ? 0 : 1;
  } finally {
    await Promise.all(devices.map((d) => d.close()));
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
  devices: readonly DemoDevice[];
}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tscm-lab-'));
  await mkdir(path.join(dir, 'devices'));
  await writeFile(
    path.join(dir, 'tscm.yaml'),
    `# Shared defaults for the lab's devices. Credentials are references to environment variables, never literals.
policyServer: { host: ${lab.dnsHost}, port: ${lab.dnsPort} }
defaults:
  credentials:
    username: { env: TSCM_LAB_USER }
    password: { env: TSCM_LAB_PASSWORD }
    enablePassword: { env: TSCM_LAB_ENABLE }
`,
  );
  for (const [i, d] of lab.devices.entries()) {
    await writeFile(
      path.join(dir, 'devices', `${d.name}.yaml`),
      `# ${d.what}
name: ${d.name}
deviceId: tdid_lab0000${i + 1}
management: { host: ${d.host}, port: ${d.port} }
${'hostKey' in d.trust ? `hostKey: { fingerprint: "${d.trust.hostKey}" }\n` : ''}policy:
  blockList: ${LAB_BLOCK_ZONE}
  allowList: ${LAB_ALLOW_ZONE}
${d.yaml}`,
    );
  }
  return dir;
}
