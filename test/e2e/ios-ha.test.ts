// HA peers end to end: a device whose definition lists a peer is applied on its management address first and
// then on the peer, each planned against its own groups. A peer that is down fails the run naming the peer,
// after the primary converged; the state records what reached the devices, so once the peer is back the next
// run converges it and removes from the primary what the policy dropped meanwhile.

import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate, exactUnion, prefixesFromStrings, prefixesToStrings, subtract } from '../../src/cidr/index.js';
import type { PrefixList } from '../../src/cidr/types.js';
import { LAB_ROUTER_CONFIG } from '../../src/lab/demo/router-config.js';
import { generateFeed, rollFeed } from '../../src/lab/demo/policy-feed.js';
import { startIosEmulator, type RunningIosEmulator } from '../../src/lab/ios/index.js';
import { StateStore } from '../../src/state/index.js';
import { runTscm } from '../helpers/cli.js';
import { startLab, startRelay, type Lab, type Relay } from '../helpers/lab.js';

const feed = generateFeed(800, 21);
const rolled = rollFeed(feed, 0.1, 22);
const desiredOf = (block: readonly string[]): PrefixList =>
  subtract(aggregate(prefixesFromStrings([...block])), aggregate(prefixesFromStrings(feed.allow)));

/** A group's members as canonical CIDRs (with /32), from the emulator's running config. */
function members(router: RunningIosEmulator, group: string): string[] {
  return (router.objectGroups().get(group) ?? [])
    .map((l) => l.trim())
    .filter((l) => !l.startsWith('description'))
    .map((l) => {
      const [a, b] = l.split(/\s+/);
      if (a === 'host') return `${b}/32`;
      const mask = b!.split('.').reduce((n, o) => n * 256 + Number(o), 0);
      return `${a}/${32 - Math.log2(2 ** 32 - mask)}`;
    })
    .sort();
}

const expected = (list: PrefixList) => prefixesToStrings(list).sort();
const configCommands = (log: readonly string[]) => log.filter((c) => /^\s*(no )?(host |\d)/.test(c));

describe('HA peers: the management address first, then each peer', () => {
  let lab: Lab;
  let peer: RunningIosEmulator;
  let relay: Relay;
  const primaryLogAtPeerConnect: string[][] = [];
  const peerLogAtPeerConnect: string[][] = [];
  const startPeer = (port = 0, config = LAB_ROUTER_CONFIG) =>
    startIosEmulator({
      port,
      config,
      username: lab.env.TSCM_E2E_USER!,
      password: lab.env.TSCM_E2E_PASSWORD!,
      enablePassword: lab.env.TSCM_E2E_ENABLE!,
    });
  const run = (args: string[]) => runTscm([...args, '--dir', lab.dir], { env: lab.env });
  const readState = async () => (await new StateStore(path.join(lab.dir, '.tscm')).read('edge-01'))!;

  beforeAll(async () => {
    lab = await startLab({ block: feed.block, allow: feed.allow, routerConfig: LAB_ROUTER_CONFIG });
    peer = await startPeer();
    relay = await startRelay(
      () => peer.port,
      () => {
        primaryLogAtPeerConnect.push(lab.router.commandLog());
        peerLogAtPeerConnect.push(peer.commandLog());
      },
    );
  });
  afterAll(async () => {
    await relay?.close();
    await peer?.close();
    await lab?.close();
  });

  it('shares one host key within the process, so one pinned fingerprint fits both units', () => {
    expect(peer.hostKeyFingerprint).toBe(lab.router.hostKeyFingerprint);
  });

  it('converges the primary, then the peer (which is only changed once the primary is saved)', async () => {
    await lab.writeDevice(`peers: [{ host: 127.0.0.1, port: ${relay.port} }]\n`);
    const apply = await run(['apply', '--auto-approve']);
    expect(apply.code, apply.stderr).toBe(0);
    const desired = expected(desiredOf(feed.block));
    expect(members(lab.router, 'threatstop-block')).toEqual(desired);
    expect(members(peer, 'threatstop-block')).toEqual(desired);
    expect(members(peer, 'threatstop-allow')).toEqual([...feed.allow].sort());
    // The peer is contacted twice: read while planning (before any change anywhere), then changed after every
    // change and the save on the primary.
    expect(primaryLogAtPeerConnect).toHaveLength(2);
    expect(configCommands(primaryLogAtPeerConnect[0]!)).toEqual([]);
    expect(peerLogAtPeerConnect[0]).toEqual([]);
    const primaryThen = primaryLogAtPeerConnect[1]!;
    expect(configCommands(primaryThen)).toEqual(configCommands(lab.router.commandLog()));
    expect(configCommands(primaryThen).length).toBeGreaterThanOrEqual(desired.length);
    // the primary's last command was the save, then its session ended before the peer's began
    expect(primaryThen.slice(-2)).toEqual(['write memory', 'exit']);
    expect(configCommands(peerLogAtPeerConnect[1]!)).toEqual([]); // only the planning read reached it before
    expect(peer.startupConfig()).toContain(`host ${desired[0]!.replace('/32', '')}`);
    expect(apply.stdout.indexOf(`(127.0.0.1:${lab.router.port})`)).toBeLessThan(
      apply.stdout.indexOf(`(127.0.0.1:${relay.port})`),
    );
    expect(apply.stdout).toMatch(new RegExp(`\\(127\\.0\\.0\\.1:${relay.port}\\): \\d+ added`));

    const plan = await run(['plan', '--detailed-exitcode']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
  });

  it('a peer that is down fails the run naming it; the primary converges and the state records both', async () => {
    // Point the definition straight at the peer, then take the peer down: connections are refused.
    await lab.writeDevice(`peers: [{ host: 127.0.0.1, port: ${peer.port} }]\n`);
    const peerPort = peer.port;
    const peerBefore = members(peer, 'threatstop-block');
    const savedPeerConfig = peer.startupConfig();
    await peer.close();
    lab.setBlock(rolled.block, 2);

    const apply = await run(['apply', '--auto-approve']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(`127.0.0.1:${peerPort}`);
    expect(apply.stderr).toMatch(/edge-01/);
    const next = desiredOf(rolled.block);
    expect(members(lab.router, 'threatstop-block')).toEqual(expected(next));
    expect(members(peer, 'threatstop-block')).toEqual(peerBefore); // untouched: it was down

    // The state owns what either unit may hold: the new set (primary) and the old one (the peer, unread).
    const state = await readState();
    expect(state.lastApply?.ok).toBe(false);
    const owned = state.inventory.groups.find((g) => g.name === 'threatstop-block');
    expect(prefixesToStrings(owned!.members).sort()).toEqual(expected(exactUnion(next, desiredOf(feed.block))));

    // The peer comes back on the same port, booted from what it had saved; meanwhile the policy moves back.
    peer = await startPeer(peerPort, savedPeerConfig);
    expect(members(peer, 'threatstop-block')).toEqual(peerBefore);
    // The primary is converged and the peer behind: the plan names the peer and --detailed-exitcode counts it.
    const behind = await run(['plan', '--detailed-exitcode']);
    expect(behind.code, behind.stdout + behind.stderr).toBe(2);
    expect(behind.stdout).toMatch(
      new RegExp(`HA peer 127\\.0\\.0\\.1:${peerPort} is out of step: \\d+ to add, \\d+ to remove`),
    );
    lab.setBlock(feed.block, 3);
    const again = await run(['apply', '--auto-approve']);
    expect(again.code, again.stderr).toBe(0);
    const original = expected(desiredOf(feed.block));
    // Both units hold exactly the policy: the primary dropped what it got during the outage (it was owned).
    expect(members(lab.router, 'threatstop-block')).toEqual(original);
    expect(members(peer, 'threatstop-block')).toEqual(original);
    const after = await readState();
    expect(after.lastApply?.ok).toBe(true);
    const ownedAfter = after.inventory.groups.find((g) => g.name === 'threatstop-block');
    expect(prefixesToStrings(ownedAfter!.members).sort()).toEqual(original);

    const plan = await run(['plan', '--detailed-exitcode']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
  });

  it('a primary that fails mid-apply leaves the peer untouched and owned; the next run converges both', async () => {
    // Only removals (a tenth of the policy), so what the primary lost before the drop is visible.
    const shrunk = feed.block.filter((_, i) => i % 10 !== 3);
    const old = expected(desiredOf(feed.block));
    const want = expected(desiredOf(shrunk));
    lab.setBlock(shrunk, 4);
    const peerLog = peer.commandLog().length;
    lab.router.setFaults({ dropAfterCommands: 50 });
    const failed = await run(['apply', '--auto-approve']);
    lab.router.setFaults({});
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`127.0.0.1:${lab.router.port}`);
    const onPrimary = members(lab.router, 'threatstop-block');
    expect(onPrimary.length).toBeLessThan(old.length); // some removals reached it ...
    expect(onPrimary.length).toBeGreaterThan(want.length); // ... not all
    // the peer is read while planning, but not changed after a failed primary
    expect(configCommands(peer.commandLog().slice(peerLog))).toEqual([]);
    // The peer still holds every old member: the state must keep owning them, or they would be stranded there.
    const state = await readState();
    const owned = state.inventory.groups.find((g) => g.name === 'threatstop-block');
    expect(prefixesToStrings(owned!.members).sort()).toEqual(old);

    const again = await run(['apply', '--auto-approve']);
    expect(again.code, again.stderr).toBe(0);
    expect(members(lab.router, 'threatstop-block')).toEqual(want);
    expect(members(peer, 'threatstop-block')).toEqual(want);
  });

  it('a peer down on the very first run: the primary is recorded, the next run converges the peer', async () => {
    const fresh = await startLab({ block: feed.block.slice(0, 200) });
    const downPort = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    try {
      await fresh.writeDevice(`peers: [{ host: 127.0.0.1, port: ${downPort} }]\n`);
      const first = await runTscm(['apply', '--auto-approve', '--dir', fresh.dir], { env: fresh.env });
      expect(first.code).toBe(1);
      expect(first.stderr).toContain(`127.0.0.1:${downPort}`);
      const want = expected(aggregate(prefixesFromStrings(feed.block.slice(0, 200))));
      expect(members(fresh.router, 'threatstop-block')).toEqual(want);
      const state = await new StateStore(path.join(fresh.dir, '.tscm')).read('edge-01');
      expect(state?.lastApply?.ok).toBe(false);
      const owned = state?.inventory.groups.find((g) => g.name === 'threatstop-block');
      expect(prefixesToStrings(owned!.members).sort()).toEqual(want);

      const back = await startIosEmulator({
        port: downPort,
        username: fresh.env.TSCM_E2E_USER!,
        password: fresh.env.TSCM_E2E_PASSWORD!,
        enablePassword: fresh.env.TSCM_E2E_ENABLE!,
      });
      try {
        const second = await runTscm(['apply', '--auto-approve', '--dir', fresh.dir], { env: fresh.env });
        expect(second.code, second.stderr).toBe(0);
        expect(members(back, 'threatstop-block')).toEqual(want);
      } finally {
        await back.close();
      }
    } finally {
      await fresh.close();
    }
  });
});
