// The Cisco ASA REST driver: a thin session around the pure mapping (members.ts, observe.ts, requests.ts) and the
// shared nested layout. Connect opens the client (token, TLS trust) and probes the API; absent (404) with
// advanced.fallback: ssh, the ASA driver over SSH takes the device (fallback.ts). observe lists every network group
// (paged) and reads ACL usage through /api/cli; apply sends the requests in order and, after a failed write, re-reads
// the group before sending what is still needed (never blindly); save is writemem; close always deletes the token.

import { ConfigError, TransientError } from '../../errors.js';
import type { GroupChange } from '../../plan/model.js';
import {
  DeviceApplyError,
  type Driver,
  type DriverApplyOptions,
  type DriverContext,
  type GroupRef,
  type Observation,
} from '../driver.js';
import { describeNestedOps, planNestedApply } from '../shared/nested-apply.js';
import { AsaRestApi } from './api.js';
import { RestClient, type TlsTrust } from './client.js';
import { handOver } from './fallback.js';
import { foldRestGroups, parseAclUsage, restFactsOf, type AsaRestFacts } from './observe.js';
import type { AclUsage } from '../shared/asa-acl-usage.js';
import { parseShowFailover, type HaRole } from '../shared/asa-failover.js';
import { readAsaRestOptions, type AsaRestOptions } from './options.js';
import { planRequests } from './requests.js';
import { RestError } from './rest-error.js';
import { WriteRunner } from './write-runner.js';

export interface AsaRestDriverTuning {
  /** The platform's options; default: read from the device's fields. */
  readonly options?: AsaRestOptions;
  /** Back-off between retries (default 500 ms doubling up to 10 s, with jitter): tests make it small. */
  readonly retryDelays?: { readonly baseDelayMs: number; readonly maxDelayMs: number };
}

const SELF_SIGNED_NOTE =
  'the HTTPS certificate was not checked (advanced.allowSelfSigned: true): pin it with advanced.certificateFingerprint instead';

const ACL_UNREAD_NOTE =
  'the REST agent refused `show running-config access-list`: the groups count as in use (a shim rather than an empty group, no delete) until the ACLs can be read';

function trustOf(o: AsaRestOptions): TlsTrust {
  if (o.certificateFingerprint !== undefined) return { mode: 'pin', fingerprint256: o.certificateFingerprint };
  return o.allowSelfSigned ? { mode: 'self-signed' } : { mode: 'verify' };
}

/** `https://HOST[:PORT]/api`; advanced.apiUrl applies to the management address only (a peer has its own). */
function baseUrlOf(ctx: DriverContext, o: AsaRestOptions): string {
  const m = ctx.spec.management;
  if (o.apiUrl !== undefined && ctx.endpoint.host === m.host && ctx.endpoint.port === m.port) return o.apiUrl;
  const host = ctx.endpoint.host.includes(':') ? `[${ctx.endpoint.host}]` : ctx.endpoint.host;
  return `https://${host}${ctx.endpoint.port === 443 ? '' : `:${ctx.endpoint.port}`}/api`;
}

/** The agent kept answering 500 past the retry budget and the device opted into the SSH fallback. */
function isFailing(e: unknown, o: AsaRestOptions): boolean {
  return e instanceof RestError && e.agentFailing && o.fallback === 'ssh';
}

/** A client error outside apply, as the core's error kinds: retrying may help, or the user must fix something. */
function coreError(e: unknown): unknown {
  if (!(e instanceof RestError)) return e;
  return e.transient
    ? new TransientError(e.message, e.agentFailing ? undefined : 'the next run retries', { cause: e })
    : new ConfigError(e.message, e.status === 401 ? 'check credentials.username / password' : undefined);
}

export async function createAsaRestDriver(ctx: DriverContext, tuning: AsaRestDriverTuning = {}): Promise<Driver> {
  const options = tuning.options ?? readAsaRestOptions(ctx.spec.options);
  const label = ctx.spec.name;
  const [username, password] = [await ctx.secret('username'), await ctx.secret('password')];
  if (username === undefined || password === undefined) {
    throw new ConfigError(
      `device ${label}: the ASA REST API needs credentials.username and credentials.password`,
      'set both, as { env: NAME } or { file: PATH }',
    );
  }
  const tls = trustOf(options);
  if (tls.mode === 'self-signed')
    ctx.log.warn('asa-rest certificate not verified', { device: label, fix: SELF_SIGNED_NOTE });
  const delays = tuning.retryDelays ?? { baseDelayMs: options.retry.firstDelayMs, maxDelayMs: 10_000 };
  let client: RestClient;
  try {
    client = await RestClient.open({
      baseUrl: baseUrlOf(ctx, options),
      label,
      username,
      password,
      tokenAuth: options.tokenAuth,
      tls,
      requestTimeoutMs: options.requestTimeoutMs,
      concurrency: options.concurrency,
      ...(options.requestsPerSecond === undefined ? {} : { requestsPerSecond: options.requestsPerSecond }),
      // The client counts tries, the setting retries.
      retry: { attempts: options.retry.attempts + 1, ...delays, budgetMs: options.retry.maxSeconds * 1000 },
      log: ctx.log,
    });
  } catch (e) {
    if (e instanceof RestError && e.status === 404) return handOver(ctx, options, 'absent');
    if (isFailing(e, options)) return handOver(ctx, options, 'failing');
    throw coreError(e);
  }
  const api = new AsaRestApi(client);
  let presence: 'present' | 'absent';
  try {
    presence = await api.probe();
  } catch (e) {
    await client.close();
    if (isFailing(e, options)) return handOver(ctx, options, 'failing');
    throw coreError(e);
  }
  if (presence === 'absent') {
    await client.close();
    return handOver(ctx, options, 'absent');
  }
  return new AsaRestDriver(ctx, options, client, api, tls.mode === 'self-signed' ? [SELF_SIGNED_NOTE] : []);
}

class AsaRestDriver implements Driver {
  /** The ASA driver over SSH once the REST agent failed in observe (advanced.fallback: ssh). */
  private ssh: Driver | undefined;
  private wrote = false;

  constructor(
    private readonly ctx: DriverContext,
    private readonly options: AsaRestOptions,
    private readonly client: RestClient,
    private readonly api: AsaRestApi,
    private readonly notes: readonly string[],
  ) {}

  private get label(): string {
    return this.ctx.spec.name;
  }

  async observe(refs: readonly GroupRef[]): Promise<Observation> {
    if (this.ssh !== undefined) return this.ssh.observe(refs);
    try {
      const groups = await this.api.listNetworkGroups();
      const { usage, haRole } = await this.readAclsAndRole();
      const folded = foldRestGroups(groups, usage, refs, this.options.shimAddress);
      const o = haRole === undefined ? folded : { ...folded, haRole };
      const notes = usage === 'unread' ? [...this.notes, ACL_UNREAD_NOTE] : this.notes;
      this.ctx.log.info('asa-rest observed', {
        device: this.label,
        groups: groups.length,
        requests: this.client.stats.requests,
      });
      return notes.length === 0 ? o : { ...o, notes };
    } catch (e) {
      if (!isFailing(e, this.options) || this.wrote) throw coreError(e);
      await this.client.close();
      this.ssh = await handOver(this.ctx, this.options, 'failing');
      return this.ssh.observe(refs);
    }
  }

  /**
   * Which ACLs use which groups and the failover role, through `/api/cli` (a POST the agent may refuse when short
   * of memory while its GETs still answer): once the groups are read, a refused read leaves the usage 'unread'
   * rather than failing the observation, so the re-read after a failed apply still records what the device holds.
   */
  private async readAclsAndRole(): Promise<{ usage: AclUsage | 'unread'; haRole?: HaRole }> {
    let replies: string[];
    try {
      replies = await this.api.cli(['show running-config access-list', 'show failover']);
    } catch (e) {
      if (!(e instanceof RestError) || e.status === undefined || e.status === 401) throw e;
      this.ctx.log.warn('asa-rest could not read the ACLs', { device: this.label, status: e.status });
      return { usage: 'unread' };
    }
    const [acl = '', failover = ''] = replies;
    const status = parseShowFailover(failover);
    if (status.enabled && status.haRole === undefined) {
      throw new TransientError(
        `device ${this.label}: failover is on but this unit is neither active nor standby (${status.state ?? 'no state shown'})`,
        'run again once the failover pair has settled',
      );
    }
    return status.haRole === undefined
      ? { usage: parseAclUsage(acl) }
      : { usage: parseAclUsage(acl), haRole: status.haRole };
  }

  describe(changes: readonly GroupChange[], basis: Observation): readonly string[] {
    if (this.ssh !== undefined) return this.ssh.describe(changes, basis);
    const facts = restFactsOf(basis);
    const plan = planNestedApply(changes, basis.groups, facts, this.options);
    return describeNestedOps(plan.ops, basis.groups, this.options.shimAddress);
  }

  async apply(
    changes: readonly GroupChange[],
    basis: Observation,
    opts: DriverApplyOptions = {},
  ): Promise<Observation> {
    if (this.ssh !== undefined) return this.ssh.apply(changes, basis, opts);
    const facts = restFactsOf(basis);
    const plan = planNestedApply(changes, basis.groups, facts, this.options);
    const after: Observation = {
      ...basis,
      groups: plan.observed,
      facts: { kind: 'asa-rest', groups: plan.groups, forms: plan.forms } satisfies AsaRestFacts,
    };
    const requests = planRequests(plan.ops, facts.forms, this.options.chunkSize);
    if (requests.length === 0) return after;
    const total = requests.reduce((n, r) => n + r.weight, 0);
    this.ctx.log.info('asa-rest apply start', { device: this.label, requests: requests.length, memberChanges: total });
    const runner = new WriteRunner(this.api, this.client, this.label, this.ctx.log);
    let done = 0;
    for (const r of requests) {
      if (opts.signal?.aborted === true) {
        throw new DeviceApplyError(`device ${this.label}: interrupted`, undefined, undefined, done, true, true);
      }
      this.wrote = true;
      done += await runner.send(r, done);
      opts.onProgress?.({ done, total });
    }
    this.ctx.log.info('asa-rest apply done', {
      device: this.label,
      memberChanges: done,
      requests: this.client.stats.requests,
    });
    return after;
  }

  /** `POST /api/commands/writemem` until `[OK]`: saving twice is harmless, so a failure is retried with back-off. */
  async save(): Promise<void> {
    if (this.ssh !== undefined) return this.ssh.save();
    const start = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.api.writeMemory();
        return;
      } catch (e) {
        const b = this.client.backoff(attempt, Date.now() - start);
        if (!(e instanceof RestError && e.transient && b.allowed)) throw coreError(e);
        this.ctx.log.warn('asa-rest write memory failed, retrying', { device: this.label, attempt, status: e.status });
        await new Promise((r) => setTimeout(r, b.delayMs));
      }
    }
  }

  async close(): Promise<void> {
    try {
      if (this.ssh !== undefined) await this.ssh.close();
    } finally {
      await this.client.close();
    }
  }
}
