// An end-to-end lab for the asa-rest driver: the ASA REST emulator (HTTPS, with its SSH front end on the same
// device model) booted from a real ASAv 9.16 configuration, a real NSD serving the policy zones on port 5353 of a
// 127.0.94.x address (helper D's loopback range), and a definitions folder with one asa-rest device whose
// certificate is pinned. Each test file passes its own last octet so files run side by side.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeRpzIpOwner } from '../../src/policy/index.js';
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
 * Retries within a budget of a second: the tests exercise them, not the production waits (2 minutes). Timeouts
 * stay generous (a slow CI machine is not a device fault).
 */
export const FAST_RETRY_YAML = ['  requestTimeoutMs: 20000', '  retry: { attempts: 4, maxSeconds: 1 }'].join('\n');

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
  /** Lines under `advanced:` (indented), after the fast retry settings. */
  readonly advanced?: string;
  /** Extra top-level lines (`hostKey: ...`). */
  readonly top?: string;
  /** Extra fields of `objectGroups`. */
  readonly objectGroups?: string;
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
      { name: REST_ALLOW_ZONE, text: rpz(REST_ALLOW_ZONE, 1, opts.allow ?? []), allowTransfer: true },
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
  allowList: ${REST_ALLOW_ZONE}
objectGroups: { maxEntries: 200000, nestedSize: 10000${o.objectGroups ? `, ${o.objectGroups}` : ''} }
${o.top ?? ''}
advanced:
${o.trust ?? `  certificateFingerprint: "${emu.fingerprint256}"`}
${FAST_RETRY_YAML}
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

/** The managed children of a master (`<master>-<n>`) and their members, in child order. */
export function childrenOf(groups: Map<string, string[]>, master: string): Map<string, string[]> {
  const shape = new RegExp(`^${master}-(\\d+)$`);
  const names = [...groups.keys()]
    .filter((n) => shape.test(n))
    .sort((a, b) => Number(shape.exec(a)![1]) - Number(shape.exec(b)![1]));
  return new Map(names.map((n) => [n, memberCidrs(groups.get(n) ?? [])]));
}

/** Every member under a master (direct and in its children), sorted. */
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
