// Which device a syslog message belongs to: by the address it came from. A device's addresses are its management
// host, its HA peers and its logs.sources; an address claimed by two devices is a configuration error (a message
// from it could not be filed honestly). Hostnames are resolved with the system resolver (dns.lookup, all
// addresses), as the drivers connect to them.

import dns from 'node:dns';
import net from 'node:net';
import type { DeviceSpec } from '../../config/types.js';
import { ConfigError } from '../../errors.js';

export interface SourceMap {
  lookup(address: string): string | undefined;
  readonly size: number;
}

/** `::ffff:1.2.3.4` -> `1.2.3.4`; IPv6 lower-case and compressed, zone id dropped; anything else trimmed as is. */
export function normaliseAddress(address: string): string {
  const a = address.trim();
  if (net.isIPv4(a)) return a;
  const bare = a.includes('%') ? a.slice(0, a.indexOf('%')) : a;
  if (!net.isIPv6(bare)) return a;
  const canonical = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (mapped === null) return canonical;
  const hi = parseInt(mapped[1]!, 16);
  const lo = parseInt(mapped[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** address -> device name; an address claimed by two devices is an error naming both. */
export function buildSourceMap(
  devices: readonly { readonly name: string; readonly addresses: readonly string[] }[],
): SourceMap {
  const map = new Map<string, string>();
  for (const d of devices) {
    for (const raw of d.addresses) {
      const address = normaliseAddress(raw);
      const owner = map.get(address);
      if (owner !== undefined && owner !== d.name) {
        throw new ConfigError(
          `syslog source ${address} belongs to two devices, ${owner} and ${d.name}: its messages cannot be filed`,
          'give each device its own management, peer and logs.sources addresses',
        );
      }
      map.set(address, d.name);
    }
  }
  return { lookup: (address) => map.get(normaliseAddress(address)), size: map.size };
}

export interface SyslogAddressOptions {
  /**
   * Called for a hostname that does not resolve; the addresses that did resolve are returned. Without it, an
   * unresolved hostname throws a ConfigError naming the device and the host.
   */
  readonly onUnresolved?: (host: string, reason: string) => void;
  /** The resolver (default dns.promises.lookup). */
  readonly lookup?: (host: string) => Promise<readonly string[]>;
}

const systemLookup = async (host: string): Promise<string[]> =>
  (await dns.promises.lookup(host, { all: true, verbatim: true })).map((r) => r.address);

/** A device's syslog addresses: management host and peers (hostnames resolved, all addresses) and logs.sources. */
export async function deviceSyslogAddresses(spec: DeviceSpec, opts: SyslogAddressOptions = {}): Promise<string[]> {
  const lookup = opts.lookup ?? systemLookup;
  const out = new Set<string>();
  const hosts = [spec.management.host, ...spec.peers.map((p) => p.host)];
  for (const host of hosts) {
    if (net.isIP(host) !== 0) {
      out.add(normaliseAddress(host));
      continue;
    }
    try {
      const addresses = await lookup(host);
      if (addresses.length === 0) throw new Error('no address');
      for (const a of addresses) out.add(normaliseAddress(a));
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      if (opts.onUnresolved === undefined) {
        throw new ConfigError(
          `device ${spec.name}: host ${host} does not resolve (${reason}), so its syslog messages cannot be recognised`,
          `fix the name in ${spec.source.file}, or list the device's addresses in logs.sources`,
        );
      }
      opts.onUnresolved(host, reason);
    }
  }
  for (const s of spec.logs.sources) out.add(normaliseAddress(s));
  return [...out];
}
