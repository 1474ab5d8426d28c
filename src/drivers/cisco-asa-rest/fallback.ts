// advanced.fallback: ssh (README "Fallback"): when the REST API is absent (404: Firepower hardware, the agent off) or
// the agent keeps failing before any write, the ASA driver over SSH reconciles the same groups (the same nested
// layout and names), and every observation says so, so the plan shows it.

import { ConfigError, InternalError } from '../../errors.js';
import type { Driver, DriverContext, GroupRef, Observation } from '../driver.js';
import type { AsaRestOptions } from './options.js';

export type HandOverReason = 'absent' | 'failing';

const WHY: Record<HandOverReason, string> = {
  absent: 'the REST API answered 404 (no REST agent: Firepower hardware, or `no rest-api agent`)',
  failing: 'the REST agent kept failing (HTTP 500 past the retry budget: typically out of memory)',
};

export function fallbackNote(reason: HandOverReason): string {
  return `reconciled over SSH (advanced.fallback: ssh): ${WHY[reason]}`;
}

export function withNote(o: Observation, note: string): Observation {
  return { ...o, notes: [...(o.notes ?? []), note] };
}

/** The ASA driver over SSH on the same device, its observations noting why; or the reason as an error. */
export async function handOver(ctx: DriverContext, o: AsaRestOptions, reason: HandOverReason): Promise<Driver> {
  const label = ctx.spec.name;
  if (o.fallback !== 'ssh') {
    throw new ConfigError(
      `device ${label}: ${WHY[reason]}`,
      reason === 'absent'
        ? 'enable the agent (`rest-api agent`), manage the device over SSH (platform: asa), or set advanced.fallback: ssh'
        : 'lower objectGroups.maxEntries or nestedSize, restart the agent (`no rest-api agent`, `rest-api agent`), or set advanced.fallback: ssh',
    );
  }
  if (ctx.fallback === undefined) throw new InternalError('asa-rest: no fallback driver in the context (registry.ts)');
  const endpoint = { host: ctx.endpoint.host, port: o.sshPort };
  ctx.log.warn('asa-rest falling back to SSH', { device: label, reason, port: o.sshPort });
  return new NotingDriver(await ctx.fallback(endpoint), fallbackNote(reason));
}

/** Another driver whose observations carry a note. */
class NotingDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly note: string,
  ) {}

  async observe(refs: readonly GroupRef[]): Promise<Observation> {
    return withNote(await this.inner.observe(refs), this.note);
  }

  describe: Driver['describe'] = (changes, basis) => this.inner.describe(changes, basis);
  apply: Driver['apply'] = (changes, basis, opts) => this.inner.apply(changes, basis, opts);
  save: Driver['save'] = () => this.inner.save();
  close: Driver['close'] = () => this.inner.close();
}
