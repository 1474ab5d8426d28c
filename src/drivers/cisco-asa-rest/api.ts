// The ASA REST calls the driver needs, over RestClient: network object groups (paged reads, create, PATCH
// members.add/members.remove, delete), write memory and the CLI passthrough. Every reply is untrusted JSON: each
// field is checked for kind and length, and a malformed reply is an error naming the route and the field.

import type { RestClient } from './client.js';
import { cleanText, RestError } from './rest-error.js';

export interface RestMember {
  readonly kind: string;
  readonly value?: string;
  readonly objectId?: string;
}

export interface RestGroup {
  readonly objectId: string;
  readonly name: string;
  readonly description?: string;
  readonly members: readonly RestMember[];
}

const GROUPS = '/objects/networkobjectgroups';
const PAGE = 100;
const MAX_PAGES = 10_000;
const MAX_NAME = 256;
const MAX_DESCRIPTION = 1024;
const MAX_VALUE = 256;
const MAX_KIND = 64;

/** An object id in a URL path: `/` as the ASA spells it (`_API_SLASH_`), then percent-encoded. */
export function encodeObjectId(id: string): string {
  return encodeURIComponent(id.replaceAll('/', '_API_SLASH_'));
}

/** The field checks of one reply: each failure names the route and the field path. */
class Reader {
  constructor(
    private readonly label: string,
    private readonly route: string,
    private readonly status: number,
  ) {}

  fail(field: string, problem: string): RestError {
    return new RestError(
      `device ${this.label}: ${this.route}: malformed reply (HTTP ${this.status}): ${field} ${problem}`,
      { status: this.status, route: this.route, transient: false },
    );
  }

  object(v: unknown, field: string): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw this.fail(field, 'is not an object');
    return v as Record<string, unknown>;
  }

  array(v: unknown, field: string): unknown[] {
    if (!Array.isArray(v)) throw this.fail(field, 'is not an array');
    return v;
  }

  string(v: unknown, field: string, max: number): string {
    if (typeof v !== 'string') throw this.fail(field, 'is not a string');
    if (v.length > max) throw this.fail(field, `is longer than ${max} characters`);
    return v;
  }

  optString(v: unknown, field: string, max: number): string | undefined {
    return v === undefined || v === null ? undefined : this.string(v, field, max);
  }

  count(v: unknown, field: string): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw this.fail(field, 'is not a count');
    return v;
  }

  group(v: unknown, field: string): RestGroup {
    const o = this.object(v, field);
    const kind = this.optString(o.kind, `${field}.kind`, MAX_KIND);
    if (kind !== undefined && kind !== 'object#NetworkObjGroup') {
      throw this.fail(`${field}.kind`, `is ${JSON.stringify(cleanText(kind, 40))}, not object#NetworkObjGroup`);
    }
    const name = this.string(o.name, `${field}.name`, MAX_NAME);
    if (name === '') throw this.fail(`${field}.name`, 'is empty');
    const objectId = this.optString(o.objectId, `${field}.objectId`, MAX_NAME) ?? name;
    const description = this.optString(o.description, `${field}.description`, MAX_DESCRIPTION);
    const members = o.members === undefined ? [] : this.array(o.members, `${field}.members`);
    return {
      objectId,
      name,
      ...(description !== undefined ? { description } : {}),
      members: members.map((m, i) => this.member(m, `${field}.members[${i}]`)),
    };
  }

  member(v: unknown, field: string): RestMember {
    const o = this.object(v, field);
    const kind = this.string(o.kind, `${field}.kind`, MAX_KIND);
    const value = this.optString(o.value, `${field}.value`, MAX_VALUE);
    const objectId = this.optString(o.objectId, `${field}.objectId`, MAX_NAME);
    if (kind.startsWith('objectRef#')) {
      if (objectId === undefined) throw this.fail(`${field}.objectId`, `is missing for a ${kind}`);
    } else if (value === undefined && !kind.startsWith('Any')) {
      throw this.fail(`${field}.value`, `is missing for a ${cleanText(kind, 40)}`);
    }
    return {
      kind,
      ...(value !== undefined ? { value } : {}),
      ...(objectId !== undefined ? { objectId } : {}),
    };
  }

  strings(v: unknown, field: string): string[] {
    return this.array(v, field).map((s, i) => this.string(s, `${field}[${i}]`, 16 * 1024 * 1024));
  }
}

/** Only the fields the ASA takes for an inline member. */
const memberBody = (m: RestMember): RestMember => ({
  kind: m.kind,
  ...(m.value !== undefined ? { value: m.value } : {}),
  ...(m.objectId !== undefined ? { objectId: m.objectId } : {}),
});

export class AsaRestApi {
  readonly #maxPages: number;

  /** `limits.maxPages` (default 10,000) lets tests reach the guard without 10,000 requests. */
  constructor(
    private readonly client: RestClient,
    limits: { readonly maxPages?: number } = {},
  ) {
    this.#maxPages = limits.maxPages ?? MAX_PAGES;
  }

  /** 'absent' when the API answers 404 (Firepower hardware, or the agent is off). */
  async probe(): Promise<'present' | 'absent'> {
    try {
      await this.client.request('GET', `${GROUPS}?offset=0&limit=1`);
      return 'present';
    } catch (e) {
      if (e instanceof RestError && e.status === 404) return 'absent';
      throw e;
    }
  }

  /** Every network object group, `limit=100` pages until offset + items >= total, with guards on the paging. */
  async listNetworkGroups(): Promise<RestGroup[]> {
    const route = `GET ${GROUPS}`;
    const groups: RestGroup[] = [];
    const ids = new Set<string>();
    let offset = 0;
    let total: number | undefined;
    for (let page = 1; ; page++) {
      if (page > this.#maxPages) throw this.#paging(route, `more than ${this.#maxPages} pages`);
      const r = await this.client.request('GET', `${GROUPS}?offset=${offset}&limit=${PAGE}`);
      const read = new Reader(this.client.label, route, r.status);
      const body = read.object(r.body, 'body');
      const range = read.object(body.rangeInfo, 'rangeInfo');
      const pageTotal = read.count(range.total, 'rangeInfo.total');
      const pageOffset = read.count(range.offset, 'rangeInfo.offset');
      const items = body.items === undefined && pageTotal === 0 ? [] : read.array(body.items, 'items');
      if (pageOffset !== offset) throw this.#paging(route, `asked for offset ${offset}, got ${pageOffset}`);
      if (total !== undefined && pageTotal !== total) {
        throw this.#paging(
          route,
          `the total changed from ${total} to ${pageTotal} while reading (a concurrent change?)`,
        );
      }
      total = pageTotal;
      items.forEach((item, i) => {
        const g = read.group(item, `items[${i}]`);
        // An insert and a delete between pages keep the total but shift the pages: a group seen twice.
        if (ids.has(g.objectId))
          throw this.#paging(route, `group ${cleanText(g.objectId, 80)} seen twice (a concurrent change?)`);
        ids.add(g.objectId);
        groups.push(g);
      });
      offset += items.length;
      if (offset >= total) return groups;
      if (items.length === 0) throw this.#paging(route, `an empty page at offset ${offset} of ${total}`);
    }
  }

  /** One group, or undefined when the ASA answers 404. */
  async getNetworkGroup(objectId: string): Promise<RestGroup | undefined> {
    try {
      const r = await this.client.request('GET', `${GROUPS}/${encodeObjectId(objectId)}`);
      return new Reader(this.client.label, `GET ${GROUPS}/{id}`, r.status).group(r.body, 'body');
    } catch (e) {
      if (e instanceof RestError && e.status === 404) return undefined;
      throw e;
    }
  }

  async createNetworkGroup(g: { name: string; description?: string; members: readonly RestMember[] }): Promise<void> {
    await this.client.request('POST', GROUPS, {
      kind: 'object#NetworkObjGroup',
      name: g.name,
      ...(g.description !== undefined ? { description: g.description } : {}),
      members: g.members.map(memberBody),
    });
  }

  async patchMembers(
    objectId: string,
    key: 'members.add' | 'members.remove',
    members: readonly RestMember[],
  ): Promise<void> {
    await this.client.request('PATCH', `${GROUPS}/${encodeObjectId(objectId)}`, { [key]: members.map(memberBody) });
  }

  async deleteNetworkGroup(objectId: string): Promise<void> {
    await this.client.request('DELETE', `${GROUPS}/${encodeObjectId(objectId)}`);
  }

  /** `write memory`: the `response` text, which has to end the build with [OK]. */
  async writeMemory(): Promise<string> {
    const route = 'POST /commands/writemem';
    const r = await this.client.request('POST', '/commands/writemem');
    const read = new Reader(this.client.label, route, r.status);
    const text = read.strings(read.object(r.body, 'body').response, 'response').join('\n');
    if (!text.includes('[OK]')) {
      throw new RestError(
        `device ${this.client.label}: ${route}: the configuration was not saved (no [OK]): ${cleanText(text)}`,
        { status: r.status, route, transient: true },
      );
    }
    return text;
  }

  /** `POST /cli`: one output string per command, in order. */
  async cli(commands: readonly string[]): Promise<string[]> {
    const route = 'POST /cli';
    const r = await this.client.request('POST', '/cli', { commands });
    const read = new Reader(this.client.label, route, r.status);
    const out = read.strings(read.object(r.body, 'body').response, 'response');
    if (out.length !== commands.length) {
      throw read.fail('response', `has ${out.length} entries for ${commands.length} commands`);
    }
    return out;
  }

  #paging(route: string, problem: string): RestError {
    return new RestError(`device ${this.client.label}: ${route}: paging stopped: ${problem}`, {
      route,
      transient: true,
    });
  }
}
