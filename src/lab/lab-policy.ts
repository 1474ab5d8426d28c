// The policy side of `tscm lab`: the block and allow lists the lab serves (CIDR list files, or the generated lab
// feed) and the built-in DNS server on a policy port (53 or 5353, the only ports the device schema allows).

import { parseCidrText, prefixesToStrings } from '../cidr/index.js';
import { FILE_KINDS, readLimitedFile } from '../config/limited-file.js';
import { ConfigError } from '../errors.js';
import { generateFeed } from './demo/policy-feed.js';
import { startLabDnsServer, type LabDnsServer, type LabZone } from './dns-server.js';

export const LAB_BLOCK_ZONE = 'block.lab.tscm.test';
export const LAB_ALLOW_ZONE = 'allow.lab.tscm.test';
export const DEFAULT_POLICY_SIZE = 10_000;
/** Tried in turn when no address is given: 127.0.0.1 first, then others, beside an mDNS responder or a lab. */
export const DEFAULT_DNS_HOSTS = ['127.0.0.1', '127.0.53.1', '127.0.53.2', '127.0.53.3'] as const;
export const POLICY_PORTS = [53, 5353] as const;

export interface LabPolicySource {
  readonly blockList?: string;
  readonly allowList?: string;
  /** Entries of the generated block list when no --block-list file is given. */
  readonly policySize: number;
}

export interface LabPolicy {
  readonly block: readonly string[];
  /** No allow zone when a block list file is given without an allow list (an empty zone is an error to tscm). */
  readonly allow?: readonly string[];
  /** Where each list came from, for the banner. */
  readonly blockFrom: string;
  readonly allowFrom?: string;
}

/** Reads a CIDR list file; every bad line is reported at once as file:line. */
export async function readCidrListFile(file: string, flag: string): Promise<string[]> {
  let bytes: Buffer;
  try {
    bytes = await readLimitedFile(file, FILE_KINDS.cidrList);
  } catch (err) {
    throw new ConfigError(
      `${flag} ${file} ${(err as Error).message}`,
      'give the path of a CIDR list file: one address, CIDR or range per line, # comments',
    );
  }
  const parsed = parseCidrText(bytes, file);
  if (parsed.errors.length > 0) {
    const shown = parsed.errors.slice(0, 20).map((e) => `  ${e.source}:${e.line}: ${e.token ?? 'entry'}: ${e.reason}`);
    const more = parsed.errors.length > shown.length ? [`  ... and ${parsed.errors.length - shown.length} more`] : [];
    throw new ConfigError(
      `${flag} ${file} has ${parsed.errors.length} bad line(s):\n${[...shown, ...more].join('\n')}`,
      'fix or remove those lines: each line is an address, a CIDR (192.0.2.0/24) or a range (a - b)',
    );
  }
  const entries = prefixesToStrings(parsed.list);
  if (entries.length === 0) {
    throw new ConfigError(
      `${flag} ${file} has no entries`,
      'tscm refuses an empty policy zone (it would empty the group): add at least one address or CIDR',
    );
  }
  return entries;
}

export async function loadLabPolicy(src: LabPolicySource): Promise<LabPolicy> {
  if (!Number.isInteger(src.policySize) || src.policySize < 1 || src.policySize > 2_000_000) {
    throw new ConfigError(
      `--policy-size ${src.policySize} is not a whole number from 1 to 2000000`,
      'e.g. --policy-size 10000',
    );
  }
  if (src.blockList) {
    const block = await readCidrListFile(src.blockList, '--block-list');
    if (!src.allowList) return { block, blockFrom: src.blockList };
    return {
      block,
      blockFrom: src.blockList,
      allow: await readCidrListFile(src.allowList, '--allow-list'),
      allowFrom: src.allowList,
    };
  }
  // The generated feed's allow list is a few of its own blocked hosts (the allow list wins on the device).
  const feed = generateFeed(src.policySize, 1);
  const allow = src.allowList ? await readCidrListFile(src.allowList, '--allow-list') : feed.allow;
  return {
    block: feed.block,
    blockFrom: `generated lab feed (--policy-size ${src.policySize})`,
    allow,
    allowFrom: src.allowList ?? 'generated lab feed (a few of its blocked hosts)',
  };
}

/** The zones the lab serves. The serial is the start time (seconds): a restarted lab never reuses a serial. */
export function labZones(policy: LabPolicy, serial = Math.floor(Date.now() / 1000)): LabZone[] {
  const zones: LabZone[] = [{ name: LAB_BLOCK_ZONE, serial, prefixes: policy.block }];
  if (policy.allow) zones.push({ name: LAB_ALLOW_ZONE, serial, prefixes: policy.allow });
  return zones;
}

/** Parses HOST:PORT or [V6]:PORT; `flag` names the option in the error. */
export function parseHostPort(value: string, flag: string, example: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new ConfigError(`${flag} "${value}" is not host:port`, `e.g. ${flag} ${example}`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

/**
 * Starts the lab DNS server at `listen` (HOST:PORT, port 53 or 5353), or without one on 5353 of the first free
 * address of DEFAULT_DNS_HOSTS.
 */
export async function startLabPolicyServer(listen: string | undefined, zones: LabZone[]): Promise<LabDnsServer> {
  if (listen !== undefined) {
    const { host, port } = parseHostPort(listen, '--dns-listen', '127.0.0.1:5353');
    if (!(POLICY_PORTS as readonly number[]).includes(port)) {
      throw new ConfigError(
        `--dns-listen port ${port} is not a policy server port`,
        'device definitions accept policy servers on port 53 or 5353 only: e.g. --dns-listen 127.0.0.1:5353',
      );
    }
    try {
      return await startLabDnsServer({ host, port, zones });
    } catch (err) {
      throw bindError(listen, err);
    }
  }
  let lastError: unknown;
  for (const host of DEFAULT_DNS_HOSTS) {
    try {
      return await startLabDnsServer({ host, port: 5353, zones });
    } catch (err) {
      lastError = err;
    }
  }
  throw bindError(DEFAULT_DNS_HOSTS.map((h) => `${h}:5353`).join(', '), lastError);
}

function bindError(where: string, err: unknown): ConfigError {
  const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  return new ConfigError(
    `the lab DNS server cannot listen on ${where}: ${code}`,
    code === 'EACCES'
      ? 'port 53 needs privileges: use 5353 (--dns-listen 127.0.0.1:5353)'
      : 'another server holds that port: pick another loopback address, e.g. --dns-listen 127.0.53.9:5353',
  );
}
