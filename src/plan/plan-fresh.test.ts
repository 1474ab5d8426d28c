import { describe, expect, it } from 'vitest';
import { EMPTY_PREFIXES } from '../cidr/index.js';
import type { DevicePlan, DevicePlanInputs, ZonePin } from './model.js';
import { checkPlanFresh } from './plan-file.js';

const H = (c: string) => c.repeat(64);
const ZONE: ZonePin = { kind: 'zone', zone: 'block.rpz', server: '127.0.0.1:53', serial: 5, sha256: H('a') };
const FILE: ZonePin = { kind: 'file', path: '/lists/allow.txt', sha256: H('b') };
const INPUTS: DevicePlanInputs = {
  zones: [ZONE, FILE],
  observedFingerprint: H('c'),
  state: { lineage: 'L1', serial: 4 },
  adopt: false,
};

function planWith(inputs: DevicePlanInputs): DevicePlan {
  return {
    device: 'edge-1',
    platform: 'ios',
    groups: [
      {
        name: 'B',
        role: 'block',
        action: 'none',
        add: EMPTY_PREFIXES,
        remove: EMPTY_PREFIXES,
        unmanaged: 0,
        alreadyPresent: 0,
        before: 0,
        after: 0,
      },
    ],
    summary: { add: 0, remove: 0, create: 0, delete: 0 },
    warnings: [],
    refusals: [],
    inputs,
  };
}

describe('checkPlanFresh', () => {
  it('finds nothing when every input is as planned', () => {
    expect(
      checkPlanFresh(planWith(INPUTS), { ...INPUTS, zones: [FILE, ZONE], gitRevision: 'r1', planGitRevision: 'r1' }),
    ).toEqual([]);
  });

  it('names each input that moved', () => {
    const moved = checkPlanFresh(planWith(INPUTS), {
      zones: [
        { ...ZONE, serial: 6, sha256: H('d') },
        { ...FILE, sha256: H('e') },
      ],
      observedFingerprint: H('f'),
      state: { lineage: 'L1', serial: 5 },
      gitRevision: 'abcdef0123456789',
      planGitRevision: '0123456789abcdef',
    });
    expect(moved).toEqual([
      'list file /lists/allow.txt changed (sha256 bbbbbbbbbbbb -> eeeeeeeeeeee)',
      'zone block.rpz serial 5 -> 6',
      'observed groups on edge-1 changed since the plan (fingerprint cccccccccccc -> ffffffffffff)',
      'state serial moved 4 -> 5',
      'git revision moved 0123456789ab -> abcdef012345',
    ]);
  });

  it('notices zone content changing without a serial bump, and zones appearing or disappearing', () => {
    expect(checkPlanFresh(planWith(INPUTS), { ...INPUTS, zones: [{ ...ZONE, sha256: H('9') }, FILE] })).toEqual([
      'zone block.rpz content changed at serial 5 (sha256 aaaaaaaaaaaa -> 999999999999)',
    ]);
    const other: ZonePin = { ...ZONE, zone: 'other.rpz' };
    expect(checkPlanFresh(planWith(INPUTS), { ...INPUTS, zones: [other, FILE] })).toEqual([
      'zone block.rpz from 127.0.0.1:53 is no longer an input',
      'zone other.rpz from 127.0.0.1:53 is a new input',
    ]);
  });

  it('notices state appearing, disappearing or changing lineage', () => {
    expect(checkPlanFresh(planWith({ ...INPUTS, state: null }), INPUTS)).toEqual([
      'state appeared (serial 4) since the plan',
    ]);
    expect(checkPlanFresh(planWith(INPUTS), { ...INPUTS, state: null })).toEqual(['state disappeared (was serial 4)']);
    expect(checkPlanFresh(planWith(INPUTS), { ...INPUTS, state: { lineage: 'L2', serial: 4 } })).toEqual([
      'state lineage changed L1 -> L2',
    ]);
  });

  it('refuses a second pin for the same source, which would hide the first (found by the plan-file fuzz test)', () => {
    const forged = { ...ZONE, serial: 1, sha256: H('e') };
    expect(checkPlanFresh(planWith({ ...INPUTS, zones: [forged, ZONE, FILE] }), INPUTS)).toEqual([
      'zone block.rpz from 127.0.0.1:53 is pinned twice',
    ]);
  });

  it("quotes a plan file's pinned names and hashes escaped and cut: no forged line, no megabyte message", () => {
    const zone = `evil\nhostname pwned${'x'.repeat(1_000_000)}`;
    const moved = checkPlanFresh(
      planWith({
        ...INPUTS,
        zones: [{ ...ZONE, zone }, FILE],
        observedFingerprint: 'c\u001b[2J',
        state: { lineage: 'L\n1', serial: 4 },
      }),
      INPUTS,
    );
    expect(moved).toEqual([
      `zone evil\\nhostname pwned${'x'.repeat(45)}... (1000019 characters) from 127.0.0.1:53 is no longer an input`,
      'zone block.rpz from 127.0.0.1:53 is a new input',
      'observed groups on edge-1 changed since the plan (fingerprint c\\u001b[2J -> cccccccccccc)',
      'state lineage changed L\\n1 -> L1',
    ]);
  });

  it('ignores the git revision when either side is unknown', () => {
    expect(checkPlanFresh(planWith(INPUTS), { ...INPUTS, gitRevision: 'r2', planGitRevision: null })).toEqual([]);
    expect(checkPlanFresh(planWith(INPUTS), { ...INPUTS, gitRevision: null, planGitRevision: 'r1' })).toEqual([]);
  });
});
