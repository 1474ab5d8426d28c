// Pure: the ASA's apply planning over the CLI, a thin wrapper of shared/nested-apply.ts that keeps the member forms
// a CLI removal repeats (`network-object A 255.255.255.255`, `X/128`) in the basis it predicts.

import { InternalError } from '../../errors.js';
import type { GroupChange } from '../../plan/model.js';
import type { Observation } from '../driver.js';
import { describeNestedOps, planNestedApply, type NestedGroupFacts } from '../shared/nested-apply.js';
import type { LayoutOp } from '../shared/nested-layout.js';
import type { AsaOptions } from './options.js';

export type AsaGroupFacts = NestedGroupFacts;

/** What observe leaves in Observation.facts for apply and describe (opaque to the core). */
export interface AsaFacts {
  readonly kind: 'asa';
  readonly groups: ReadonlyMap<string, AsaGroupFacts>;
  /** Per device group, the member forms a removal repeats (render options). */
  readonly maskHosts: ReadonlyMap<string, ReadonlySet<number>>;
  readonly slashHosts6: ReadonlyMap<string, ReadonlySet<string>>;
}

export function asaFactsOf(basis: Observation): AsaFacts {
  const f = basis.facts as Partial<AsaFacts> | undefined;
  if (f?.kind === 'asa' && f.groups instanceof Map) return f as AsaFacts;
  throw new InternalError('the ASA driver was given a basis it did not observe');
}

export interface AsaApplyPlan {
  readonly ops: readonly LayoutOp[];
  readonly after: Observation;
  /** Adds already on the device and removals not on it, skipped (the plan was made against an older read). */
  readonly skipped: number;
}

/** The layout operations for every change, in plan order, and the observation after them. */
export function planAsaApply(changes: readonly GroupChange[], basis: Observation, o: AsaOptions): AsaApplyPlan {
  const facts = asaFactsOf(basis);
  const r = planNestedApply(
    changes,
    basis.groups,
    { groups: facts.groups, forms: { v4: facts.maskHosts, v6: facts.slashHosts6 } },
    o,
  );
  const after: Observation = {
    ...basis,
    groups: r.observed,
    facts: { kind: 'asa', groups: r.groups, maskHosts: r.forms.v4, slashHosts6: r.forms.v6 } satisfies AsaFacts,
  };
  return { ops: r.ops, after, skipped: r.skipped };
}

/** One line per structural operation, for the plan (members are shown by the core). */
export function describeOps(ops: readonly LayoutOp[], basis: Observation, o: AsaOptions): string[] {
  return describeNestedOps(ops, basis.groups, o.shimAddress);
}
