// tscm policy: per device its zones with serials and counts (records, CIDRs decoded, after aggregation, after
// the cap); with --cidrs the device's desired block set alone, one CIDR per line in address order, hosts without
// /32 (the canonical minimal list FireHOL iprange prints), so it can be piped to other tools.

import { prefixCount, writePrefixes } from '../../cidr/index.js';
import { ConfigError } from '../../errors.js';
import { loadFleet } from '../../reconcile/fleet.js';
import { resolveDevicePolicy, type ResolvedPolicy } from '../../reconcile/resolve-policy.js';
import { isClosedPipe } from '../closed-pipe.js';
import { createLogger, type LogLevel } from '../logger.js';

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
  const fleet = await loadFleet(opts.dir, names, log);
  const results: { device: string; policy: ResolvedPolicy }[] = [];
  for (const spec of fleet.devices)
    results.push({ device: spec.name, policy: await resolveDevicePolicy(fleet.resolver, spec) });

  if (opts.cidrs) {
    const { desired } = results[0]!.policy;
    const t = desired.truncation;
    // stdout carries only the set (for pipes); the cut is said on stderr so it is not missed.
    if (t && t.dropped > 0) log.warn('policy cut to the maximum policy size', { limit: t.limit, dropped: t.dropped });
    const block = desired.groups.find((g) => g.role === 'block');
    if (block) await writeAll(writePrefixes(block.members, { bareHosts: true }));
    return 0;
  }
  if (opts.json) {
    const json = results.map((r) => toJson(r.device, r.policy));
    await writeAll(Buffer.from(JSON.stringify(json, null, 2) + '\n'));
    return 0;
  }
  await writeAll(Buffer.from(results.map((r) => renderHuman(r.device, r.policy)).join('')));
  return 0;
}

function toJson(device: string, policy: ResolvedPolicy) {
  return {
    device,
    zones: policy.zones,
    groups: policy.desired.groups.map((g) => ({ name: g.name, role: g.role, entries: prefixCount(g.members) })),
    truncation: policy.desired.truncation ?? null,
  };
}

function renderHuman(device: string, policy: ResolvedPolicy): string {
  const lines = [`${device}`];
  for (const z of policy.zones) {
    const serial = z.serial === null ? 'file' : `serial ${z.serial}${z.fromCache ? ' (cached)' : ''}`;
    lines.push(`  ${z.role.padEnd(5)} ${z.source}  ${serial}`);
    lines.push(`        ${z.records} records, ${z.decoded} CIDRs decoded, ${z.aggregated} after aggregation`);
    const skipped = Object.entries(z.skipped).filter(([, n]) => n > 0);
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
  return lines.join('\n') + '\n';
}

/**
 * Writes the output and waits for it to be flushed (the set can be tens of MB). A reader that stops early closes
 * the pipe: that ends the output, it is not an error (the CLI shell's closed-pipe handler keeps the process alive).
 */
function writeAll(buf: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(buf, (err) => (!err || isClosedPipe(err) ? resolve() : reject(err))),
  );
}
