// Test-only helpers of the ASA driver's golden files: layouts as JSON, operations as text.

import { prefixCount, prefixesFromStrings, prefixesToStrings } from '../../cidr/index.js';
import type { PrefixList } from '../../cidr/types.js';
import type { LayoutOp, LayoutResult, NestedLayout } from '../shared/nested-layout.js';

export interface LayoutJson {
  readonly master: string;
  readonly masterExists: boolean;
  readonly children: readonly { readonly name: string; readonly members: readonly string[] }[];
  readonly direct: readonly string[];
  readonly shim: boolean;
  readonly taken: readonly string[];
  readonly inUse: boolean;
}

/** changes.json: the logical change of one group and the layout parameters. */
export interface ChangeJson {
  /** The logical group (taken from the parse when the case has no layout.json). */
  readonly group: string;
  readonly action: 'create' | 'update' | 'delete' | 'none';
  readonly add: readonly string[];
  readonly remove: readonly string[];
  readonly nestedSize: number;
  readonly shimAddress: string;
}

export function layoutFromJson(j: LayoutJson): NestedLayout {
  return {
    master: j.master,
    masterExists: j.masterExists,
    children: j.children.map((c) => ({ name: c.name, members: prefixesFromStrings(c.members) })),
    direct: prefixesFromStrings(j.direct),
    shim: j.shim,
    taken: j.taken,
  };
}

function list(p: PrefixList): string {
  return `(${prefixCount(p)}) ${prefixesToStrings(p).join(' ')}`.trimEnd();
}

export function formatOp(op: LayoutOp): string {
  switch (op.op) {
    case 'add':
    case 'remove':
    case 'add-shim':
    case 'remove-shim':
      return `${op.op} ${op.group} ${list(op.members)}`;
    case 'attach':
    case 'detach':
      return `${op.op} ${op.child} in ${op.group}`;
    case 'delete-child':
    case 'delete-master':
      return `${op.op} ${op.group} (removes ${op.weight})`;
    default:
      return `${op.op} ${op.group}`;
  }
}

export function formatLayout(l: NestedLayout): string[] {
  const out = [
    `master ${l.master} ${l.masterExists ? 'exists' : 'absent'}, shim ${l.shim ? 'yes' : 'no'}, direct ${list(l.direct)}`,
  ];
  for (const c of l.children) out.push(`  child ${c.name} ${list(c.members)}`);
  if (l.taken.length > 0) out.push(`  taken ${l.taken.join(' ')}`);
  return out;
}

export function formatLayoutResult(r: LayoutResult): string {
  return [
    '# operations',
    ...r.ops.map(formatOp),
    '# after',
    ...formatLayout(r.after),
    `# skipped: ${r.alreadyPresent} already present, ${r.absent} absent`,
    '',
  ].join('\n');
}
