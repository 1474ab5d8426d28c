// Step "resolve", the lock-out proof's inputs (issue 12): the addresses a device's block list must never cover:
// its management address and HA peers, tscm's own source address toward them (asked of the kernel with a connected
// UDP socket: nothing is sent), the policy servers, the syslog and upload targets, and `protect` prefixes.
// A name that does not resolve is listed as unresolved (the plan says it is not proven), never an error: the
// device's own connection fails clearly enough when its address does not resolve.

import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { formatPrefix, parsePrefix } from '../cidr/index.js';
import type { DeviceSpec, Endpoint } from '../config/types.js';
import type { LockoutInput, ProtectedAddress } from '../plan/carve-out.js';
import type { PolicyContext } from './policy-context.js';

/** What the lock-out inputs need of the fleet: tscm.yaml's settings (policy server, upload target). */
export type ProtectContext = Pick<PolicyContext, 'settings'>;

/** How names become addresses and which address tscm leaves from: the system's, replaceable in tests. */
export interface AddressProbe {
  /** Every address of a host name (the system resolver, as the connection itself would use). */
  lookup(host: string): Promise<string[]>;
  /** tscm's source address toward an address; null when there is no route (then tscm cannot reach it either). */
  sourceAddress(address: string, port: number): Promise<string | null>;
}

export const SYSTEM_PROBE: AddressProbe = {
  lookup: async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address),
  sourceAddress,
};

/** An endpoint tscm talks to (or the device does) on this device's behalf. */
interface Target {
  readonly host: string;
  readonly port: number;
  readonly why: string;
  /**
   * tscm's source address toward it is protected too: the device's own endpoints (the host tscm runs on, as it
   * reaches the device); traffic to the servers need not cross the device at all.
   */
  readonly fromTscm: boolean;
}

export async function protectedAddresses(
  ctx: ProtectContext,
  spec: DeviceSpec,
  probe: AddressProbe = SYSTEM_PROBE,
): Promise<LockoutInput> {
  const found = new Protected();
  const unresolved: string[] = [];
  const resolved = await Promise.all(
    targetsOf(ctx, spec).map(async (t) => ({ t, addresses: await addressesOf(t.host, probe) })),
  );
  const toward = new Map<string, string[]>();
  for (const { t, addresses } of resolved) {
    if (addresses === null) {
      unresolved.push(`${t.host} (${t.why})`);
      continue;
    }
    for (const a of addresses) {
      found.add(hostPrefix(a), t.why);
      if (t.fromTscm) toward.set(a, [...(toward.get(a) ?? []), t.why]);
    }
  }
  const sources = await Promise.all(
    [...toward].map(async ([a, whys]) => ({ whys, from: await probe.sourceAddress(a, portOf(resolved, a)) })),
  );
  // Several targets are usually reached from one address: one reason naming them all.
  const from = new Map<string, string[]>();
  for (const s of sources) if (s.from !== null) from.set(s.from, [...(from.get(s.from) ?? []), ...s.whys]);
  for (const [a, whys] of from) {
    found.add(hostPrefix(a), `tscm host (its source address toward the ${unique(whys).join(', ')})`);
  }
  for (const p of spec.protect.prefixes) {
    found.add(p.prefix, p.origin === 'protect' ? 'protect' : `protect (${p.origin.replace(/ protect$/, '')})`);
  }
  return { mode: spec.protect.mode, addresses: found.list(), unresolved: unique(unresolved) };
}

/** Every endpoint whose reachability the block list could cut, in the order the plan lists them. */
function targetsOf(ctx: ProtectContext, spec: DeviceSpec): Target[] {
  const targets: Target[] = [
    { ...spec.management, why: 'management address', fromTscm: true },
    ...spec.peers.map((p) => ({ ...p, why: 'HA peer', fromTscm: true })),
  ];
  const servers = [...spec.policy.blockList, ...spec.policy.allowList].flatMap((f) =>
    f.source.kind === 'zone' ? [f.source.server] : [],
  );
  if (ctx.settings.policyServer !== undefined) servers.push(ctx.settings.policyServer);
  targets.push(...servers.map((s) => ({ ...s, why: 'policy server', fromTscm: false })));
  // The device sends its syslog to tscm's receiver: an address named in tscm.yaml (a wildcard is tscm's host).
  for (const [field, list] of [
    ['logs.udp', ctx.settings.logs.udp],
    ['logs.tcp', ctx.settings.logs.tcp],
  ] as const) {
    for (const e of list.filter((e) => !isWildcard(e.host))) {
      targets.push({ ...e, why: `syslog receiver (tscm.yaml ${field})`, fromTscm: false });
    }
  }
  if (spec.logs.forward !== undefined)
    targets.push({ ...spec.logs.forward, why: 'syslog forward target', fromTscm: false });
  if (spec.logs.upload) {
    const upload = endpointOfUrl(ctx.settings.logs.uploadUrl);
    if (upload !== null) targets.push({ ...upload, why: 'log upload target', fromTscm: false });
    const proxy = endpointOfUrl(spec.logs.proxy?.url);
    if (proxy !== null) targets.push({ ...proxy, why: 'log upload proxy', fromTscm: false });
  }
  return targets;
}

/** The addresses of a host (a literal as is, a name by the probe); null when it does not resolve. */
async function addressesOf(host: string, probe: AddressProbe): Promise<string[] | null> {
  const literal = host.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (isIP(literal) !== 0) return [literal];
  try {
    const found = (await probe.lookup(host)).filter((a) => isIP(a.replace(/%.*$/, '')) !== 0);
    return found.length === 0 ? null : found.map((a) => a.replace(/%.*$/, ''));
  } catch {
    return null;
  }
}

/** The kernel's choice of source address: connect() on a UDP socket picks the route, and sends nothing. */
function sourceAddress(address: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(isIP(address) === 6 ? 'udp6' : 'udp4');
    const done = (value: string | null): void => {
      socket.close();
      resolve(value);
    };
    socket.once('error', () => done(null));
    socket.connect(port, address, () => {
      const local = socket.address().address;
      done(isIP(local) === 0 || isWildcard(local) ? null : local);
    });
  });
}

function endpointOfUrl(url: string | undefined): Endpoint | null {
  if (url === undefined) return null;
  try {
    const u = new URL(url);
    const port = u.port !== '' ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
    return u.hostname === '' ? null : { host: u.hostname, port };
  } catch {
    return null;
  }
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

function hostPrefix(address: string): string {
  const p = parsePrefix(address);
  // A literal isIP accepted always parses; a host prefix is its full length.
  return p === null ? address : formatPrefix(p);
}

function portOf(resolved: readonly { t: Target; addresses: string[] | null }[], address: string): number {
  return resolved.find((r) => r.addresses?.includes(address) === true)?.t.port ?? 9;
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

/** Protected prefixes in first-seen order, one entry each, its reasons joined. */
class Protected {
  private readonly whys = new Map<string, string[]>();

  add(prefix: string, why: string): void {
    const list = this.whys.get(prefix);
    if (list === undefined) this.whys.set(prefix, [why]);
    else if (!list.includes(why)) list.push(why);
  }

  list(): ProtectedAddress[] {
    return [...this.whys].map(([prefix, whys]) => ({ prefix, why: whys.join('; ') }));
  }
}
