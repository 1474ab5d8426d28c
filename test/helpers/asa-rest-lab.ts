// An end-to-end lab for the asa-rest driver: the ASA REST emulator (HTTPS, with its SSH front end on the same
// device model) booted from a real ASAv 9.16 configuration, a real NSD serving the policy zones on port 5353 of a
// 127.0.94.x address (helper D's loopback range), and a definitions folder with one asa-rest device whose
// certificate is pinned. Each test file passes its own last octet so files run side by side.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { prefixesToStrings } from '../../src/cidr/index.js';
import { encodeRpzIpOwner } from '../../src/policy/index.js';
import { StateStore } from '../../src/state/index.js';
import { startAsaRestEmulator } from '../../src/lab/asa-rest/index.js';
import type { AsaRestEmulatorOptions, RunningAsaRestEmulator } from '../../src/lab/asa-rest/index.js';
import { openTestShell } from '../../src/lab/vty/test-shell.js';
import { startNsd, type NsdServer } from '../dns/nsd.js';
import { zoneFileText } from '../dns/zones.js';
import { runTscm, type CliResult } from './cli.js';

export const REST_BLOCK_ZONE = 'block.rest.tscm.test';
export const REST_ALLOW_ZONE = 'allow.rest.tscm.test';
export const DEVICE = 'hq-asa-rest';

/** The real ASAv 9.16 configuration (src/lab/asa/testdata/real/asav-9.16-nac-lab, see its SOURCE.md). */
export const REAL_ASAV = readFileSync(
  new URL('../../src/lab/asa/testdata/real/asav-9.16-nac-lab/running-config.txt', import.meta.url),
  'utf8',
);

/** The real config plus a group tscm does not own, used by an ACL (it must stay byte for byte). */
export const BOOT_CONFIG = REAL_ASAV.replace(
  'access-list inside_access extended permit ip any4 any4\n',
  `object-group network OPS-JUMP
 network-object host 198.51.100.7
access-list inside_access extended permit ip object-group OPS-JUMP any
access-list inside_access extended permit ip any4 any4
`,
);

/**
 * The retry setting of the lab's device: enough retries to ride out a short fault for certain (full jitter from
 * firstDelayMs, short here as tests run), within a budget no test reaches.
 */
export const LAB_RETRY = '{ attempts: 10, maxSeconds: 30, firstDelayMs: 50 }';

export interface AsaRestLab {
  readonly dir: string;
  readonly emu: RunningAsaRestEmulator;
  readonly nsd: NsdServer;
  /** The environment holding the device's credentials (what the CLI child gets). */
  readonly env: {
    readonly TSCM_REST_USER: string;
    readonly TSCM_REST_PASSWORD: string;
    readonly TSCM_REST_ENABLE: string;
  };
  /** The password and the enable password (tokens: see https-recorder.ts). */
  readonly secrets: readonly string[];
  /** Every stdout and stderr of the runs so far. */
  readonly outputs: string[];
  setBlock(prefixes: readonly string[], serial: number): Promise<void>;
  /** Rewrites the device file (defaults: the emulator, its certificate pinned). */
  writeDevice(opts?: DeviceFileOptions): Promise<void>;
  run(args: string[], env?: Record<string, string>): Promise<CliResult>;
  /** The text of every file under the definitions folder (state, plans, logs). */
  files(): Promise<{ path: string; text: string }[]>;
  close(): Promise<void>;
}

export interface DeviceFileOptions {
  /** Lines under `advanced:` (indented), after the timeout and retry settings. */
  readonly advanced?: string;
  /** Extra top-level lines (`hostKey: ...`). */
  readonly top?: string;
  /** The fields of `objectGroups` besides maxEntries (default `nestedSize: 10000`). */
  readonly objectGroups?: string;
  /** `advanced.retry` (default LAB_RETRY). */
  readonly retry?: string;
  /** Replaces the pinned-fingerprint line under `advanced:` (another trust mode, or a wrong pin). */
  readonly trust?: string;
  /** Another address for the API (a relay in front of the emulator). */
  readonly management?: { readonly host: string; readonly port: number };
}

export interface AsaRestLabOptions {
  /** Last octet of the NSD's address; the emulator takes the next one. */
  readonly octet: number;
  readonly block: readonly string[];
  readonly allow?: readonly string[];
  readonly emulator?: Partial<AsaRestEmulatorOptions>;
}

const rpz = (name: string, serial: number, prefixes: readonly string[]) =>
  zoneFileText(
    name,
    serial,
    prefixes.map((p) => `${encodeRpzIpOwner(p)} CNAME .`),
  );

export async function startAsaRestLab(opts: AsaRestLabOptions): Promise<AsaRestLab> {
  const env = {
    TSCM_REST_USER: 'netops',
    TSCM_REST_PASSWORD: 'pw-' + randomBytes(12).toString('hex'),
    TSCM_REST_ENABLE: 'en-' + randomBytes(12).toString('hex'),
  };
  const nsd = await startNsd(
    [
      { name: REST_BLOCK_ZONE, text: rpz(REST_BLOCK_ZONE, 1, opts.block), allowTransfer: true },
      ...(opts.allow
        ? [{ name: REST_ALLOW_ZONE, text: rpz(REST_ALLOW_ZONE, 1, opts.allow), allowTransfer: true }]
        : []),
    ],
    { host: `127.0.94.${opts.octet}`, port: 5353 },
  );
  const host = `127.0.94.${opts.octet + 1}`;
  const emu = await startAsaRestEmulator({
    host,
    config: BOOT_CONFIG,
    username: env.TSCM_REST_USER,
    password: env.TSCM_REST_PASSWORD,
    enablePassword: env.TSCM_REST_ENABLE,
    ssh: { host },
    ...opts.emulator,
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'tscm-rest-e2e-'));
  await mkdir(path.join(dir, 'devices'));
  await writeFile(path.join(dir, 'tscm.yaml'), `policyServer: { host: ${nsd.host}, port: 5353 }\n`);
  const outputs: string[] = [];

  const writeDevice: AsaRestLab['writeDevice'] = (o = {}) =>
    writeFile(
      path.join(dir, 'devices', 'hq.yaml'),
      `name: ${DEVICE}
platform: asa-rest
deviceId: tdid_rest0001
management: { host: ${o.management?.host ?? emu.host}, port: ${o.management?.port ?? emu.port} }
credentials:
  username: { env: TSCM_REST_USER }
  password: { env: TSCM_REST_PASSWORD }
  enablePassword: { env: TSCM_REST_ENABLE }
policy:
  blockList: ${REST_BLOCK_ZONE}
${opts.allow ? `  allowList: ${REST_ALLOW_ZONE}\n` : ''}objectGroups: { maxEntries: 200000, ${o.objectGroups ?? 'nestedSize: 10000'} }
${o.top ?? ''}
advanced:
${o.trust ?? `  certificateFingerprint: "${emu.fingerprint256}"`}
  requestTimeoutMs: 20000
  retry: ${o.retry ?? LAB_RETRY}
${o.advanced ?? ''}
`,
    );
  await writeDevice();

  return {
    dir,
    emu,
    nsd,
    env,
    outputs,
    secrets: [env.TSCM_REST_PASSWORD, env.TSCM_REST_ENABLE],
    async setBlock(prefixes, serial) {
      await nsd.writeZone(REST_BLOCK_ZONE, rpz(REST_BLOCK_ZONE, serial, prefixes));
      await nsd.restart();
    },
    writeDevice,
    async run(args, extraEnv = {}) {
      const r = await runTscm([...args, '--dir', dir], { env: { ...env, ...extraEnv } });
      outputs.push(r.stdout, r.stderr);
      return r;
    },
    async files() {
      const out: { path: string; text: string }[] = [];
      const walk = async (d: string): Promise<void> => {
        for (const e of await readdir(d, { withFileTypes: true })) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) await walk(p);
          else out.push({ path: p, text: await readFile(p, 'utf8') });
        }
      };
      await walk(dir);
      return out;
    },
    async close() {
      await emu.close();
      await nsd.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Member lines (`network-object host A`, `network-object A MASK`) -> canonical CIDR text; other lines dropped. */
export function memberCidrs(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of lines) {
    const words = raw.trim().split(/\s+/);
    if (words[0] !== 'network-object') continue;
    if (words[1] === 'host') out.push(words[2]!.includes(':') ? `${words[2]}/128` : `${words[2]}/32`);
    else if (words[1]?.includes('/')) out.push(words[1]);
    else if (words[2] !== undefined && words[1] !== 'object') {
      const mask = words[2].split('.').reduce((n, o) => n * 256 + Number(o), 0);
      out.push(`${words[1]}/${32 - Math.log2(2 ** 32 - mask)}`);
    }
  }
  return out;
}

/** The children a master holds (`group-object <master>-<n>` lines) and their members, in the master's order. */
export function childrenOf(groups: Map<string, string[]>, master: string): Map<string, string[]> {
  const shape = new RegExp(`^group-object (${master}-\\d+)$`);
  const names = (groups.get(master) ?? []).flatMap((l) => shape.exec(l.trim())?.slice(1, 2) ?? []);
  return new Map(names.map((n) => [n, memberCidrs(groups.get(n) ?? [])]));
}

/** Groups shaped like a master's children (`<master>-<n>`) that the master does not hold: members nothing uses. */
export function orphanChildren(groups: Map<string, string[]>, master: string): string[] {
  const held = new Set(childrenOf(groups, master).keys());
  const shape = new RegExp(`^${master}-\\d+$`);
  return [...groups.keys()].filter((n) => shape.test(n) && !held.has(n));
}

/** Every member a master holds (directly and through its children), sorted. */
export function allMembers(groups: Map<string, string[]>, master: string): string[] {
  const direct = memberCidrs(groups.get(master) ?? []);
  return [...direct, ...[...childrenOf(groups, master).values()].flat()].sort();
}

/** `show running-config object-group` over the emulator's SSH front end, privileged (as an operator would). */
export async function showObjectGroupsOverSsh(lab: AsaRestLab): Promise<string> {
  const ssh = lab.emu.ssh;
  if (!ssh) throw new Error('the emulator was started without its SSH front end');
  const shell = await openTestShell(ssh, { username: lab.env.TSCM_REST_USER, password: lab.env.TSCM_REST_PASSWORD });
  try {
    await shell.readUntil(/> ?$/);
    shell.sendLine('enable');
    await shell.readUntil(/Password: ?$/);
    await shell.run(lab.env.TSCM_REST_ENABLE, /# ?$/);
    await shell.run('terminal pager 0', /# ?$/);
    return await shell.run('show running-config object-group', /\r?\n[\w.-]+# ?$/);
  } finally {
    shell.close();
  }
}

/** Resolves once the emulator's HTTPS port accepts connections (after an agent restart). */
export async function waitForApi(
  lab: { readonly emu: { host: string; port: number } },
  withinMs = 10_000,
): Promise<void> {
  const until = Date.now() + withinMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(lab.emu.port, lab.emu.host);
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > until) throw new Error(`the emulator at ${lab.emu.host}:${lab.emu.port} did not come back`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The members the state file says tscm owns in a group, as canonical CIDR text, sorted. */
export async function stateMembers(lab: AsaRestLab, group: string): Promise<string[]> {
  const state = await new StateStore(path.join(lab.dir, '.tscm')).read(DEVICE);
  const owned = state?.inventory.groups.find((g) => g.name === group);
  return owned ? prefixesToStrings(owned.members).sort() : [];
}
