// Mutations of a parsed plan document (any format version): the edits a person or a broken tool makes to a saved
// plan (member lists, group names, actions, roles, counts, summaries, refusals, pins) and blind structural ones
// (dropped, renamed or retyped keys, wrong shapes, deep nesting). Each returns its name, for the failure report.

import { hostileString, isObj, nested, numberVariant, randomValue, slotsOf, type Obj } from './json-values.js';
import type { Rng } from './rng.js';

export interface MutationContext {
  /** CIDRs of the genuine plan and the device (members of other groups, of the other list). */
  readonly pool: readonly string[];
  readonly groupNames: readonly string[];
  /** The fingerprint a --refresh=false plan of this device pins, and the live device's. */
  readonly stateFingerprint: string | null;
  readonly liveFingerprint: string;
}

/** A short, safe description of any value (String() of a deeply nested array overflows the stack). */
function label(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : Array.isArray(v) ? 'an array' : typeof v;
}

function asNumber(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

type DocMutation = (doc: Obj, rng: Rng, ctx: MutationContext) => string | null;

function devicesOf(doc: Obj): Obj[] {
  return Array.isArray(doc['devices']) ? doc['devices'].filter(isObj) : [];
}

function groupsOf(doc: Obj): Obj[] {
  return devicesOf(doc).flatMap((d) => (Array.isArray(d['groups']) ? d['groups'].filter(isObj) : []));
}

function inputsOf(doc: Obj): Obj[] {
  return devicesOf(doc)
    .map((d) => d['inputs'])
    .filter(isObj);
}

/** A member list as lines, whatever the format (a string since format 2, an array in format 1). */
function readLines(v: unknown): string[] | null {
  if (typeof v === 'string') return v === '' ? [] : v.split('\n');
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return [...(v as string[])];
  return null;
}

function writeLines(like: unknown, lines: string[]): unknown {
  return Array.isArray(like) ? lines : lines.join('\n');
}

const BAD_MEMBERS = [
  '0.0.0.0/0',
  '::/0',
  '10.1.2.3/8',
  '2001:db8::1/32',
  '300.1.2.3/32',
  'garbage',
  '1.2.3.4',
  '1.2.3.4/33',
  '2001:db8::/129',
  '::ffff:192.0.2.1/128',
  '010.001.002.000/24',
  '1.2.3.0/24 ',
  '1.2.3.0/24\r',
  '1.2.3.0/24\nhostname pwned',
  'host 1.2.3.4',
  '',
];

function editMembers(lines: string[], rng: Rng, ctx: MutationContext, other: string[]): string {
  const at = rng.int(0, lines.length);
  switch (rng.int(0, 11)) {
    case 0:
      lines.splice(at, 0, rng.pick(BAD_MEMBERS));
      return 'add a hostile member';
    case 1:
      if (lines.length > 0) lines.splice(at, 0, rng.pick(lines));
      return 'duplicate a member';
    case 2:
      lines.splice(at, 0, rng.pick(ctx.pool));
      return 'add a member from elsewhere';
    case 3:
      lines.splice(rng.int(0, Math.max(0, lines.length - 1)), 1);
      return 'drop a member';
    case 4:
      lines.length = 0;
      return 'empty the list';
    case 5: {
      const moved = lines.splice(rng.int(0, Math.max(0, lines.length - 1)), 1);
      other.push(...moved);
      return 'move a member to the other list';
    }
    case 6:
      lines.reverse();
      return 'reverse the list (same members)';
    case 7:
      for (let i = 0; i < lines.length; i++) lines[i] = lines[i]!.toUpperCase();
      return 'upper-case the list (same members)';
    case 8:
      for (let i = rng.int(500, 3000); i > 0; i--)
        lines.push(`${rng.int(1, 99)}.${rng.int(0, 255)}.${rng.int(0, 255)}.0/24`);
      return 'append thousands of members';
    case 9:
      lines.push('');
      return 'trailing newline';
    case 10:
      if (lines.length > 0) lines[rng.int(0, lines.length - 1)] += rng.pick(['/', '0', ':', '.', '/32']);
      return 'damage a member';
    default:
      lines.push(...other.splice(0));
      return 'move the other list into this one';
  }
}

const members: DocMutation = (doc, rng, ctx) => {
  const groups = groupsOf(doc);
  if (groups.length === 0) return null;
  const g = rng.pick(groups);
  const which = rng.pick(['add', 'remove']);
  const otherKey = which === 'add' ? 'remove' : 'add';
  const lines = readLines(g[which]);
  if (lines === null) return null;
  const other = readLines(g[otherKey]) ?? [];
  const what = editMembers(lines, rng, ctx, other);
  g[which] = writeLines(g[which], lines);
  if (readLines(g[otherKey]) !== null) g[otherKey] = writeLines(g[otherKey], other);
  if (rng.chance(0.5)) fixSummaries(doc);
  return `group ${label(g['name'])} ${which}: ${what}`;
};

/** Makes each summary agree with its groups, as a careful forger would. */
function fixSummaries(doc: Obj): void {
  for (const d of devicesOf(doc)) {
    const gs = Array.isArray(d['groups']) ? d['groups'].filter(isObj) : [];
    const count = (k: string) => gs.reduce((n, g) => n + (readLines(g[k])?.length ?? 0), 0);
    const actions = (a: string) => gs.filter((g) => g['action'] === a).length;
    d['summary'] = { add: count('add'), remove: count('remove'), create: actions('create'), delete: actions('delete') };
  }
}

const NAMES = [
  'threatstop-block\nhostname pwned',
  'threatstop-block-v6',
  'THREATSTOP-BLOCK',
  'evil',
  'a'.repeat(64),
  'a'.repeat(65),
  'threatstop-block ',
  'threatstop-allow',
];

const groupField: DocMutation = (doc, rng, ctx) => {
  const groups = groupsOf(doc);
  if (groups.length === 0) return null;
  const g = rng.pick(groups);
  switch (rng.int(0, 4)) {
    case 0:
      g['name'] = rng.chance(0.5) ? rng.pick(NAMES) : rng.pick([...ctx.groupNames, hostileString(rng)]);
      return `group name ${JSON.stringify(g['name']).slice(0, 40)}`;
    case 1:
      g['role'] = rng.pick(['block', 'allow', 'deny', 7]);
      return `role ${label(g['role'])}`;
    case 2:
      g['action'] = rng.pick(['create', 'update', 'delete', 'none', 'replace']);
      if (rng.chance(0.5)) fixSummaries(doc);
      return `action ${label(g['action'])}`;
    case 3: {
      const k = rng.pick(['unmanaged', 'alreadyPresent', 'before', 'after']);
      g[k] = numberVariant(rng, typeof g[k] === 'number' ? g[k] : 0);
      return `count ${k}`;
    }
    default: {
      const a = rng.pick(groups);
      const b = rng.pick(groups);
      const k = rng.pick(['name', 'role', 'action']);
      [a[k], b[k]] = [b[k], a[k]];
      return `swap two groups' ${k}s`;
    }
  }
};

const deviceField: DocMutation = (doc, rng) => {
  const devices = devicesOf(doc);
  if (devices.length === 0) return null;
  const d = rng.pick(devices);
  switch (rng.int(0, 6)) {
    case 0:
      d['device'] = rng.pick(['lab-rtr\nhostname pwned', 'other-rtr', 'LAB-RTR', 'lab-rtr ', hostileString(rng)]);
      return 'device name';
    case 1:
      d['platform'] = rng.pick(['asa', 'asa-rest', 'pix', 'IOS', 'nxos']);
      return 'platform';
    case 2:
      d['refusals'] = rng.pick<unknown>([[], ['none'], 'none', null, [1]]);
      return 'refusals';
    case 3:
      d['warnings'] = rng.pick<unknown>([[], ['hostname pwned\n'], [hostileString(rng)], {}]);
      return 'warnings';
    case 4: {
      const s = isObj(d['summary']) ? d['summary'] : (d['summary'] = {});
      const k = rng.pick(['add', 'remove', 'create', 'delete']);
      s[k] = numberVariant(rng, typeof s[k] === 'number' ? s[k] : 0);
      return `summary ${k}`;
    }
    case 5:
      d['truncation'] = rng.pick<unknown>([{ dropped: 1, sample: ['1.2.3.4/32'], limit: 5 }, { dropped: -1 }, []]);
      return 'truncation';
    default: {
      const gs = Array.isArray(d['groups']) ? d['groups'] : null;
      if (gs === null || gs.length === 0) return null;
      const op = rng.int(0, 2);
      if (op === 0) gs.push(structuredClone(rng.pick(gs)));
      else if (op === 1) gs.splice(rng.int(0, gs.length - 1), 1);
      else gs.reverse();
      return ['duplicate a group', 'drop a group', 'reorder groups'][op]!;
    }
  }
};

const inputs: DocMutation = (doc, rng, ctx) => {
  const all = inputsOf(doc);
  if (all.length === 0) return null;
  const inp = rng.pick(all);
  const zones = Array.isArray(inp['zones']) ? inp['zones'] : null;
  switch (rng.int(0, 5)) {
    case 0: {
      if (zones === null || zones.length === 0) return null;
      const pin = rng.pick(zones);
      if (!isObj(pin)) return null;
      const k = rng.pick(['serial', 'sha256', 'zone', 'server', 'path', 'kind', 'extra']);
      pin[k] =
        k === 'serial' ? numberVariant(rng, asNumber(pin[k])) : k === 'sha256' ? 'f'.repeat(64) : hostileString(rng);
      return `pin ${k}`;
    }
    case 1: {
      if (zones === null || zones.length === 0) return null;
      const op = rng.int(0, 3);
      const pin = structuredClone(rng.pick(zones));
      if (op === 0) zones.splice(rng.int(0, zones.length - 1), 1);
      else if (op === 1) zones.push(pin);
      else if (op === 2 && isObj(pin)) zones.unshift({ ...pin, serial: 1, sha256: 'e'.repeat(64) });
      else zones.reverse();
      return ['drop a pin', 'duplicate a pin', 'a second pin for the same zone', 'reorder pins'][op]!;
    }
    case 2:
      inp['observedFingerprint'] = rng.pick([
        ctx.liveFingerprint,
        ctx.stateFingerprint ?? 'state:',
        `state:${ctx.liveFingerprint}`,
        ctx.liveFingerprint.replace(/^state:/, ''),
        'c'.repeat(64),
        '',
      ]);
      return 'observed fingerprint';
    case 3: {
      const st = inp['state'];
      if (isObj(st) && rng.chance(0.7)) {
        const k = rng.pick(['serial', 'lineage']);
        st[k] = k === 'serial' ? numberVariant(rng, asNumber(st[k])) : hostileString(rng);
        return `state ${k}`;
      }
      inp['state'] = rng.pick<unknown>([null, { lineage: 'x', serial: 7 }, {}, 'null']);
      return 'state';
    }
    case 4:
      inp['adopt'] = rng.pick<unknown>([true, false, 'true', 1, null]);
      return 'adopt';
    default:
      inp['zones'] = rng.pick<unknown>([[], {}, null]);
      return 'zones';
  }
};

const topLevel: DocMutation = (doc, rng) => {
  switch (rng.int(0, 3)) {
    case 0:
      doc['formatVersion'] = rng.pick<unknown>([0, 1, 2, 4, '3', 3.5, -1, null, 2 ** 53, [3], nested(600, true)]);
      return `formatVersion ${label(doc['formatVersion'])}`;
    case 1:
      doc['gitRevision'] = rng.pick<unknown>([null, 'f'.repeat(40), 'x'.repeat(129), 7]);
      return 'gitRevision';
    case 2:
      doc['createdAt'] = rng.pick<unknown>(['', 'yesterday', 'x'.repeat(65), 0]);
      return 'createdAt';
    default: {
      const devices = Array.isArray(doc['devices']) ? doc['devices'] : null;
      if (devices === null || devices.length === 0) return null;
      const op = rng.int(0, 2);
      const copy = structuredClone(devices[0]);
      if (op === 0) devices.push(copy);
      else if (op === 1 && isObj(copy)) devices.push({ ...copy, device: 'other-rtr' });
      else devices.length = 0;
      return ['duplicate the device plan', 'a second device', 'no devices'][op]!;
    }
  }
};

/** An own property even for `__proto__` (which JSON.parse makes an own key too). */
function put(o: Obj, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** Blind structural damage at a random place of the document. */
const structural: DocMutation = (doc, rng) => {
  const slots = slotsOf(doc);
  if (slots.length === 0) return null;
  const { parent, key } = rng.pick(slots);
  const get = (): unknown => (Array.isArray(parent) ? parent[key as number] : parent[key as string]);
  const set = (v: unknown): void => {
    if (Array.isArray(parent)) parent[key as number] = v;
    else parent[key as string] = v;
  };
  const v = get();
  switch (rng.int(0, 5)) {
    case 0:
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
      return `delete ${String(key)}`;
    case 1:
      set(randomValue(rng));
      return `replace ${String(key)}`;
    case 2:
      set(rng.chance(0.5) ? [v] : { value: v });
      return `wrap ${String(key)}`;
    case 3:
      if (Array.isArray(v)) set(Object.fromEntries(v.map((x, i) => [String(i), x])));
      else if (isObj(v)) set(Object.values(v));
      else set(typeof v === 'number' ? String(v) : typeof v === 'string' && v !== '' ? Number(v) : !v);
      return `change the type of ${String(key)}`;
    case 4: {
      if (Array.isArray(parent)) return null;
      const renamed = rng.pick([
        `${String(key)}x`,
        String(key).toUpperCase(),
        `${String(key)}\n`,
        '__proto__',
        'constructor',
      ]);
      delete parent[key as string];
      put(parent, renamed, v);
      return `rename ${String(key)}`;
    }
    default:
      if (Array.isArray(parent)) parent.push(randomValue(rng));
      else put(parent, hostileString(rng).slice(0, 100_000) || 'extra', randomValue(rng));
      return `extra item beside ${String(key)}`;
  }
};

const WEIGHTED: readonly [DocMutation, number][] = [
  [members, 30],
  [groupField, 15],
  [deviceField, 12],
  [inputs, 13],
  [topLevel, 5],
  [structural, 25],
];
const TOTAL = WEIGHTED.reduce((n, [, w]) => n + w, 0);

/** One mutation of the document, in place; its description. */
export function mutateDocument(doc: Obj, rng: Rng, ctx: MutationContext): string {
  for (;;) {
    let r = rng.int(0, TOTAL - 1);
    const [f] = WEIGHTED.find(([, w]) => (r -= w) < 0)!;
    const what = f(doc, rng, ctx);
    if (what !== null) return what;
    if (slotsOf(doc).length === 0) {
      doc['surprise'] = randomValue(rng);
      return 'extra key on an empty document';
    }
  }
}
