// `tscm hits DEVICE` for people: the totals, then aligned tables (busiest blocked sources and destinations, block
// entries with hits, entries that never hit, allow-list hits, ACLs). Text from devices (ACL names) is escaped.

import type { HitReport } from '../../logs/hits/index.js';
import { printable } from '../../plan/message-text.js';

export function renderHitReport(r: HitReport): string {
  const out: string[] = [];
  const t = r.totals;
  out.push(`${printable(r.device, 80)}: ACL log lines from ${r.since} to ${r.until} (${r.buckets} bucket(s))`);
  out.push(
    `  ${t.aclLines} ACL line(s): ${t.deniedPackets} packet(s) denied, ${t.permittedPackets} permitted; ` +
      `block-list hits ${t.blockHits}, allow-list hits ${t.allowHits}` +
      (t.other > 0 ? `; ${t.other} packet(s) not itemised (a bucket's key limit)` : ''),
  );
  section(out, 'Busiest blocked sources', ['SOURCE', 'PACKETS', 'BLOCK ENTRY'], r.topSources.map(addressRow));
  section(
    out,
    'Busiest blocked destinations',
    ['DESTINATION', 'PACKETS', 'BLOCK ENTRY'],
    r.topDestinations.map(addressRow),
  );
  const b = r.blockEntries;
  section(
    out,
    `Block entries: ${b.total}, ${b.withHits} with hits, ${b.neverHit.count} never hit in the period`,
    ['ENTRY', 'PACKETS', ''],
    b.top.map((e) => [e.entry, String(e.packets), e.current ? '' : '(no longer in the block list)']),
  );
  if (b.neverHit.count > 0) {
    const more = b.neverHit.count - b.neverHit.first.length;
    out.push(
      '',
      `Never hit (${b.neverHit.count}): ${b.neverHit.first.join(', ')}${more > 0 ? `, and ${more} more` : ''}`,
    );
  }
  section(
    out,
    'Allow-list hits',
    ['ALLOW ENTRY', 'ADDRESS', 'PACKETS', 'NOTE'],
    r.allowHits.map((a) => [
      a.entry,
      a.address,
      String(a.packets),
      [
        a.likelyFalsePositive ? `also blocked by ${a.blockEntry}: a likely false positive in the block list` : '',
        a.current ? '' : '(no longer in the allow list)',
      ]
        .filter((s) => s !== '')
        .join(' '),
    ]),
  );
  section(
    out,
    'ACLs',
    ['ACL', 'DENIED', 'PERMITTED'],
    r.acls.map((a) => [printable(a.acl, 64), String(a.denied), String(a.permitted)]),
  );
  if (r.skippedFiles.length > 0) {
    out.push('', `Skipped ${r.skippedFiles.length} damaged bucket file(s):`);
    for (const s of r.skippedFiles) out.push(`  ${printable(s.reason, 300)}`);
  }
  return out.join('\n') + '\n';
}

function addressRow(a: HitReport['topSources'][number]): string[] {
  return [a.address, String(a.packets), a.blockEntry ?? '-'];
}

function section(out: string[], title: string, head: string[], rows: string[][]): void {
  if (rows.length === 0) return;
  out.push('', title);
  const table = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table)
    out.push(
      row
        .map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    );
}
