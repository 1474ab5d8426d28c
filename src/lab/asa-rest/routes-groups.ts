// /api/objects/networkobjectgroups (spec §3): list with paging, read, create, replace, patch members, delete. Every
// change goes through the same model operations as the CLI (../asa/group-edits.ts), so SSH shows it; a change made
// of several members is all-or-nothing [I]: the first refusal puts the group back and answers 400 with the ASA's
// words in messages[].details.

import {
  addGroupObject,
  addNetworkObject,
  openGroup,
  removeGroup,
  removeGroupObject,
  removeNetworkObject,
} from '../asa/group-edits.js';
import { isObjectName, parseMember } from '../asa/members.js';
import type { AsaConfig } from '../asa/config-model.js';
import type { NetworkGroup } from '../asa/object-group.js';
import { encodeId, memberEdit, quote, restMember } from './members.js';
import type { MemberEdit, RestMember } from './members.js';
import { errorReply } from './reply.js';
import type { Reply } from './reply.js';

export interface GroupContext {
  readonly config: AsaConfig;
  /** `https://HOST:PORT/api`. */
  readonly base: string;
  /** The SSH unit's element-limit fault, if any. */
  readonly elementLimit: number | undefined;
}

const MAX_LIMIT = 100;
/** Members in one request body [I]: bounded so that one request cannot hold the agent for long. */
const MAX_MEMBERS = 10_000;
const DESCRIPTION = /^[\x20-\x7e]{1,200}$/;

const collectionLink = (ctx: GroupContext): string => `${ctx.base}/objects/networkobjectgroups`;

function groupJson(ctx: GroupContext, group: NetworkGroup): Record<string, unknown> {
  const members: RestMember[] = [];
  for (const line of group.memberLines()) {
    const member = restMember(line, ctx.base);
    if (member) members.push(member);
  }
  const description = group.description();
  return {
    kind: 'object#NetworkObjGroup',
    selfLink: `${collectionLink(ctx)}/${encodeId(group.name)}`,
    name: group.name,
    ...(description !== undefined ? { description } : {}),
    members,
    objectId: group.name,
  };
}

function pageNumber(value: string | null, name: string, fallback: number): number | string {
  if (value === null) return fallback;
  if (!/^\d{1,9}$/.test(value)) return `query parameter "${name}" must be a whole number`;
  return Number(value);
}

export function listGroups(ctx: GroupContext, query: URLSearchParams): Reply {
  const offset = pageNumber(query.get('offset'), 'offset', 0);
  const limit = pageNumber(query.get('limit'), 'limit', MAX_LIMIT);
  if (typeof offset === 'string') return errorReply(400, offset, 'INVALID-QUERY', 'offset');
  if (typeof limit === 'string') return errorReply(400, limit, 'INVALID-QUERY', 'limit');
  const groups = [...ctx.config.groups.values()];
  const page = groups.slice(offset, offset + Math.min(limit === 0 ? MAX_LIMIT : limit, MAX_LIMIT));
  return {
    status: 200,
    json: {
      kind: 'collection#NetworkObjGroup',
      selfLink: collectionLink(ctx),
      // limit is the number of items returned, as Cisco's Go client expects (spec §7).
      rangeInfo: { offset, limit: page.length, total: groups.length },
      items: page.map((g) => groupJson(ctx, g)),
    },
  };
}

export function getGroup(ctx: GroupContext, id: string): Reply {
  const group = ctx.config.groups.get(id);
  if (!group) return notFound(id);
  return { status: 200, json: groupJson(ctx, group) };
}

function notFound(id: string): Reply {
  return errorReply(404, `network object-group ${quote(id)} not found`, 'RESOURCE-NOT-FOUND');
}

type Body = Record<string, unknown>;

function asObject(body: unknown): Body | undefined {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Body) : undefined;
}

/** The members of a body field, each checked; the first bad one names its index. */
function memberList(value: unknown, field: string): MemberEdit[] | Reply {
  if (!Array.isArray(value)) return errorReply(400, `"${field}" must be an array of members`, 'INVALID-INPUT', field);
  if (value.length > MAX_MEMBERS) {
    return errorReply(400, `"${field}" holds more than ${MAX_MEMBERS} members`, 'INVALID-INPUT', field);
  }
  const out: MemberEdit[] = [];
  for (const [i, item] of value.entries()) {
    const edit = memberEdit(item);
    if (typeof edit === 'string') return errorReply(400, `${field}[${i}]: ${edit}`, 'INVALID-INPUT', field);
    out.push(edit);
  }
  return out;
}

function applyEdit(ctx: GroupContext, group: NetworkGroup, edit: MemberEdit, remove: boolean): string | undefined {
  if (edit.kind === 'group') {
    return remove ? removeGroupObject(ctx.config, group, edit.name) : addGroupObject(ctx.config, group, edit.name);
  }
  const parsed = parseMember(edit.words);
  if (!parsed.ok) return parsed.message ?? `ERROR: % Invalid input detected at '^' marker.`;
  return remove
    ? removeNetworkObject(ctx.config, group, parsed)
    : addNetworkObject(ctx.config, group, parsed, ctx.elementLimit);
}

/** Runs edits on one group, all or nothing: the first refusal restores the group and answers 400. */
function applyAll(ctx: GroupContext, group: NetworkGroup, steps: readonly [MemberEdit, boolean][]): Reply | undefined {
  const restore = group.snapshot();
  for (const [edit, remove] of steps) {
    const refused = applyEdit(ctx, group, edit, remove);
    if (refused !== undefined) {
      restore();
      return errorReply(400, refused, 'INVALID-INPUT');
    }
  }
  return undefined;
}

function checkFields(body: Body, allowed: readonly string[]): Reply | undefined {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) return errorReply(400, `unknown field ${quote(key)}`, 'INVALID-INPUT');
  }
  if (body['kind'] !== undefined && body['kind'] !== 'object#NetworkObjGroup') {
    return errorReply(400, '"kind" must be "object#NetworkObjGroup"', 'INVALID-INPUT', 'kind');
  }
  const description = body['description'];
  if (description !== undefined && (typeof description !== 'string' || !DESCRIPTION.test(description))) {
    return errorReply(400, '"description" must be 1-200 printable characters', 'INVALID-INPUT', 'description');
  }
  return undefined;
}

const GROUP_FIELDS = ['kind', 'name', 'description', 'members', 'objectId'];

export function createGroup(ctx: GroupContext, input: unknown): Reply {
  const body = asObject(input);
  if (!body) return errorReply(400, 'the body must be a JSON object', 'INVALID-INPUT');
  const bad = checkFields(body, GROUP_FIELDS);
  if (bad) return bad;
  const name = body['name'];
  if (typeof name !== 'string' || !isObjectName(name)) {
    return errorReply(400, '"name" must be an object name (1-64 letters, digits, _.-)', 'INVALID-INPUT', 'name');
  }
  if (ctx.config.groups.has(name)) {
    return errorReply(400, `object-group ${name} already exists`, 'DUPLICATE', 'name');
  }
  const members = memberList(body['members'] ?? [], 'members');
  if (!Array.isArray(members)) return members;
  const group = openGroup(ctx.config, name);
  if (typeof group === 'string') return errorReply(400, group, 'DUPLICATE', 'name');
  const refused = applyAll(
    ctx,
    group,
    members.map((m) => [m, false]),
  );
  if (refused) {
    ctx.config.deleteGroup(name);
    return refused;
  }
  if (typeof body['description'] === 'string') group.setDescription(body['description']);
  const location = `${collectionLink(ctx)}/${encodeId(name)}`;
  return { status: 201, headers: { Location: location } };
}

export function patchGroup(ctx: GroupContext, id: string, input: unknown): Reply {
  const group = ctx.config.groups.get(id);
  if (!group) return notFound(id);
  const body = asObject(input);
  if (!body) return errorReply(400, 'the body must be a JSON object', 'INVALID-INPUT');
  const bad = checkFields(body, ['kind', 'name', 'objectId', 'description', 'members.add', 'members.remove']);
  if (bad) return bad;
  if ((body['name'] ?? id) !== id || (body['objectId'] ?? id) !== id) {
    return errorReply(400, 'a group cannot be renamed', 'READ-ONLY-FIELD', 'name');
  }
  const steps: [MemberEdit, boolean][] = [];
  // Both keys in one body: removals first [I] (spec §3 leaves it open).
  for (const [field, remove] of [
    ['members.remove', true],
    ['members.add', false],
  ] as const) {
    if (body[field] === undefined) continue;
    const list = memberList(body[field], field);
    if (!Array.isArray(list)) return list;
    for (const edit of list) steps.push([edit, remove]);
  }
  const refused = applyAll(ctx, group, steps);
  if (refused) return refused;
  if (typeof body['description'] === 'string') group.setDescription(body['description']);
  return { status: 204 };
}

/** PUT: the full object; never creates (spec §3). Adds go first so that a group in use never passes through empty. */
export function replaceGroup(ctx: GroupContext, id: string, input: unknown): Reply {
  const group = ctx.config.groups.get(id);
  if (!group) return notFound(id);
  const body = asObject(input);
  if (!body) return errorReply(400, 'the body must be a JSON object', 'INVALID-INPUT');
  const bad = checkFields(body, GROUP_FIELDS);
  if (bad) return bad;
  if ((body['name'] ?? id) !== id || (body['objectId'] ?? id) !== id) {
    return errorReply(400, 'a group cannot be renamed', 'READ-ONLY-FIELD', 'name');
  }
  const wanted = memberList(body['members'] ?? [], 'members');
  if (!Array.isArray(wanted)) return wanted;
  const wantedKeys = new Set(wanted.map(editKey));
  const current = group.memberLines().flatMap((line) => {
    const words = line.split(/\s+/);
    const edit: MemberEdit =
      words[0] === 'group-object'
        ? { kind: 'group', name: words[1] as string }
        : { kind: 'object', words: words.slice(1) };
    return [edit];
  });
  const currentKeys = new Set(current.map(editKey));
  const steps: [MemberEdit, boolean][] = [
    ...wanted.filter((e) => !currentKeys.has(editKey(e))).map((e): [MemberEdit, boolean] => [e, false]),
    ...current.filter((e) => !wantedKeys.has(editKey(e))).map((e): [MemberEdit, boolean] => [e, true]),
  ];
  const refused = applyAll(ctx, group, steps);
  if (refused) return refused;
  group.setDescription(typeof body['description'] === 'string' ? body['description'] : undefined);
  return { status: 204 };
}

/** The model's identity of a member (a /32 network and a host are one member, as on the CLI). */
function editKey(edit: MemberEdit): string {
  if (edit.kind === 'group') return `g:${edit.name}`;
  const parsed = parseMember(edit.words);
  return parsed.ok ? `m:${parsed.key}` : `x:${edit.words.join(' ')}`;
}

export function deleteGroup(ctx: GroupContext, id: string): Reply {
  if (!ctx.config.groups.has(id)) return notFound(id);
  const refused = removeGroup(ctx.config, id);
  return refused ? errorReply(400, refused, 'INVALID-INPUT') : { status: 204 };
}
