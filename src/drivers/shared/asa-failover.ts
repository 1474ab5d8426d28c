// Pure parsers of the ASA family's failover state, read over SSH and over REST through /api/cli (spec §6 row 19,
// §7): `show failover` and the prompt's failover fields (`HOST/pri/act#`, `HOST/actNoFailover/sec(config)#`). A failover pair replicates configuration from the
// active unit only; the standby refuses configuration, so tscm applies to the active unit and reads the standby.

export type HaRole = 'active' | 'standby';

export interface FailoverStatus {
  /** `Failover On` / `Failover Off`. */
  readonly enabled: boolean;
  /** `Failover unit Primary|Secondary`, lower case. */
  readonly unit: 'primary' | 'secondary' | undefined;
  /** This unit's state as printed (`Active`, `Standby Ready`, `Negotiation`, `Failed`, ...). */
  readonly state: string | undefined;
  /** The mate's state as printed. */
  readonly mateState: string | undefined;
  /**
   * What tscm may do with this unit: active (configure it), standby (read only). Absent when failover is off
   * (standalone), when the unit is in a transitional state, or in active/active mode (per failover group, not
   * per unit: not supported, see README).
   */
  readonly haRole: HaRole | undefined;
}

function roleOf(state: string | undefined): HaRole | undefined {
  if (state === undefined) return undefined;
  if (/^Active\b/i.test(state)) return 'active';
  if (/^Standby\b/i.test(state)) return 'standby';
  return undefined;
}

/**
 * `show failover`. `This host: Primary - Active` gives this unit's state (`Other host: ...` the mate's); in
 * active/active mode `This host: Primary` is followed by `Group N State:` lines instead, which leave the role
 * unset.
 */
export function parseShowFailover(text: string): FailoverStatus {
  let enabled = false;
  let unit: FailoverStatus['unit'];
  let state: string | undefined;
  let mateState: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const on = /^Failover (On|Off)$/i.exec(line);
    if (on !== null) enabled = (on[1] ?? '').toLowerCase() === 'on';
    const u = /^Failover unit (Primary|Secondary)$/i.exec(line);
    if (u !== null) unit = (u[1] ?? '').toLowerCase() as 'primary' | 'secondary';
    const h = /^(This|Other) host: \S+ - (.+)$/.exec(line);
    if (h !== null) {
      if (h[1] === 'This') state ??= h[2];
      else mateState ??= h[2];
    }
  }
  return { enabled, unit, state, mateState, haRole: enabled ? roleOf(state) : undefined };
}

export interface AsaPrompt {
  readonly hostname: string;
  /** The other slash-separated fields, in order (context, unit, state, ...). */
  readonly fields: readonly string[];
  /** `pri` / `sec` when the prompt shows the unit. */
  readonly unit: 'pri' | 'sec' | undefined;
  /** The failover state field as printed (`act`, `stby`, `actNoFailover`, ...). */
  readonly state: string | undefined;
  /** `act...` -> active, `stby...` -> standby; absent when the prompt shows no state. */
  readonly haRole: HaRole | undefined;
  /** The configuration sub-mode (`config`, `config-network-object-group`), absent at exec level. */
  readonly mode: string | undefined;
  readonly privileged: boolean;
}

const PROMPT = /^([A-Za-z0-9._-]+)((?:\/[A-Za-z0-9._-]+)*)(?:\(([^)]+)\))?([#>]) ?$/;

/**
 * A prompt line, or null. The fields after the hostname come from the device's `prompt` command, in the order it
 * names them (hostname, context, priority, state), so each is recognised by its words, not its place.
 */
export function parseAsaPrompt(line: string): AsaPrompt | null {
  const m = PROMPT.exec(line.trim());
  if (m === null) return null;
  const fields = (m[2] ?? '').split('/').filter((f) => f !== '');
  let unit: AsaPrompt['unit'];
  let state: string | undefined;
  for (const f of fields) {
    if (f === 'pri' || f === 'sec') unit = f;
    else if (/^(act|stby|sby)/i.test(f)) state = f;
  }
  const haRole = state === undefined ? undefined : /^act/i.test(state) ? 'active' : 'standby';
  return { hostname: m[1] ?? '', fields, unit, state, haRole, mode: m[3], privileged: m[4] === '#' };
}
