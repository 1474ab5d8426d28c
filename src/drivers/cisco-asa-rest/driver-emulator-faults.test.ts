// The ASA REST driver when the device struggles (issue 9, spec §6 rows 21-25), against the emulator on loopback
// 127.0.93.0/24: a 500 after the write applied (re-read, nothing sent twice), an agent restart (refused
// connections), token expiry (401, one new token), 25 sessions in use (503), persistent 500s (the agent out of
// memory: stop, say what reached the device, the next run converges), writemem failures, an interruption, and the
// fallback to SSH when the API is absent. No secret in any message or log line.

import { beforeEach, describe, expect, it } from 'vitest';
import { exactEquals, prefixCount } from '../../cidr/index.js';
import { ConfigError, TransientError } from '../../errors.js';
import { DEFAULT_ASA_CONFIG } from '../../lab/asa/default-config.js';
import { startAsaRestEmulator, type AsaRestFaults, type RunningAsaRestEmulator } from '../../lab/asa-rest/index.js';
import { DeviceApplyError, type DriverContext } from '../driver.js';
import { getDriverFactory } from '../registry.js';
import { createAsaRestDriver } from './index.js';
import { readAsaRestOptions } from './options.js';
import {
  address,
  ALLOW_GROUP,
  BLOCK_GROUP,
  BOOT_LINES,
  closeAfterEach,
  connect,
  context,
  FAST,
  hosts,
  keepDriver,
  logLines,
  membersOf,
  planFor,
  REFS,
  run,
  SECRETS,
  track,
  writes,
} from './e2e/test-helpers.js';

closeAfterEach();
beforeEach(() => {
  logLines.length = 0;
});

const BLOCK = 0x64400000;
const BOOT = DEFAULT_ASA_CONFIG.replace('ftp mode passive\n', `${BOOT_LINES.join('\n')}\nftp mode passive\n`);
const V1 = { [BLOCK_GROUP]: hosts(BLOCK, 250, true), [ALLOW_GROUP]: hosts(0xc0000200, 0) };

async function boot(faults?: AsaRestFaults, ssh = false): Promise<RunningAsaRestEmulator> {
  const host = address();
  return track(
    await startAsaRestEmulator({
      host,
      ...SECRETS,
      config: BOOT,
      ...(ssh ? { ssh: { host } } : {}),
      ...(faults === undefined ? {} : { faults }),
    }),
  );
}

/** Observe, then arm the faults, then apply: the faults hit the writes. */
async function applyWith(emu: RunningAsaRestEmulator, faults: AsaRestFaults, desired = V1, options = {}) {
  const driver = await connect(emu, options);
  const basis = await driver.observe(REFS);
  const plan = planFor(basis, desired);
  emu.setFaults(faults);
  emu.resetRequests();
  const progress: number[] = [];
  const result = await driver.apply(plan, basis, { onProgress: (p) => progress.push(p.done) }).then(
    (o) => ({ ok: true as const, o }),
    (e: unknown) => ({ ok: false as const, e }),
  );
  emu.setFaults({});
  const requests = emu.requests();
  const fresh = await driver.observe(REFS);
  return { result, requests, fresh, progress };
}

function noSecrets(texts: readonly string[]): void {
  for (const t of texts) {
    expect(t).not.toContain(SECRETS.password);
    expect(t).not.toContain(SECRETS.enablePassword);
    expect(t).not.toContain(Buffer.from(`${SECRETS.username}:${SECRETS.password}`).toString('base64'));
  }
}

describe('ASA REST driver under faults', () => {
  it('re-reads after a 500 whose write applied and sends nothing twice', async () => {
    const emu = await boot();
    // The 2nd and 5th writes fail after applying (the reply lost).
    const { result, requests, fresh } = await applyWith(emu, {
      serverErrors: { afterRequests: 1, count: 1, applyWrites: true },
    });
    expect(result.ok).toBe(true);
    expect(exactEquals(membersOf(fresh, BLOCK_GROUP), V1[BLOCK_GROUP])).toBe(true);
    // The failed write is followed by one GET of its group and no second copy of it.
    expect(requests.byRoute['GET /api/objects/networkobjectgroups/{id}']).toBe(1);
    expect(writes(requests)).toEqual({ POST: 3, PATCH: 3 });
    expect(logLines.some((l) => l.includes('write failed but the device holds it'))).toBe(true);
  });

  it('a 500 before the write (HTML body): re-read, then the same request again, once', async () => {
    const emu = await boot();
    const { result, requests, fresh } = await applyWith(emu, {
      serverErrors: { afterRequests: 0, count: 1, body: 'html' },
    });
    expect(result.ok).toBe(true);
    expect(exactEquals(membersOf(fresh, BLOCK_GROUP), V1[BLOCK_GROUP])).toBe(true);
    expect(requests.byRoute['GET /api/objects/networkobjectgroups/{id}']).toBe(1);
    expect(writes(requests)).toEqual({ POST: 4, PATCH: 3 });
  });

  it('rides out an agent restart (connections refused) and converges', async () => {
    const emu = await boot();
    // Full jitter may wait almost nothing: 20 tries (about a second of back-off expected) outlast 150 ms down.
    const { result, fresh } = await applyWith(emu, { agentRestart: { afterRequests: 2, downMs: 150 } }, V1, {
      'advanced.retry': { attempts: 20, maxSeconds: 20 },
    });
    if (!result.ok) throw result.e;
    expect(result.ok).toBe(true);
    expect(exactEquals(membersOf(fresh, BLOCK_GROUP), V1[BLOCK_GROUP])).toBe(true);
    expect(emu.objectGroups().get(`${BLOCK_GROUP}-3`)?.length).toBe(50);
  });

  it('takes a new token on a 401 (expired) and deletes its token at close', async () => {
    const emu = await boot();
    const { result, fresh } = await applyWith(emu, { tokenExpiresAfterRequests: 2 });
    expect(result.ok).toBe(true);
    expect(exactEquals(membersOf(fresh, BLOCK_GROUP), V1[BLOCK_GROUP])).toBe(true);
    expect(emu.requests().byRoute['POST /api/tokenservices']).toBeGreaterThanOrEqual(2);
    const before = emu.activeTokens();
    expect(before).toBeGreaterThan(0);
    const other = await connect(emu);
    await other.observe(REFS);
    await other.close();
    expect(emu.activeTokens()).toBe(before);
  });

  it('says the 25 sessions are in use on 503 and backs off (a transient error)', async () => {
    const emu = await boot({ maxSessions: 0 });
    const err = await connect(emu, { 'advanced.retry': { attempts: 2, maxSeconds: 5 } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toMatch(/25 sessions/);
    expect(emu.requests().byRoute['POST /api/tokenservices']).toBe(3);
  });

  it('stops on persistent 500s with the out-of-memory advice and what reached the device; the next run converges', async () => {
    const emu = await boot();
    // Every write after the 4th fails: 4 writes reach the device.
    const { result, fresh, progress } = await applyWith(emu, { serverErrors: { afterRequests: 4 } }, V1, {
      'advanced.retry': { attempts: 3, maxSeconds: 10 },
    });
    expect(result.ok).toBe(false);
    const err = (result as { e: unknown }).e as DeviceApplyError;
    expect(err).toBeInstanceOf(DeviceApplyError);
    expect(err.message).toMatch(/REST agent keeps failing.*out of memory.*no rest-api agent.*SSH/s);
    expect(err.transient).toBe(true);
    // What reached the device is what the re-read shows: the first child (100) and 60 of the second... whatever
    // the split, reached equals the members the device holds beyond the foreign ones.
    const held = prefixCount(membersOf(fresh, BLOCK_GROUP)) - 2;
    expect(err.reached).toBe(held);
    expect(held).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(err.reached);
    noSecrets([err.message, err.deviceReply ?? '', ...logLines]);

    const next = await run(emu, V1);
    expect(exactEquals(membersOf(next.observed, BLOCK_GROUP), V1[BLOCK_GROUP])).toBe(true);
  });

  it('reads the groups when the out-of-memory agent refuses the ACL read: in use, with a note', async () => {
    const emu = await boot();
    await run(emu, V1);
    // Writes (the POST of /api/cli too) fail while the configuration is this size; GETs still answer.
    emu.setFaults({ oomAboveConfigBytes: 1 });
    const driver = await connect(emu);
    const o = await driver.observe(REFS);
    const block = o.groups.find((g) => g.name === BLOCK_GROUP);
    expect(exactEquals(membersOf(o, BLOCK_GROUP), V1[BLOCK_GROUP])).toBe(true);
    expect(block?.usedBy).toEqual(['access-list (ACLs not read)']);
    expect(o.haRole).toBeUndefined();
    expect(o.notes).toEqual([expect.stringMatching(/refused `show running-config access-list`.*in use/)]);
    emu.setFaults({});
    emu.resetRequests();
    const again = await driver.observe(REFS);
    expect(again.notes ?? []).toEqual([]);
    // ACLs and failover in one CLI call; failover off: a standalone unit (no role).
    expect(emu.requests().byRoute['POST /api/cli']).toBe(1);
    expect(again.haRole).toBeUndefined();
    expect(again.groups.find((g) => g.name === BLOCK_GROUP)?.usedBy).not.toContain('access-list (ACLs not read)');
  });

  it('attaches a child a failed attach left outside the master, instead of creating another', async () => {
    const emu = await boot();
    const desired = { [BLOCK_GROUP]: hosts(BLOCK, 150, true), [ALLOW_GROUP]: hosts(0xc0000200, 0) };
    // Children of 100: the second child is created and filled, then its attach is refused (the agent failing).
    const first = await applyWith(emu, { serverErrors: { afterRequests: 3 } }, desired, {
      'objectGroups.nestedSize': 100,
      'advanced.chunkSize': 100,
      'advanced.retry': { attempts: 1, maxSeconds: 1 },
    });
    expect(first.result.ok).toBe(false);
    expect(emu.objectGroups().get(`${BLOCK_GROUP}-2`)?.length).toBe(50);
    expect(emu.objectGroups().get(BLOCK_GROUP)).not.toContain(`group-object ${BLOCK_GROUP}-2`);
    const next = await run(emu, desired, { 'objectGroups.nestedSize': 100 });
    expect(next.described).toContainEqual(expect.stringMatching(/^attach ThreatSTOP-Block-2 \(50 members\)/));
    expect(writes(next.requests)).toEqual({ PATCH: 1 });
    expect(exactEquals(membersOf(next.observed, BLOCK_GROUP), desired[BLOCK_GROUP])).toBe(true);
    expect([...emu.objectGroups().keys()].filter((n) => n.startsWith(`${BLOCK_GROUP}-`)).sort()).toEqual([
      `${BLOCK_GROUP}-1`,
      `${BLOCK_GROUP}-2`,
    ]);
  });

  it('against a stale read, a refused POST (400 DUPLICATE) and add (already exists) become what is missing', async () => {
    const emu = await boot();
    const driver = await connect(emu);
    const basis = await driver.observe(REFS);
    // Another run creates and attaches the first child with 10 members between this read and this apply.
    await run(emu, { [BLOCK_GROUP]: hosts(BLOCK, 10, true) });
    emu.resetRequests();
    const r = await driver.apply(planFor(basis, V1), basis);
    expect(exactEquals(membersOf(r, BLOCK_GROUP), V1[BLOCK_GROUP])).toBe(true);
    const fresh = await driver.observe(REFS);
    expect(fresh.groups).toEqual(r.groups);
    expect(emu.objectGroups().get(`${BLOCK_GROUP}-1`)?.length).toBe(100);
    expect(
      emu
        .objectGroups()
        .get(BLOCK_GROUP)
        ?.filter((l) => l === `group-object ${BLOCK_GROUP}-1`),
    ).toHaveLength(1);
    // POST -1 refused, re-read, PATCH of the 90 it lacked; its attach refused, re-read: already there.
    expect(emu.requests().byRoute['GET /api/objects/networkobjectgroups/{id}']).toBe(2);
    expect(logLines.some((l) => l.includes('sending what is missing'))).toBe(true);
  });

  it('retries writemem until [OK]', async () => {
    const emu = await boot({ writememFailTimes: 2 });
    const driver = await connect(emu);
    await driver.save();
    expect(emu.requests().byRoute['POST /api/commands/writemem']).toBe(3);
  });

  it('stops after the request in flight when interrupted, saying so', async () => {
    const emu = await boot();
    const driver = await connect(emu);
    const basis = await driver.observe(REFS);
    const ac = new AbortController();
    const err = await driver
      .apply(planFor(basis, V1), basis, { signal: ac.signal, onProgress: (p) => p.done >= 100 && ac.abort() })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceApplyError);
    expect(err).toMatchObject({ interrupted: true, reached: 100 });
    expect(emu.objectGroups().get(`${BLOCK_GROUP}-1`)?.length).toBe(100);
    expect(emu.objectGroups().has(`${BLOCK_GROUP}-2`)).toBe(false);
  });
});

describe('fallback to SSH', () => {
  it('reconciles over SSH when the REST API is absent (advanced.fallback: ssh), and the plan says so', async () => {
    const emu = await boot({ absent: true }, true);
    const factory = await getDriverFactory('asa-rest');
    const driver = keepDriver(await factory(context(emu, { 'advanced.fallback': 'ssh' })));
    const basis = await driver.observe(REFS);
    expect(basis.notes).toEqual([
      'reconciled over SSH (advanced.fallback: ssh): the REST API answered 404 (no REST agent: Firepower hardware, or `no rest-api agent`)',
    ]);
    const plan = planFor(basis, V1);
    expect(driver.describe(plan, basis)).toContain(`create child ${BLOCK_GROUP}-3 (50 members) nested in its master`);
    await driver.apply(plan, basis);
    await driver.save();
    expect(emu.objectGroups().get(`${BLOCK_GROUP}-3`)?.length).toBe(50);
    expect(emu.startupConfig()).toContain(`object-group network ${BLOCK_GROUP}-3`);
    await driver.close();
  });

  it('hands over to SSH when the agent keeps failing before any write, from connect or from observe', async () => {
    const emu = await boot(undefined, true);
    const options = { 'advanced.fallback': 'ssh', 'advanced.retry': { attempts: 2, maxSeconds: 5 } };
    const note =
      'reconciled over SSH (advanced.fallback: ssh): the REST agent kept failing (HTTP 500 past the retry budget: typically out of memory)';
    // The registry's composition of the fallback, with the short back-off of these tests.
    const asa = await getDriverFactory('asa');
    const factory = (ctx: DriverContext) =>
      createAsaRestDriver(
        { ...ctx, fallback: (endpoint) => asa({ ...ctx, endpoint }) },
        { options: readAsaRestOptions(ctx.spec.options), retryDelays: FAST },
      );
    // Connected while the agent works, failing by observe.
    const late = keepDriver(await factory(context(emu, options)));
    emu.setFaults({ serverErrors: { afterRequests: 0 } });
    const basis = await late.observe(REFS);
    expect(basis.notes).toEqual([note]);
    await late.apply(planFor(basis, V1), basis);
    expect(emu.objectGroups().get(`${BLOCK_GROUP}-1`)?.length).toBe(100);
    // Failing from the first request (the token).
    const early = keepDriver(await factory(context(emu, options)));
    expect((await early.observe(REFS)).notes).toEqual([note]);
  });

  it('without the opt-in, says the API is absent and how to fix it', async () => {
    const emu = await boot({ absent: true }, true);
    const err = await (await getDriverFactory('asa-rest'))(context(emu)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/404/);
    expect((err as ConfigError).hint).toMatch(/advanced\.fallback: ssh/);
  });
});
