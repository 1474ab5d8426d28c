// The lock-out proof's inputs from real definitions (loaded from YAML as tscm does), IP literals only: no test
// resolves a real name. Names go through a probe whose lookup answers from a table, as a resolver would.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDefinitions } from '../config/index.js';
import { protectedAddresses, SYSTEM_PROBE, type AddressProbe } from './protected-addresses.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function load(settingsYaml: string, deviceYaml: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'tscm-protect-'));
  dirs.push(dir);
  await writeFile(path.join(dir, 'block.txt'), '192.0.2.0/24\n');
  await writeFile(path.join(dir, 'tscm.yaml'), settingsYaml);
  await writeFile(
    path.join(dir, 'd.yaml'),
    'name: d1\nplatform: ios\ndeviceId: tdid_1\ncredentials: { username: { env: U }, password: { env: P } }\n' +
      deviceYaml,
  );
  const defs = await loadDefinitions(dir, { defaultStateDir: path.join(dir, '.tscm') });
  expect(defs.diagnostics).toEqual([]);
  return { ctx: { settings: defs.settings }, spec: defs.devices[0]! };
}

/** A probe answering names from a table (a name not in it does not resolve), the kernel for source addresses. */
const tableProbe = (names: Record<string, string[]>): AddressProbe => ({
  lookup: async (host) => {
    const found = names[host];
    if (found === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  },
  sourceAddress: SYSTEM_PROBE.sourceAddress,
});

describe('protectedAddresses', () => {
  it('gathers management, peers, tscm itself, policy servers, log targets and protect prefixes, each with why', async () => {
    const { ctx, spec } = await load(
      'policyServer: { host: 127.0.42.10, port: 5353 }\n' +
        "protect: ['127.0.42.70/31']\n" +
        "logs: { uploadUrl: 'https://127.0.42.50:8443/up', udp: ['127.0.42.60:514'], tcp: ['0.0.0.0:514'] }\n",
      'management: { host: 127.0.42.20 }\n' +
        'peers: [{ host: 127.0.42.21 }]\n' +
        'policy:\n  blockList: [block.a, { zone: block.b, server: { host: 127.0.42.11, port: 53 } }, { file: block.txt }]\n' +
        "protect: { mode: strict, prefixes: ['2001:db8::/48'] }\n" +
        'logs: { upload: true, forward: { host: 127.0.42.40, port: 5514 }, proxy: { url: "http://127.0.42.51:3128" } }\n',
    );
    const lockout = await protectedAddresses(ctx, spec);
    expect(lockout.mode).toBe('strict');
    expect(lockout.unresolved).toEqual([]);
    expect(lockout.addresses).toEqual([
      { prefix: '127.0.42.20/32', why: 'management address' },
      { prefix: '127.0.42.21/32', why: 'HA peer' },
      { prefix: '127.0.42.10/32', why: 'policy server' },
      { prefix: '127.0.42.11/32', why: 'policy server' },
      { prefix: '127.0.42.60/32', why: 'syslog receiver (tscm.yaml logs.udp)' },
      { prefix: '127.0.42.40/32', why: 'syslog forward target' },
      { prefix: '127.0.42.50/32', why: 'log upload target' },
      { prefix: '127.0.42.51/32', why: 'log upload proxy' },
      // Linux answers a loopback destination from 127.0.0.1: tscm's own address toward every one of them.
      {
        prefix: '127.0.0.1/32',
        why: 'tscm host (its source address toward the management address, HA peer)',
      },
      { prefix: '127.0.42.70/31', why: 'protect (tscm.yaml)' },
      { prefix: '2001:db8::/48', why: 'protect' },
    ]);
  });

  it('one entry per address, its reasons joined; upload targets only for a device that uploads', async () => {
    const { ctx, spec } = await load(
      "policyServer: { host: 127.0.0.1, port: 5353 }\nlogs: { uploadUrl: 'https://127.0.42.50/up' }\n",
      "management: { host: 127.0.0.1 }\npolicy: { blockList: block.a }\nprotect: ['127.0.0.1/32']\n",
    );
    const lockout = await protectedAddresses(ctx, spec);
    expect(lockout.mode).toBe('carve');
    expect(lockout.addresses).toEqual([
      {
        prefix: '127.0.0.1/32',
        why: 'management address; policy server; tscm host (its source address toward the management address); protect',
      },
    ]);
  });

  it('resolves names, lists each that does not resolve as unresolved, and goes on with the rest', async () => {
    const { ctx, spec } = await load(
      'policyServer: { host: dns.corp.test, port: 53 }\n',
      'management: { host: fw1.corp.test }\npeers: [{ host: fw2.corp.test }]\npolicy: { blockList: block.a }\n' +
        'logs: { forward: { host: "::1", port: 514 } }\n',
    );
    const lockout = await protectedAddresses(ctx, spec, tableProbe({ 'fw1.corp.test': ['127.0.42.20', '::1'] }));
    expect(lockout.unresolved).toEqual(['fw2.corp.test (HA peer)', 'dns.corp.test (policy server)']);
    expect(lockout.addresses.map((a) => a.prefix)).toEqual(['127.0.42.20/32', '::1/128', '127.0.0.1/32']);
    expect(lockout.addresses[1]!.why).toBe(
      'management address; syslog forward target; tscm host (its source address toward the management address)',
    );
  });
});

describe('SYSTEM_PROBE.sourceAddress', () => {
  it("is the kernel's choice of local address (a connected UDP socket: nothing sent)", async () => {
    expect(await SYSTEM_PROBE.sourceAddress('127.0.42.20', 22)).toBe('127.0.0.1');
    expect(await SYSTEM_PROBE.sourceAddress('127.0.0.1', 22)).toBe('127.0.0.1');
  });
});
