// Pure: the nested layout's operations as REST requests, in the same order (README "Requests"). A new group is
// created with its first chunk of members (POST), the rest follows in PATCH `members.add` chunks; a new master is
// created once its first child is filled, with that child's reference, so it never exists empty; removals are
// PATCH `members.remove` chunks repeating the device's member form; attach/detach PATCH a group reference; deletes
// are DELETE. Each request carries its weight: the plan's member changes it makes (the shim and references: none).

import { prefixCount } from '../../cidr/index.js';
import type { PrefixList } from '../../cidr/types.js';
import type { HostForms } from '../shared/nested-apply.js';
import type { LayoutOp } from '../shared/nested-layout.js';
import type { RestMember } from './api.js';
import { groupRef, restMembers, type MemberForms } from './members.js';

export type RestRequest =
  | {
      readonly method: 'POST';
      readonly group: string;
      readonly members: readonly RestMember[];
      /** Address members are the plan's member changes (false for the shim). */
      readonly counted: boolean;
      readonly weight: number;
    }
  | {
      readonly method: 'PATCH';
      readonly group: string;
      readonly key: 'members.add' | 'members.remove';
      readonly members: readonly RestMember[];
      readonly counted: boolean;
      readonly weight: number;
    }
  | { readonly method: 'DELETE'; readonly group: string; readonly weight: number };

function formsOf(forms: HostForms, group: string): MemberForms {
  const v4 = forms.v4.get(group);
  const v6 = forms.v6.get(group);
  return { ...(v4 === undefined ? {} : { v4 }), ...(v6 === undefined ? {} : { v6 }) };
}

/** The requests for the operations, in order; member lists split into chunks of at most chunkSize. */
export function planRequests(ops: readonly LayoutOp[], forms: HostForms, chunkSize: number): RestRequest[] {
  const out: RestRequest[] = [];
  const patch = (
    group: string,
    key: 'members.add' | 'members.remove',
    list: PrefixList,
    counted: boolean,
    from = 0,
  ): void => {
    const f = key === 'members.remove' ? formsOf(forms, group) : {};
    for (let start = from; start < prefixCount(list); start += chunkSize) {
      const members = restMembers(list, f, start, chunkSize);
      out.push({ method: 'PATCH', group, key, members, counted, weight: counted ? members.length : 0 });
    }
  };
  let deferredMaster: string | undefined;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i] as LayoutOp;
    const next = ops[i + 1];
    switch (op.op) {
      case 'create-master': {
        const [c, add, attach] = [ops[i + 1], ops[i + 2], ops[i + 3]];
        const child = c?.op === 'create-child' ? c.group : undefined;
        if (child !== undefined && add?.op === 'add' && add.group === child && attach?.op === 'attach') {
          if (attach.group === op.group && attach.child === child) {
            deferredMaster = op.group;
            break;
          }
        }
        out.push({ method: 'POST', group: op.group, members: [], counted: false, weight: 0 });
        break;
      }
      case 'create-child': {
        if (next?.op !== 'add' || next.group !== op.group) {
          out.push({ method: 'POST', group: op.group, members: [], counted: false, weight: 0 });
          break;
        }
        const members = restMembers(next.members, {}, 0, chunkSize);
        out.push({ method: 'POST', group: op.group, members, counted: true, weight: members.length });
        patch(op.group, 'members.add', next.members, true, chunkSize);
        i++;
        break;
      }
      case 'add':
        patch(op.group, 'members.add', op.members, true);
        break;
      case 'remove':
        patch(op.group, 'members.remove', op.members, true);
        break;
      case 'add-shim':
        patch(op.group, 'members.add', op.members, false);
        break;
      case 'remove-shim':
        patch(op.group, 'members.remove', op.members, false);
        break;
      case 'attach':
        if (deferredMaster === op.group) {
          out.push({ method: 'POST', group: op.group, members: [groupRef(op.child)], counted: false, weight: 0 });
          deferredMaster = undefined;
        } else {
          const members = [groupRef(op.child)];
          const weight = op.weight ?? 0;
          out.push({ method: 'PATCH', group: op.group, key: 'members.add', members, counted: false, weight });
        }
        break;
      case 'detach': {
        const members = [groupRef(op.child)];
        out.push({ method: 'PATCH', group: op.group, key: 'members.remove', members, counted: false, weight: 0 });
        break;
      }
      case 'delete-child':
      case 'delete-master':
        out.push({ method: 'DELETE', group: op.group, weight: op.weight });
        break;
    }
  }
  return out;
}

/** `POST NAME (3 members)`, for logs and tests. */
export function describeRequest(r: RestRequest): string {
  if (r.method === 'DELETE') return `DELETE ${r.group}`;
  const what =
    r.members.length === 1 ? (r.members[0]?.value ?? r.members[0]?.objectId ?? '') : `${r.members.length} members`;
  return r.method === 'POST' ? `POST ${r.group} (${what})` : `PATCH ${r.group} ${r.key} (${what})`;
}
