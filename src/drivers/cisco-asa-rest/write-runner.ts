// One write at a time, truthfully (README "Failure handling"): a request that fails is never re-sent blindly. The
// group it concerns is read again (GET) and only what is still missing is sent, after a back-off when retrying may
// help, within the client's retry budget; a reply lost after the device applied the change (a 500 after the write)
// thus costs one GET, not a duplicate. On giving up, DeviceApplyError says how many member changes reached the
// device: those confirmed (2xx) plus those the re-read found applied.

import type { DeviceApplyError as DeviceApplyErrorType, Logger } from '../driver.js';
import { DeviceApplyError } from '../driver.js';
import type { AsaRestApi, RestGroup, RestMember } from './api.js';
import type { RestClient } from './client.js';
import { isAddress, memberKey } from './members.js';
import { describeRequest, type RestRequest } from './requests.js';
import { agentFailingAdvice, formatMessages, RestError } from './rest-error.js';

function weightOf(r: RestRequest): number {
  if (r.method === 'DELETE' || !r.counted) return r.weight;
  return r.members.filter(isAddress).length;
}

/** What of `r` is still needed once the group reads `fresh` (undefined: absent), or undefined when nothing is. */
export function remainder(r: RestRequest, fresh: RestGroup | undefined): RestRequest | undefined {
  if (r.method === 'DELETE') return fresh === undefined ? undefined : r;
  const held = new Map<string, RestMember>((fresh?.members ?? []).map((m) => [memberKey(m), m]));
  if (r.method === 'POST' && fresh === undefined) return r;
  if (r.method === 'POST' || r.key === 'members.add') {
    // A POST whose group exists now (its reply lost) continues as a PATCH of what the group lacks.
    if (fresh === undefined) return r; // PATCH of an absent group: fails again, no progress
    const members = r.members.filter((m) => !held.has(memberKey(m)));
    if (members.length === 0) return undefined;
    const next = {
      method: 'PATCH',
      group: r.group,
      key: 'members.add',
      members,
      counted: r.counted,
      weight: 0,
    } as const;
    return { ...next, weight: weightOf(next) };
  }
  // A removal repeats each member exactly as the device now holds it; a group gone holds none.
  const members = r.members.flatMap((m) => held.get(memberKey(m)) ?? []);
  if (members.length === 0) return undefined;
  const next = { ...r, members, weight: 0 };
  return { ...next, weight: weightOf(next) };
}

export class WriteRunner {
  constructor(
    private readonly api: AsaRestApi,
    private readonly client: RestClient,
    private readonly label: string,
    private readonly log: Logger,
  ) {}

  private async exec(r: RestRequest): Promise<void> {
    if (r.method === 'DELETE') return this.api.deleteNetworkGroup(r.group);
    if (r.method === 'POST') return this.api.createNetworkGroup({ name: r.group, members: r.members });
    return this.api.patchMembers(r.group, r.key, r.members);
  }

  /** Sends `r` until the device holds it; the member changes it made. `before`: changes made by earlier requests. */
  async send(r: RestRequest, before: number): Promise<number> {
    let pending = r;
    let got = 0;
    const start = Date.now();
    for (let attempt = 1; ; attempt++) {
      let failure: RestError;
      try {
        await this.exec(pending);
        return got + pending.weight;
      } catch (e) {
        if (!(e instanceof RestError)) throw e;
        failure = e;
      }
      let fresh: RestGroup | undefined;
      try {
        fresh = await this.api.getNetworkGroup(pending.group);
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        throw this.giveUp(failure, pending, before + got, `; reading ${pending.group} back failed too: ${why}`);
      }
      const rest = remainder(pending, fresh);
      got += pending.weight - (rest === undefined ? 0 : rest.weight);
      if (rest === undefined) {
        this.log.warn('asa-rest write failed but the device holds it (re-read)', {
          device: this.label,
          request: describeRequest(pending),
          status: failure.status,
        });
        return got;
      }
      const progressed = rest.weight < pending.weight || memberCount(rest) < memberCount(pending);
      const b = this.client.backoff(attempt, Date.now() - start);
      if ((!failure.transient && !progressed) || !b.allowed) throw this.giveUp(failure, rest, before + got, '');
      this.log.warn('asa-rest write failed, re-read, sending what is missing', {
        device: this.label,
        request: describeRequest(rest),
        status: failure.status,
        attempt,
      });
      if (failure.transient) await new Promise((res) => setTimeout(res, b.delayMs));
      pending = rest;
    }
  }

  private giveUp(e: RestError, r: RestRequest, reached: number, extra: string): DeviceApplyErrorType {
    const what = describeRequest(r);
    const words = e.messages.length > 0 ? formatMessages(e.messages) : undefined;
    const message =
      e.agentFailing || e.status === 500
        ? `${agentFailingAdvice(this.label)} (${what}: ${e.message}${extra})`
        : `device ${this.label}: ${what} failed: ${e.message}${extra}`;
    return new DeviceApplyError(message, what, words, reached, e.transient);
  }
}

function memberCount(r: RestRequest): number {
  return r.method === 'DELETE' ? 1 : r.members.length;
}
