// Which ACL uses which network group on an ASA (spec §2 "Show commands"), read the same way whether the text came
// over SSH or through the REST API's /api/cli: `access-list X ... object-group NAME` lines (running-config and
// `show access-list` forms; remarks name no group) and `access-group X ...` bindings. Pure.

export interface AclUsage {
  /** Group name -> ACLs whose entries name it directly, sorted. */
  readonly aclRefs: ReadonlyMap<string, readonly string[]>;
  /** ACL name -> where it is bound (`access-group X in interface inside` -> `in interface inside`, `global`). */
  readonly accessGroups: ReadonlyMap<string, readonly string[]>;
}

// `access-list NAME [line N] [extended|standard|webtype|ethertype] ...`; `remark` lines name no group.
const ACL_LINE = /^\s*access-list (\S+) (?:line \d+ )?(?!remark\b)(\S.*)$/;
const ACCESS_GROUP = /^access-group (\S+) (.*\S)\s*$/;
const OG_REF = /\bobject-group (\S+)/g;

function add(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (set === undefined) map.set(key, (set = new Set()));
  set.add(value);
}

function freeze(map: Map<string, Set<string>>): Map<string, readonly string[]> {
  return new Map([...map].map(([k, v]) => [k, [...v].sort()]));
}

/** Collects ACL usage from lines at the top level of a configuration (not inside a group's block). */
export class AclUsageCollector {
  private readonly aclRefs = new Map<string, Set<string>>();
  private readonly accessGroups = new Map<string, Set<string>>();

  /** True when the line was an `access-list` or `access-group` line (consumed). */
  pushLine(line: string): boolean {
    const acl = ACL_LINE.exec(line);
    if (acl !== null) {
      for (const m of (acl[2] ?? '').matchAll(OG_REF)) add(this.aclRefs, m[1] ?? '', acl[1] ?? '');
      return true;
    }
    const ag = ACCESS_GROUP.exec(line);
    if (ag === null) return false;
    add(this.accessGroups, ag[1] ?? '', ag[2] ?? '');
    return true;
  }

  finish(): AclUsage {
    return { aclRefs: freeze(this.aclRefs), accessGroups: freeze(this.accessGroups) };
  }
}

/** The groups and nesting groupUsers walks: each group's `group-object` children. */
export interface NestingView {
  readonly groups: readonly { readonly name: string; readonly children: readonly string[] }[];
  readonly aclRefs: ReadonlyMap<string, readonly string[]>;
}

/**
 * Who uses each group, sorted: `object-group P` for each network group P nesting it, `access-list X` for each ACL
 * naming it or any group above it (a group nested in a group an ACL uses is in use: the ASA refuses to empty or
 * remove it). Cycles (not possible on a device) end the walk.
 */
export function groupUsers(config: NestingView): Map<string, readonly string[]> {
  const parents = new Map<string, Set<string>>();
  for (const g of config.groups) for (const c of g.children) add(parents, c, g.name);
  const users = new Map<string, readonly string[]>();
  const names = new Set([...config.aclRefs.keys(), ...parents.keys()]);
  for (const name of names) {
    const out = new Set<string>();
    for (const p of parents.get(name) ?? []) out.add(`object-group ${p}`);
    const seen = new Set<string>();
    const stack = [name];
    while (stack.length > 0) {
      const n = stack.pop() ?? '';
      if (seen.has(n)) continue;
      seen.add(n);
      for (const acl of config.aclRefs.get(n) ?? []) out.add(`access-list ${acl}`);
      for (const p of parents.get(n) ?? []) stack.push(p);
    }
    users.set(name, [...out].sort());
  }
  return users;
}
