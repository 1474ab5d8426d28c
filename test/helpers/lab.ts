// An end-to-end lab for tests: an emulated IOS router, the built-in policy DNS server on port 5353 of a random
// loopback address (policy servers use 53 or 5353; a random 127.x address lets test files run side by side),
// and a definitions folder with one device pointing at both.

import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLabDnsServer, type LabDnsServer } from '../../src/lab/dns-server.js';
import { startIosEmulator, type IosEmulatorOptions, type RunningIosEmulator } from '../../src/lab/ios/index.js';

export const BLOCK_ZONE = 'block.e2e.tscm.test';
export const ALLOW_ZONE = 'allow.e2e.tscm.test';

export interface Lab {
  readonly dir: string;
  readonly dns: LabDnsServer;
  readonly router: RunningIosEmulator;
  /** The environment holding the device's credentials (what the CLI child gets). */
  readonly env: Record<string, string>;
  readonly secrets: readonly string[];
  setBlock(prefixes: readonly string[], serial: number): void;
  /** Rewrites the device file; `managementPort` points it elsewhere (e.g. at a relay in front of the router). */
  writeDevice(extraYaml?: string, opts?: { managementPort?: number }): Promise<void>;
  close(): Promise<void>;
}

export interface LabOptions {
  readonly block: readonly string[];
  readonly allow?: readonly string[];
  readonly routerConfig?: string;
  readonly router?: Partial<IosEmulatorOptions>;
  readonly deviceYaml?: string;
  /** The device's block group (default: tscm's default name). */
  readonly blockGroup?: string;
}

async function startDnsOnPolicyPort(zones: Parameters<typeof startLabDnsServer>[0]['zones']): Promise<LabDnsServer> {
  for (let attempt = 0; ; attempt++) {
    const host = `127.${randomInt(1, 254)}.${randomInt(1, 254)}.${randomInt(1, 254)}`;
    try {
      return await startLabDnsServer({ host, port: 5353, zones });
    } catch (err) {
      if (attempt > 10) throw err;
    }
  }
}

export async function startLab(opts: LabOptions): Promise<Lab> {
  const secrets = {
    TSCM_E2E_USER: 'netops',
    TSCM_E2E_PASSWORD: 'pw-' + randomBytes(12).toString('hex'),
    TSCM_E2E_ENABLE: 'en-' + randomBytes(12).toString('hex'),
  };
  const dns = await startDnsOnPolicyPort([
    { name: BLOCK_ZONE, serial: 1, prefixes: opts.block },
    ...(opts.allow ? [{ name: ALLOW_ZONE, serial: 1, prefixes: opts.allow }] : []),
  ]);
  const router = await startIosEmulator({
    config: opts.routerConfig,
    username: secrets.TSCM_E2E_USER,
    password: secrets.TSCM_E2E_PASSWORD,
    enablePassword: secrets.TSCM_E2E_ENABLE,
    ...opts.router,
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'tscm-e2e-'));
  await mkdir(path.join(dir, 'devices'));
  await writeFile(path.join(dir, 'tscm.yaml'), `policyServer: { host: ${dns.host}, port: ${dns.port} }\n`);
  const writeDevice = (extra = opts.deviceYaml ?? '', where: { managementPort?: number } = {}) =>
    writeFile(
      path.join(dir, 'devices', 'edge.yaml'),
      `name: edge-01
platform: ios
deviceId: tdid_e2e00001
management: { host: ${router.host}, port: ${where.managementPort ?? router.port} }
hostKey: { fingerprint: "${router.hostKeyFingerprint}" }
credentials:
  username: { env: TSCM_E2E_USER }
  password: { env: TSCM_E2E_PASSWORD }
  enablePassword: { env: TSCM_E2E_ENABLE }
policy:
  blockList: ${BLOCK_ZONE}
${opts.allow ? `  allowList: ${ALLOW_ZONE}\n` : ''}objectGroups: { maxEntries: 200000${opts.blockGroup ? `, block: ${opts.blockGroup}` : ''} }
# Retries are exercised, not the production waits between them (3 s per busy NVRAM, 2 s per config lock).
advanced: { saveRetryDelayMs: 20, configLockRetryDelayMs: 20 }
${extra}`,
    );
  await writeDevice();
  return {
    dir,
    dns,
    router,
    env: secrets,
    secrets: [secrets.TSCM_E2E_PASSWORD, secrets.TSCM_E2E_ENABLE],
    setBlock: (prefixes, serial) => dns.setZone({ name: BLOCK_ZONE, serial, prefixes }),
    writeDevice,
    async close() {
      await router.close();
      await dns.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface Relay {
  readonly port: number;
  /** Connections accepted so far: each SSH session tscm opens is one. */
  readonly connections: () => number;
  close(): Promise<void>;
}

/**
 * A loopback TCP relay to `target()` (read at each connection, so the device behind it can be restarted on
 * another port). It counts connections and calls `onConnect` synchronously as each one arrives, before any byte
 * is relayed: a test can note what the devices had received at that moment.
 */
export async function startRelay(target: () => number, onConnect?: () => void): Promise<Relay> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    return socket;
  };
  const server = net.createServer((client) => {
    count++;
    onConnect?.();
    const upstream = track(net.connect(target(), '127.0.0.1'));
    track(client).pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
