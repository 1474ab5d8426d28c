// Fuzz test of saved plans as untrusted input (issue 6): over 10,000 mutated plan files per run, from a fixed seed,
// go through what `tscm apply FILE` does with them: parsePlan, then planForEndpoint against the same definitions,
// policy, state and device as the genuine plan. No crash of any other kind than ConfigError, no hang, every refusal
// a clean message, and whatever is accepted is exactly the genuine plan, rendering only lines of the grammar of IOS
// member and group commands for the device's own groups.
// TSCM_FUZZ_SEED and TSCM_FUZZ_CASES explore other seeds and sizes; a failure names the seed, the case, the sha256
// of the mutated bytes and the mutations, so it can be replayed.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { prefixesToStrings } from '../../src/cidr/index.js';
import { renderGroupChanges } from '../../src/drivers/cisco-ios/render.js';
import type { Logger } from '../../src/drivers/driver.js';
import { ConfigError } from '../../src/errors.js';
import type { DevicePlan, Plan, ZonePin } from '../../src/plan/model.js';
import { comparePlans } from '../../src/plan/plan-compare.js';
import { encodePlan, parsePlan } from '../../src/plan/plan-file.js';
import { observedFromState } from '../../src/reconcile/plan-device.js';
import { planForEndpoint } from '../../src/reconcile/saved-plan.js';
import { grammarViolations } from './ios-grammar.js';
import { ALLOW, BLOCK, makeBases, REVISION, type FuzzBase } from './plan-fuzz-base.js';
import { genuineDocument, makeMutant } from './plan-mutate.js';
import { Rng } from './rng.js';

const SEED = Number(process.env['TSCM_FUZZ_SEED'] ?? 0x5eed2026);
const CASES = Number(process.env['TSCM_FUZZ_CASES'] ?? 10_200);
const SOURCE = 'plan file /tmp/mutant.json';
/** A refusal longer than this is not a message a person reads. */
const MAX_MESSAGE = 4000;
const MAX_HINT = 300;
/** One case (parse, recompute, compare, render) takes milliseconds; far more means a hang or a blow-up. */
const MAX_CASE_MS = 5000;
// C0 and C1 controls but the newline, DEL, line separators, bidi overrides: nothing a refusal may carry.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const bases = makeBases();

function applyFile(base: FuzzBase, devicePlan: DevicePlan, plan: Plan): DevicePlan {
  const saved = { devicePlan, planGitRevision: plan.gitRevision, revision: REVISION };
  return planForEndpoint(base.spec, base.policy, base.basis, base.observed, saved, { fromFile: true, log: quiet });
}

/** Why a thrown error is not a clean refusal, or null. */
function unclean(err: unknown, prefix: string): string | null {
  if (!(err instanceof ConfigError)) {
    const e = err as Error;
    return `threw ${e?.name}: ${String(e?.message).slice(0, 300)}\n${String(e?.stack).split('\n').slice(0, 6).join('\n')}`;
  }
  const m = err.message;
  const show = JSON.stringify(m.slice(0, 300));
  if (typeof m !== 'string' || !m.startsWith(prefix)) return `the refusal does not start with ${prefix}: ${show}`;
  if (m.length > MAX_MESSAGE) return `a refusal of ${m.length} characters: ${show}`;
  if (m.includes('[object Object]') || /\bat .*:\d+:\d+\)?$/m.test(m)) return `object or stack text: ${show}`;
  if (CONTROL.test(m)) return `a control character in the refusal: ${JSON.stringify(m.slice(0, 2000))}`;
  const forged = m
    .split('\n')
    .slice(1)
    .find((l) => !l.startsWith('  - '));
  if (forged !== undefined)
    return `a line that is not one of the refusal's items: ${JSON.stringify(forged)} in ${show}`;
  const h = err.hint;
  if (h !== undefined && (typeof h !== 'string' || h.length > MAX_HINT || CONTROL.test(h) || h.includes('\n'))) {
    return `a bad hint: ${JSON.stringify(h)}`;
  }
  return null;
}

/** The device, the changes and the summary, whatever the order of groups or keys: what apply would send. */
function changesOf(p: DevicePlan): string {
  const groups = p.groups
    .map((g) => [g.name, g.role, g.action, prefixesToStrings(g.add), prefixesToStrings(g.remove)])
    .sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
  const { add, remove, create, delete: del } = p.summary;
  return JSON.stringify([p.device, p.platform, p.inputs.adopt, [add, remove, create, del], groups]);
}

/** The pinned inputs as a set, whatever the key order (apply keys the pins; a null git revision is not compared). */
function pinsOf(p: DevicePlan, gitRevision: string | null): string {
  const pin = (z: ZonePin) =>
    JSON.stringify(z.kind === 'zone' ? [z.kind, z.zone, z.server, z.serial, z.sha256] : [z.kind, z.path, z.sha256]);
  const zones = [...new Set(p.inputs.zones.map(pin))].sort();
  const state = p.inputs.state && [p.inputs.state.lineage, p.inputs.state.serial];
  return JSON.stringify([zones, state, gitRevision ?? REVISION]);
}

interface Stats {
  cases: number;
  parsed: number;
  refused: number;
  accepted: number;
}

interface Genuine {
  readonly plan: DevicePlan;
  /** What apply of the genuine file carries out (for --refresh=false: recomputed on the live device). */
  readonly applied: DevicePlan;
  readonly lines: readonly string[];
}

interface Expected {
  /** The genuine plan made with and without --adopt: what a file may hold, by its `adopt`. */
  readonly byAdopt: ReadonlyMap<boolean, Genuine>;
  /** The observed fingerprints apply may pin against: the live device's and the stored state's. */
  readonly fingerprints: ReadonlySet<string>;
}

function expectedOf(base: FuzzBase): Expected {
  const byAdopt = new Map<boolean, Genuine>();
  for (const [adopt, plan] of base.byAdopt) {
    const applied = applyFile(base, plan, { ...base.plan, devices: [plan] });
    byAdopt.set(adopt, { plan, applied, lines: renderGroupChanges(applied.groups, base.facts).lines });
  }
  const fingerprints = new Set([base.observed.fingerprint, observedFromState(base.basis.state).fingerprint]);
  return { byAdopt, fingerprints };
}

/** Runs one mutated file through parsePlan and planForEndpoint; what went wrong, or null. */
function runCase(base: FuzzBase, exp: Expected, bytes: Buffer, asText: boolean, stats: Stats): string | null {
  let plan: Plan;
  try {
    plan = parsePlan(asText ? bytes.toString('utf8') : Buffer.from(bytes), SOURCE);
  } catch (err) {
    return unclean(err, SOURCE);
  }
  stats.parsed++;
  for (const dp of plan.devices) {
    let out: DevicePlan;
    try {
      out = applyFile(base, dp, plan);
    } catch (err) {
      stats.refused++;
      const why = unclean(err, `${base.spec.name}: `);
      if (why !== null) return why;
      continue;
    }
    stats.accepted++;
    const genuine = exp.byAdopt.get(dp.inputs.adopt)!;
    if (changesOf(dp) !== changesOf(genuine.plan))
      return `accepted changes that differ: ${changesOf(dp).slice(0, 400)}`;
    if (
      pinsOf(dp, plan.gitRevision) !== pinsOf(genuine.plan, REVISION) ||
      !exp.fingerprints.has(dp.inputs.observedFingerprint)
    ) {
      return `accepted pinned inputs that differ: ${JSON.stringify(dp.inputs).slice(0, 400)}`;
    }
    const diff = comparePlans(out, genuine.applied);
    if (diff.length > 0) return `the plan carried out is not the genuine one: ${diff.join('; ')}`;
    if (JSON.stringify(out.refusals) !== JSON.stringify(genuine.applied.refusals))
      return 'refusals were not recomputed';
    const lines = renderGroupChanges(out.groups, base.facts).lines;
    const bad = grammarViolations(lines, [BLOCK, ALLOW]);
    if (bad.length > 0) return `lines outside the grammar: ${bad.slice(0, 3).join('; ')}`;
    if (lines.length !== genuine.lines.length || lines.some((l, i) => l !== genuine.lines[i]))
      return 'other lines than the genuine plan';
  }
  return null;
}

describe('the genuine plans the fuzz test mutates', () => {
  it.each(bases.map((b) => [b.name, b] as const))(
    '%s: accepted in formats 1, 2 and 3 as itself, inside the grammar',
    (_n, base) => {
      const exp = expectedOf(base);
      const own = exp.byAdopt.get(base.plan.devices[0]!.inputs.adopt)!;
      expect(own.lines.length).toBeGreaterThan(3);
      expect(grammarViolations(own.lines, [BLOCK, ALLOW])).toEqual([]);
      const bytes = encodePlan(base.plan);
      for (const version of [3, 2, 1] as const) {
        const stats = { cases: 0, parsed: 0, refused: 0, accepted: 0 };
        const file = Buffer.from(JSON.stringify(genuineDocument(bytes, version), null, 2));
        const problem = runCase(base, exp, file, false, stats);
        expect(problem).toBeNull();
        // Formats 1 and 2 did not record --adopt: an adopt plan from them is refused (adopt differs), cleanly.
        expect(stats.accepted).toBe(base.name === 'adopt' && version < 3 ? 0 : 1);
      }
      if (base.name === 'refused') expect(own.applied.refusals.length).toBeGreaterThan(0);
      if (base.name === 'drop-allow') expect(own.applied.groups.some((g) => g.action === 'delete')).toBe(true);
      if (base.name === 'adopt') expect(own.plan.summary.remove).toBeGreaterThan(0);
    },
  );

  it('the grammar check finds lines outside it', () => {
    const groups = [BLOCK, ALLOW];
    const wrong = [
      ['object-group network threatstop-block\nhostname pwned', ' host 192.0.2.1', 'exit'],
      ['object-group network evil', 'exit'],
      [' host 192.0.2.1'],
      ['object-group network threatstop-block', ' hostname pwned', 'exit'],
      ['object-group network threatstop-block', ' 10.0.0.1 255.0.0.0', 'exit'],
      ['object-group network threatstop-block', ' 10.0.0.0 255.0.255.0', 'exit'],
      ['object-group network threatstop-block', ' host 2001:db8::1', 'exit'],
      ['object-group v6-network threatstop-block-v6', ' 2001:db8::/129', 'exit'],
      ['object-group v6-network threatstop-block-v6', ' 2001:db8::1/64', 'exit'],
      ['object-group v6-network threatstop-block', 'exit'],
      ['no object-group network threatstop-block-v6'],
      ['object-group network threatstop-allow', ' host 300.1.2.3'],
    ];
    for (const lines of wrong) expect(grammarViolations(lines, groups), JSON.stringify(lines)).not.toEqual([]);
    const right = ['object-group v6-network threatstop-block-v6', ' no ::ffff:192.0.2.0/120', ' host ::1', 'exit'];
    expect(grammarViolations([...right, 'no object-group network threatstop-allow'], groups)).toEqual([]);
  });
});

describe('refusals the fuzz test found unbounded', () => {
  it('lists ten differences and counts the rest, for a file with thousands of groups or pins', () => {
    const base = bases[0]!;
    const doc = genuineDocument(encodePlan(base.plan), 3) as { devices: Record<string, unknown>[] };
    const device = doc.devices[0]!;
    const group = (device['groups'] as unknown[])[0];
    device['groups'] = Array.from({ length: 5000 }, () => group);
    const pin = (device['inputs'] as { zones: unknown[] }).zones[0] as Record<string, unknown>;
    const pins = Array.from({ length: 3000 }, (_, i) => ({ ...pin, zone: `z${i}.example` }));
    for (const [what, d] of [
      ['not the plan its pinned inputs give', device],
      ['stale', { ...device, inputs: { ...(device['inputs'] as object), zones: pins } }],
    ] as const) {
      const file = Buffer.from(JSON.stringify({ ...doc, devices: [d] }));
      const plan = parsePlan(file, SOURCE);
      let message = '';
      try {
        applyFile(base, plan.devices[0]!, plan);
      } catch (err) {
        expect(unclean(err, `${base.spec.name}: `)).toBeNull();
        message = (err as Error).message;
      }
      expect(message).toContain(what);
      expect(message.split('\n')).toHaveLength(12);
      expect(message).toMatch(/\n {2}- and \d{4} more$/);
    }
  });
});

describe(`${CASES} mutated plan files (seed ${SEED})`, () => {
  const perBase = Math.ceil(CASES / bases.length);
  it.each(bases.map((b, i) => [b.name, b, i] as const))(`%s: ${perBase} mutants`, (_n, base, index) => {
    const exp = expectedOf(base);
    const genuine = encodePlan(base.plan);
    const rng = new Rng(SEED + index);
    const ctx = {
      pool: [
        ...base.plan.devices[0]!.groups.flatMap((g) => [...prefixesToStrings(g.add), ...prefixesToStrings(g.remove)]),
        ...base.observed.groups.flatMap((g) => prefixesToStrings(g.members)),
      ],
      groupNames: [BLOCK, ALLOW, `${BLOCK}-v6`],
      stateFingerprint: base.basis.state ? observedFromState(base.basis.state).fingerprint : null,
      liveFingerprint: base.observed.fingerprint,
    };
    const stats: Stats = { cases: 0, parsed: 0, refused: 0, accepted: 0 };
    const failures: string[] = [];
    for (let i = 0; i < perBase && failures.length < Number(process.env['TSCM_FUZZ_MAX_FAILURES'] ?? 5); i++) {
      const mutant = makeMutant(genuine, rng, ctx);
      const t0 = performance.now();
      const problem = runCase(base, exp, mutant.bytes, rng.chance(0.25), stats);
      const ms = performance.now() - t0;
      stats.cases++;
      const why = problem ?? (ms > MAX_CASE_MS ? `took ${Math.round(ms)} ms` : null);
      if (why === null) continue;
      const sha = createHash('sha256').update(mutant.bytes).digest('hex');
      failures.push(`seed ${SEED + index} (${base.name}) case ${i}, sha256 ${sha}, ${mutant.ops.join(' | ')}: ${why}`);
    }
    expect(failures).toEqual([]);
    expect(stats.cases).toBe(perBase);
    // The mutants reach every stage: some fail to parse, many reach planForEndpoint, some are carried out.
    // (About 27%, 15% and 12% with the default seed.)
    expect(stats.parsed).toBeGreaterThan(perBase * 0.15);
    expect(stats.refused).toBeGreaterThan(perBase * 0.08);
    expect(stats.accepted).toBeGreaterThan(perBase * 0.04);
  });
});
