// A fleet lab for the reconcile loop's end-to-end tests: several emulated IOS routers (one emulator each, on free
// loopback ports), the lab policy DNS server on port 5353 of a free 127.0.72.x address, and a definitions folder
// that is a real git repository (tscm.yaml and devices/<name>.yaml, committed as the tests say).

import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLabDnsServer, type LabDnsServer } from '../../src/lab/dns-server.js';
import { startIosEmulator, type RunningIosEmulator } from '../../src/lab/ios/index.js';

export interface FleetDevice {
  readonly name: string;
  readonly zone: string;
  /** An allow list zone. */
  readonly allow?: string;
  /** Lines added to the device's YAML. */
  readonly extra?: string;
  /** Point the device at this port instead of its router (e.g. one where nothing listens). */
  readonly port?: number;
}

export interface FleetLab {
  readonly dir: string;
  readonly dns: LabDnsServer;
  readonly routers: ReadonlyMap<string, RunningIosEmulator>;
  /** The devices' credentials, as the CLI child gets them (and process.env while the lab runs). */
  readonly env: Record<string, string>;
  setZone(zone: string, prefixes: readonly string[], serial: number): void;
  writeDevice(device: FleetDevice): Promise<void>;
  writeSettings(extraYaml: string): Promise<void>;
  removeDevice(name: string): Promise<void>;
  /** Commits everything in the folder but tscm's state; returns the commit. */
  commit(message: string): string;
  /** SSH sessions each router has seen (each session sets `terminal length 0` once). */
  logins(name: string): number;
  close(): Promise<void>;
}

async function startDns(zones: Map<string, readonly string[]>): Promise<LabDnsServer> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await startLabDnsServer({
        host: `127.0.72.${randomInt(2, 254)}`,
        port: 5353,
        zones: [...zones].map(([name, prefixes]) => ({ name, serial: 1, prefixes })),
      });
    } catch (err) {
      if (attempt > 20) throw err;
    }
  }
}

export async function startFleetLab(opts: {
  readonly zones: Record<string, readonly string[]>;
  readonly devices: readonly FleetDevice[];
  readonly settings?: string;
}): Promise<FleetLab> {
  const env = {
    TSCM_FLEET_USER: 'netops',
    TSCM_FLEET_PASSWORD: 'pw-' + randomBytes(12).toString('hex'),
    TSCM_FLEET_ENABLE: 'en-' + randomBytes(12).toString('hex'),
  };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const dns = await startDns(new Map(Object.entries(opts.zones)));
  const routers = new Map<string, RunningIosEmulator>();
  for (const d of opts.devices) {
    routers.set(
      d.name,
      await startIosEmulator({
        username: env.TSCM_FLEET_USER,
        password: env.TSCM_FLEET_PASSWORD,
        enablePassword: env.TSCM_FLEET_ENABLE,
      }),
    );
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'tscm-fleet-'));
  await mkdir(path.join(dir, 'devices'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=tscm test', '-c', 'user.email=test@tscm.invalid', ...args], {
      cwd: dir,
      encoding: 'utf8',
    }).trim();
  git('init', '-q', '-b', 'main');
  await writeFile(path.join(dir, '.gitignore'), '.tscm/\n');

  const writeSettings = (extra: string) =>
    writeFile(path.join(dir, 'tscm.yaml'), `policyServer: { host: ${dns.host}, port: ${dns.port} }\n${extra}`);
  const writeDevice = async (d: FleetDevice) => {
    const router = routers.get(d.name);
    if (router === undefined) throw new Error(`no router for ${d.name}`);
    await writeFile(
      path.join(dir, 'devices', `${d.name}.yaml`),
      `name: ${d.name}
platform: ios
deviceId: tdid_${d.name.replace(/[^a-z0-9]/g, '')}
management: { host: ${router.host}, port: ${d.port ?? router.port} }
hostKey: { fingerprint: "${router.hostKeyFingerprint}" }
credentials:
  username: { env: TSCM_FLEET_USER }
  password: { env: TSCM_FLEET_PASSWORD }
  enablePassword: { env: TSCM_FLEET_ENABLE }
policy:
  blockList: ${d.zone}
${d.allow === undefined ? '' : `  allowList: ${d.allow}\n`}advanced: { connectTimeoutMs: 2000, saveRetryDelayMs: 20, configLockRetryDelayMs: 20 }
${d.extra ?? ''}`,
    );
  };
  await writeSettings(opts.settings ?? '');
  for (const d of opts.devices) await writeDevice(d);
  git('add', '-A');
  git('commit', '-q', '-m', 'fleet');

  return {
    dir,
    dns,
    routers,
    env,
    setZone: (zone, prefixes, serial) => dns.setZone({ name: zone, serial, prefixes }),
    writeDevice,
    writeSettings,
    removeDevice: (name) => rm(path.join(dir, 'devices', `${name}.yaml`)),
    commit(message) {
      git('add', '-A');
      git('commit', '-q', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    logins: (name) => (routers.get(name)?.commandLog() ?? []).filter((c) => c === 'terminal length 0').length,
    async close() {
      for (const r of routers.values()) await r.close();
      await dns.close();
      await rm(dir, { recursive: true, force: true });
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}

/** The members of a router's group, in config form (`host 10.0.0.1`, `10.1.0.0 255.255.0.0`). */
export function groupMembers(router: RunningIosEmulator, group = 'threatstop-block'): string[] {
  return (router.objectGroups().get(group) ?? []).map((l) => l.trim()).filter((l) => !l.startsWith('description'));
}

/** `count` /32 hosts from `base` (e.g. 10.1.0.0), every other address so that they never aggregate. */
export function hosts(base: string, count: number): string[] {
  const start = base.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  return Array.from({ length: count }, (_, i) => {
    const a = start + 2 * i;
    return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/32`;
  });
}
