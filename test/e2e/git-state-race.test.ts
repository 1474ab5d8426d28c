// Two reconcilers racing on one git state backend (two replicas, or a replica and a CI job, each with its own clone
// of the definitions): both run a full pass over the same fleet at the same time. The branch's compare-and-swap
// locks let one of them work on each device at a time, rejected pushes are re-read and re-applied, and nothing is
// lost: afterwards the branch holds each device's state exactly as its router holds the groups, and a third pass
// from either clone finds nothing to do.

import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prefixesToStrings } from '../../src/cidr/index.js';
import { StateStore } from '../../src/state/index.js';
import { runTscm } from '../helpers/cli.js';
import { groupMembers, hosts, startFleetLab, type FleetLab } from '../helpers/fleet-lab.js';

const A = 'a.race.tscm.test';
const B = 'b.race.tscm.test';
const NAMES = ['r1', 'r2', 'r3', 'r4'];

let lab: FleetLab | undefined;
let tmp: string | undefined;
afterEach(async () => {
  await lab?.close();
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
  lab = undefined;
  tmp = undefined;
});

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=ops', '-c', 'user.email=ops@example.test', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/** `host 10.1.0.0` / `10.1.0.0 255.255.255.255` -> `10.1.0.0/32`, as the state writes members. */
const asCidr = (line: string): string => `${line.replace(/^host /, '').split(' ')[0]}/32`;

describe('two reconcilers racing on the git state backend', () => {
  // Two CLI processes and a dozen routers: a wider budget than the default for a loaded CI machine.
  it(
    'lose nothing: each device applied once, state equal to the routers, the next pass idle',
    { timeout: 90_000 },
    async () => {
      tmp = await mkdtemp(path.join(tmpdir(), 'tscm-race-'));
      const bare = path.join(tmp, 'state.git');
      git(tmp, 'init', '-q', '--bare', bare);
      lab = await startFleetLab({
        zones: { [A]: hosts('10.1.0.0', 300), [B]: hosts('10.2.0.0', 300) },
        devices: NAMES.map((name, i) => ({ name, zone: i % 2 === 0 ? A : B })),
        settings: `state: { backend: git, repo: "file://${bare}", branch: tscm-state, lockTtlSeconds: 600 }\n`,
      });
      const l = lab;
      const clones = ['one', 'two'].map((n) => {
        const dir = path.join(tmp!, n);
        git(tmp!, 'clone', '-q', l.dir, dir);
        return dir;
      });
      const reconcile = (dir: string) => runTscm(['reconcile', '--once', '--dir', dir], { env: l.env });

      const [one, two] = await Promise.all(clones.map(reconcile));
      // A device the other runner holds is "locked" (transient): that runner retries it later, not a failure of tscm.
      for (const r of [one!, two!]) expect(r.stderr).not.toMatch(/internal error|InternalError/i);
      for (const name of NAMES) expect(groupMembers(l.routers.get(name)!)).toHaveLength(300);
      // Each member was sent once in all: a device one runner applied, the other found up to date or locked.
      const added = [one!, two!].flatMap((r) => [...r.stdout.matchAll(/Applied {2}applied: (\d+) added/g)]);
      expect(added.reduce((n, m) => n + Number(m[1]), 0)).toBe(NAMES.length * 300);

      // Whatever each runner did, the branch holds every device's state, equal to its router, and no lock.
      const check = path.join(tmp, 'check');
      git(tmp, 'clone', '-q', '--branch', 'tscm-state', `file://${bare}`, check);
      const store = new StateStore(check);
      for (const name of NAMES) {
        const state = await store.read(name);
        const group = state?.inventory.groups.find((g) => g.name === 'threatstop-block');
        const owned = group ? prefixesToStrings(group.members) : [];
        expect(owned.sort(), name).toEqual(groupMembers(l.routers.get(name)!).map(asCidr).sort());
        expect(await store.readLock(name), name).toBeNull();
      }

      // A pass from each clone, one after the other: the devices a runner lost to the other are up to date, nothing
      // is sent twice, nothing removed.
      for (const dir of clones) {
        const again = await reconcile(dir);
        expect(again.code, again.stdout + again.stderr).toBe(0);
        expect(again.stdout).not.toMatch(/Applied {2}applied: [1-9]/);
      }
      for (const name of NAMES) expect(groupMembers(l.routers.get(name)!)).toHaveLength(300);
    },
  );
});
