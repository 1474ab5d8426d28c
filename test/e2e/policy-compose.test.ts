// Several sources per list, end to end (issue 12): the built CLI against a real NSD on 127.0.40.x:5353 serving three
// block zones and an allow zone, plus a list file, for one device. `tscm policy --json` and `tscm plan --json` show
// the priorities honoured by the cap (the lowest priority dropped first, widest then lowest address within a source)
// with per-source counts. The expected sets and figures are worked out here from how the zones were built.

import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRpzIpOwner } from '../../src/policy/index.js';
import { startNsd, type NsdServer } from '../dns/nsd.js';
import { zoneFileText } from '../dns/zones.js';
import { runTscm } from '../helpers/cli.js';

const SCHEMAS = path.resolve(import.meta.dirname, '../../schemas');
const readSchema = (name: string) => JSON.parse(readFileSync(path.join(SCHEMAS, name), 'utf8')) as object;
const ajv = new Ajv2020({ strict: true, allErrors: true });
ajv.addSchema(readSchema('plan.schema.json'));
const validateOutput = ajv.compile(readSchema('plan-output.schema.json'));

/** n hosts of 10.second.0.0/16 that never aggregate (every other address), from the `from`-th on. */
const hosts = (second: number, n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `10.${second}.0.${(from + i) * 2}/32`);
const rpz = (cidrs: readonly string[]) => cidrs.map((c) => `${encodeRpzIpOwner(c)} CNAME .`);

const Z = {
  b1: 'b1.compose-e2e.test',
  b2: 'b2.compose-e2e.test',
  b3: 'b3.compose-e2e.test',
  al: 'al.compose-e2e.test',
};
const B1 = hosts(1, 20);
const B2 = [...hosts(2, 20), ...B1.slice(0, 5)]; // five of priority 1's entries too: they count for priority 1
const B3 = hosts(3, 20);
const FILE = hosts(4, 20);
const ALLOW = [B1[0]!, B1[1]!, B2[0]!];
const MAX = 50; // the allow group (3) first: 47 left for the block list
const SERIAL = { b1: 11, b2: 22, b3: 33, al: 44 };

interface SourceJson {
  role: string;
  priority: number;
  source: string;
  serial: number | null;
  records: number;
  decoded: number;
  rejected: number;
  aggregated: number;
  kept: number;
  droppedByCap: number;
  status: string;
}

describe('several sources per list: priorities, the cap and per-source counts (NSD on 127.0.40.x)', () => {
  let nsd: NsdServer;
  let tmp: string;
  let defs: string;

  beforeAll(async () => {
    const zones = [
      { name: Z.b1, body: B1, serial: SERIAL.b1 },
      { name: Z.b2, body: B2, serial: SERIAL.b2 },
      { name: Z.b3, body: B3, serial: SERIAL.b3 },
      { name: Z.al, body: ALLOW, serial: SERIAL.al },
    ].map((z) => ({ name: z.name, text: zoneFileText(z.name, z.serial, rpz(z.body)), allowTransfer: true }));
    for (let attempt = 0; ; attempt++) {
      try {
        nsd = await startNsd(zones, { host: `127.0.40.${randomInt(2, 254)}`, port: 5353 });
        break;
      } catch (err) {
        if (attempt >= 5) throw err;
      }
    }
    tmp = await mkdtemp(path.join(tmpdir(), 'tscm-compose-e2e-'));
    defs = path.join(tmp, 'defs');
    await mkdir(path.join(defs, 'lists'), { recursive: true });
    await writeFile(path.join(defs, 'tscm.yaml'), `policyServer: { host: ${nsd.host}, port: 5353 }\n`);
    await writeFile(path.join(defs, 'lists', 'extra.txt'), FILE.map((c) => c.replace('/32', '')).join('\n') + '\n');
    await writeFile(
      path.join(defs, 'edge.yaml'),
      `name: edge-1
platform: ios
deviceId: tdid_edge1
management: { host: 127.0.40.1, port: 9 }
credentials: { username: { env: E2E_USER }, password: { env: E2E_PASSWORD } }
hostKey: { fingerprint: "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8" }
policy:
  blockList:
    - ${Z.b1}
    - { zone: ${Z.b2} }
    - ${Z.b3}
    - { file: lists/extra.txt }
  allowList: ${Z.al}
objectGroups: { maxEntries: ${MAX} }
`,
    );
  });
  afterAll(async () => {
    await nsd?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  const server = () => `${nsd.host}:5353`;
  // Worked out by hand: priority 1 keeps its 20 less the two allowed; priority 2 its own 20 less one allowed (the
  // five shared with priority 1 are priority 1's); that is 37 of 47, so priority 3 keeps its 10 lowest addresses
  // and the file, priority 4, keeps nothing.
  const expected = (): SourceJson[] => [
    { ...zoneFigures(Z.b1, 1, SERIAL.b1, B1.length), kept: 18, droppedByCap: 0 },
    { ...zoneFigures(Z.b2, 2, SERIAL.b2, B2.length), kept: 19, droppedByCap: 0 },
    { ...zoneFigures(Z.b3, 3, SERIAL.b3, B3.length), kept: 10, droppedByCap: 10 },
    {
      role: 'block',
      priority: 4,
      source: path.join(defs, 'lists', 'extra.txt'),
      serial: null,
      records: 20,
      decoded: 20,
      rejected: 0,
      aggregated: 20,
      kept: 0,
      droppedByCap: 20,
      status: 'fresh',
    },
    { ...zoneFigures(Z.al, 1, SERIAL.al, ALLOW.length), role: 'allow', kept: 3, droppedByCap: 0 },
  ];
  const zoneFigures = (zone: string, priority: number, serial: number, n: number) => ({
    role: 'block',
    priority,
    source: `${zone} @ ${server()}`,
    serial,
    records: n + 1, // the triggers and the apex NS
    decoded: n,
    rejected: 0,
    aggregated: n,
    status: 'fresh',
  });
  const desiredBlock = () =>
    [...B1.slice(2), ...B2.slice(1, 20), ...B3.slice(0, 10)].sort((a, b) => addrOf(a) - addrOf(b));
  const addrOf = (c: string) =>
    c
      .split('/')[0]!
      .split('.')
      .reduce((n, o) => n * 256 + Number(o), 0);

  it('tscm policy --json: per-source counts, lowest priority dropped first, the allow list first', async () => {
    const r = await runTscm(['policy', '--json', '--dir', defs]);
    expect(r.code, r.stderr).toBe(0);
    const [doc] = JSON.parse(r.stdout) as {
      sources: SourceJson[];
      groups: { role: string; entries: number }[];
      truncation: { dropped: number; limit: number; sample: string[] };
      allowPrecedence: { overlaps: number; proven: boolean };
    }[];
    expect(doc!.sources).toEqual(expected());
    expect(doc!.groups.map((g) => [g.role, g.entries])).toEqual([
      ['block', 47],
      ['allow', 3],
    ]);
    // The file's entries first (taken first), then priority 3's highest addresses.
    expect(doc!.truncation).toEqual({ dropped: 30, limit: MAX, sample: FILE.slice(0, 5) });
    expect(doc!.allowPrecedence).toMatchObject({ overlaps: 3, proven: true });

    const human = await runTscm(['policy', '--dir', defs]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(
      `  block ${Z.b3} @ ${server()}  serial 33 (cached)\n        21 records, 20 CIDRs decoded`,
    );
    expect(human.stdout).toContain('priority 3: 10 kept, 10 dropped by the cap, 0 rejected, fresh');
    expect(human.stdout).toContain('priority 4: 0 kept, 20 dropped by the cap, 0 rejected, fresh');

    const cidrs = await runTscm(['policy', 'edge-1', '--cidrs', '--dir', defs]);
    expect(cidrs.code, cidrs.stderr).toBe(0);
    expect(cidrs.stdout).toBe(
      desiredBlock()
        .map((c) => c.replace('/32', ''))
        .join('\n') + '\n',
    );
  });

  it('tscm plan --json and the human plan: the same figures, and the group holds what the priorities kept', async () => {
    const r = await runTscm(['plan', '--refresh=false', '--json', '--dir', defs]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      devices: { policy: { sources: SourceJson[] }; groups: { role: string; add: string[] }[] }[];
    };
    expect(validateOutput(doc), JSON.stringify(validateOutput.errors)).toBe(true);
    const dev = doc.devices[0]!;
    expect(dev.policy.sources).toEqual(expected());
    expect(dev.groups.find((g) => g.role === 'block')!.add).toEqual(desiredBlock());
    expect(dev.groups.find((g) => g.role === 'allow')!.add).toEqual(ALLOW);

    const human = await runTscm(['plan', '--refresh=false', '--dir', defs]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(
      new RegExp(`block +3 +${Z.b3.replace(/\./g, '\\.')} @ \\S+ +33 +21 +20 +0 +20 +10 +10 +fresh`),
    );
    expect(human.stdout).toContain('Policy: allow list precedence: 3 block entries cut by the allow list');
  });
});
