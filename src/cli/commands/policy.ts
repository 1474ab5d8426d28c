// tscm policy: per device its sources in priority order with serials and counts (records, CIDRs decoded, after
// aggregation, kept and dropped by the cap, rejected, status), the groups after the cap and the policy's notes
// (gates, carve-outs, allow precedence); with --cidrs the device's desired block set alone, one CIDR per line in
// address order, hosts without /32 (the canonical minimal list FireHOL iprange prints), to pipe to other tools.

import { prefixCount, prefixTextPieces } from '../../cidr/index.js';
import { sourcesOf } from '../../config/policy-feeds.js';
import type { DeviceSpec, PolicyFeed } from '../../config/types.js';
import type { Logger } from '../../drivers/driver.js';
import { ConfigError, InternalError } from '../../errors.js';
import type { ComposeSource } from '../../plan/compose.js';
import type { DesiredState, GroupRole } from '../../plan/model.js';
import { decodeCidrFile } from '../../policy/file-source.js';
import { desiredOfSources } from '../../reconcile/desired-policy.js';
import { protectedAddresses } from '../../reconcile/protected-addresses.js';
import { loadDevices, type LoadedDevices } from '../../reconcile/load-devices.js';
import type { ResolvedPolicy } from '../../reconcile/resolve-policy.js';
import { printable } from '../../plan/message-text.js';
import { isClosedPipe } from '../closed-pipe.js';
import { createLogger, type LogLevel } from '../logger.js';
import { policyNotes, statusWords } from '../views/plan-policy-text.js';

/** Longest free text (a source label, a gate's detail) printed. */
const MAX_TEXT = 2000;

interface PolicyOptions {
  dir: string;
  json?: boolean;
  cidrs?: boolean;
  logLevel: LogLevel;
  logFormat: 'text' | 'json';
}

export async function policyCommand(names: string[], opts: PolicyOptions): Promise<number> {
  const log = createLogger({ level: opts.logLevel, format: opts.logFormat });
  if (opts.cidrs && names.length !== 1) {
    throw new ConfigError("--cidrs prints one device's set: name exactly one device", 'tscm policy DEVICE --cidrs');
  }
  if (opts.cidrs) {
    const loaded = await loadDevices(opts.dir, names, log);
    const spec = loaded.devices[0]!;
    const desired = isFileOnly(spec)
      ? await desiredFromFiles(loaded, spec, log)
      : (await resolveAll(loaded, log))[0]!.policy.desired;
    const t = desired.truncation;
    // stdout carries only the set (for pipes); the cut is said on stderr so it is not missed.
    if (t && t.dropped > 0) log.warn('policy cut to the maximum policy size', { limit: t.limit, dropped: t.dropped });
    const block = desired.groups.find((g) => g.role === 'block');
    // In pieces of one reused buffer: ~10 MB of text at 1M entries would otherwise be fresh memory to touch.
    if (block)
      for (const piece of prefixTextPieces(block.members, { bareHosts: true })) if (!(await writeAll(piece))) break;
    return 0;
  }
  const results = await resolveAll(await loadDevices(opts.dir, names, log), log);
  if (opts.json) {
    const json = results.map((r) => toJson(r.device, r.policy));
    await writeAll(Buffer.from(JSON.stringify(json, null, 2) + '\n'));
    return 0;
  }
  await writeAll(Buffer.from(results.map((r) => renderHuman(r.device, r.policy)).join('')));
  return 0;
}

/** The devices' policies through the zone resolver (the definitions are loaded once, by the caller). */
async function resolveAll({ root, settings, devices }: LoadedDevices, log: Logger) {
  // Loaded here, not at the top: `--cidrs` over list files needs neither the state backend nor zone transfers.
  const [{ fleetOf }, { resolveDevicePolicy }] = await Promise.all([
    import('../../reconcile/fleet.js'),
    import('../../reconcile/resolve-policy.js'),
  ]);
  const fleet = fleetOf(root, settings, devices, log);
  const results: { device: string; policy: ResolvedPolicy }[] = [];
  for (const spec of fleet.devices) {
    const state = await fleet.store.read(spec.name);
    results.push({ device: spec.name, policy: await resolveDevicePolicy(fleet, spec, { state, force: false }) });
  }
  return results;
}

function isFileOnly(spec: DeviceSpec): boolean {
  return sourcesOf(spec).every((s) => s.kind === 'file');
}

/** The desired state of a device whose lists are files: what resolveDevicePolicy computes, without the pins. */
async function desiredFromFiles(loaded: LoadedDevices, spec: DeviceSpec, log: Logger): Promise<DesiredState> {
  const read = async (feed: PolicyFeed, role: GroupRole, priority: number): Promise<ComposeSource> => {
    const source = feed.source;
    if (source.kind !== 'file') throw new InternalError('a zone source reached the list-file path');
    const { path } = source;
    const f = await decodeCidrFile(path, { aggregate: true, blocking: true });
    // The same warning as the zone resolver's for a list file.
    if (f.hostBits > 0) log.warn('entries with host bits set were normalised', { file: path, count: f.hostBits });
    const { records, decoded } = f;
    return { role, priority, label: path, list: f.list, serial: null, records, decoded, rejected: 0, status: 'fresh' };
  };
  const sources: ComposeSource[] = [];
  for (const [role, feeds] of [
    ['block', spec.policy.blockList],
    ['allow', spec.policy.allowList],
  ] as const) {
    for (const [i, feed] of feeds.entries()) sources.push(await read(feed, role, i + 1));
  }
  const lockout = await protectedAddresses({ settings: loaded.settings }, spec);
  return desiredOfSources(spec, sources, lockout);
}

function toJson(device: string, policy: ResolvedPolicy) {
  const report = policy.desired.report;
  return {
    device,
    zones: policy.zones,
    // Per source, in priority order per list: the counts of the version used, what the cap kept, its gate.
    sources: report?.sources ?? [],
    groups: policy.desired.groups.map((g) => ({ name: g.name, role: g.role, entries: prefixCount(g.members) })),
    truncation: policy.desired.truncation ?? null,
    lockout: report?.lockout ?? null,
    allowPrecedence: report?.allowPrecedence ?? null,
    warnings: policy.desired.notes ?? [],
  };
}

function renderHuman(device: string, policy: ResolvedPolicy): string {
  const lines = [`${device}`];
  const fetched = new Map(policy.zones.map((z) => [`${z.role} ${z.source}`, z]));
  for (const s of policy.desired.report?.sources ?? []) {
    const z = fetched.get(`${s.role} ${s.source}`);
    const serial = s.serial === null ? 'file' : `serial ${s.serial}${z?.fromCache ? ' (cached)' : ''}`;
    lines.push(`  ${s.role.padEnd(5)} ${printable(s.source, MAX_TEXT)}  ${serial}`);
    lines.push(`        ${s.records} records, ${s.decoded} CIDRs decoded, ${s.aggregated} after aggregation`);
    lines.push(
      `        priority ${s.priority}: ${s.kept} kept, ${s.droppedByCap} dropped by the cap, ${s.rejected} rejected, ${statusWords(s)}`,
    );
    const skipped = Object.entries(z?.skipped ?? {}).filter(([, n]) => n > 0);
    if (skipped.length) lines.push(`        skipped: ${skipped.map(([why, n]) => `${n} ${why}`).join(', ')}`);
  }
  for (const g of policy.desired.groups)
    lines.push(`  group ${g.name}: ${prefixCount(g.members)} entries after the cap`);
  const t = policy.desired.truncation;
  if (t && t.dropped > 0) {
    lines.push(
      `  cut to the maximum policy size ${t.limit}: ${t.dropped} entries left out (first: ${t.sample.join(', ')})`,
    );
  }
  const report = policy.desired.report;
  if (report) for (const n of policyNotes(report)) lines.push(`  ${printable(n, MAX_TEXT)}`);
  // The gates' words on a held, forced or stale source, and what the platform left out.
  for (const n of policy.desired.notes ?? []) lines.push(`  warning: ${printable(n, MAX_TEXT)}`);
  return lines.join('\n') + '\n';
}

/**
 * Writes the output and waits for it to be flushed (the set can be tens of MB; the buffer is reused after). A reader
 * that stops early closes the pipe: that ends the output (false), it is not an error (the CLI shell's closed-pipe
 * handler keeps the process alive).
 */
function writeAll(buf: Buffer): Promise<boolean> {
  return new Promise((resolve, reject) =>
    process.stdout.write(buf, (err) => (!err ? resolve(true) : isClosedPipe(err) ? resolve(false) : reject(err))),
  );
}
