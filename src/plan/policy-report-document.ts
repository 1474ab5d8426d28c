// The policy report and the capacity of a device plan as JSON documents with exactly the fields the schemas allow
// (plan.schema.json, plan-output.schema.json), in a fixed order: the plan file and `tscm plan --json` write the same.

import type { CapacityReport, PolicyReport } from './model.js';

/** The policy report with exactly the fields the schemas allow, in a fixed order. */
export function policyReportDocument(r: PolicyReport): Record<string, unknown> {
  const l = r.lockout;
  return {
    sources: r.sources.map((s) => ({
      role: s.role,
      priority: s.priority,
      source: s.source,
      serial: s.serial,
      records: s.records,
      decoded: s.decoded,
      rejected: s.rejected,
      aggregated: s.aggregated,
      kept: s.kept,
      droppedByCap: s.droppedByCap,
      status: s.status,
      ...(s.gate ? { gate: { gate: s.gate.gate, detail: s.gate.detail } } : {}),
      ...(s.failingSince !== undefined ? { failingSince: s.failingSince } : {}),
      ...(s.stale !== undefined ? { stale: s.stale } : {}),
    })),
    lockout: {
      mode: l.mode,
      protected: l.protected.map((a) => ({ prefix: a.prefix, why: a.why })),
      carved: l.carved.map((c) => ({ address: c.address, why: c.why, coveredBy: c.coveredBy, source: c.source })),
      unresolved: [...l.unresolved],
    },
    ...(r.allowPrecedence
      ? {
          allowPrecedence: {
            overlaps: r.allowPrecedence.overlaps,
            sample: r.allowPrecedence.sample.map((x) => ({ allow: x.allow, blockEntry: x.blockEntry })),
            proven: r.allowPrecedence.proven,
          },
        }
      : {}),
  };
}

export function capacityDocument(c: CapacityReport): Record<string, unknown> {
  return { limit: c.limit, used: c.used, source: c.source, detail: c.detail };
}
