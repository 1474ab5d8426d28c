// The REST agent's routes (spec §3): which handler a method and path reach, the template counted in
// /lab/requests, and whether the call writes (the writes the OOM fault refuses and `applyWrites` lets through).

import type { AsaUnit } from '../asa/device.js';
import { decodeId } from './members.js';
import type { FaultState } from './faults.js';
import { errorReply } from './reply.js';
import type { Reply } from './reply.js';
import { runCli, writeMemory } from './routes-commands.js';
import { createGroup, deleteGroup, getGroup, listGroups, patchGroup, replaceGroup } from './routes-groups.js';
import type { GroupContext } from './routes-groups.js';
import type { TokenTable } from './tokens.js';

export interface CallContext {
  readonly unit: AsaUnit;
  readonly faults: FaultState;
  readonly tokens: TokenTable;
  readonly base: string;
  readonly username: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
}

export interface Route {
  /** `PATCH /api/objects/networkobjectgroups/{id}`: the key in /lab/requests. */
  readonly template: string;
  readonly write: boolean;
  /** POST /api/tokenservices takes Basic only. */
  readonly basicOnly: boolean;
  /** Whether the body is JSON to parse (else it is ignored). */
  readonly json: boolean;
  run(ctx: CallContext): Reply;
}

const GROUPS = '/api/objects/networkobjectgroups';

function groupContext(ctx: CallContext): GroupContext {
  return { config: ctx.unit.device.config, base: ctx.base, elementLimit: ctx.unit.faults.elementLimit };
}

function route(template: string, write: boolean, run: (ctx: CallContext) => Reply, extra: Partial<Route> = {}): Route {
  return { template, write, basicOnly: false, json: write, run, ...extra };
}

function notAllowed(method: string, template: string): Route {
  return route(`${method} ${template}`, false, () =>
    errorReply(405, `${method} is not allowed here`, 'METHOD-NOT-ALLOWED'),
  );
}

/** The route of a request under /api; unknown paths answer 404 and are counted under one key. */
export function resolveRoute(method: string, pathname: string): Route {
  const parts = pathname.split('/').slice(2);
  const [first, second, third, ...more] = parts;
  const path = parts.join('/');
  if (path === '' && method === 'GET') {
    return route('GET /api', false, () => ({ status: 200, json: { kind: 'object#RestApiInfo', selfLink: '/api' } }));
  }
  if (first === 'tokenservices' && third === undefined) {
    if (second === undefined) {
      if (method !== 'POST') return notAllowed(method, '/api/tokenservices');
      return route('POST /api/tokenservices', false, (ctx) => ctx.tokens.create(ctx.faults.maxSessions), {
        basicOnly: true,
      });
    }
    if (method !== 'DELETE') return notAllowed(method, '/api/tokenservices/{token}');
    const token = decodeId(second) ?? '';
    return route('DELETE /api/tokenservices/{token}', false, (ctx) => ctx.tokens.delete(token));
  }
  if (first === 'objects' && second === 'networkobjectgroups' && more.length === 0) {
    if (third === undefined) {
      if (method === 'GET') return route(`GET ${GROUPS}`, false, (ctx) => listGroups(groupContext(ctx), ctx.query));
      if (method === 'POST') return route(`POST ${GROUPS}`, true, (ctx) => createGroup(groupContext(ctx), ctx.body));
      return notAllowed(method, GROUPS);
    }
    const id = decodeId(third);
    const template = `${method} ${GROUPS}/{id}`;
    if (id === undefined) return route(template, false, () => errorReply(400, 'bad object id', 'INVALID-INPUT'));
    if (method === 'GET') return route(template, false, (ctx) => getGroup(groupContext(ctx), id));
    if (method === 'PATCH') return route(template, true, (ctx) => patchGroup(groupContext(ctx), id, ctx.body));
    if (method === 'PUT') return route(template, true, (ctx) => replaceGroup(groupContext(ctx), id, ctx.body));
    if (method === 'DELETE') return route(template, true, (ctx) => deleteGroup(groupContext(ctx), id), { json: false });
    return notAllowed(method, `${GROUPS}/{id}`);
  }
  if (path === 'commands/writemem') {
    if (method !== 'POST') return notAllowed(method, '/api/commands/writemem');
    return route('POST /api/commands/writemem', true, (ctx) => writeMemory(ctx.unit, ctx.faults), { json: false });
  }
  if (path === 'cli') {
    if (method !== 'POST') return notAllowed(method, '/api/cli');
    return route('POST /api/cli', true, (ctx) => runCli(ctx.unit, ctx.username, ctx.body));
  }
  return route(`${method} /api/{unknown}`, false, () => errorReply(404, 'no such resource', 'RESOURCE-NOT-FOUND'));
}
