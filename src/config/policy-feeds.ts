// The policy part of a device definition, normalised: each list as its sources in priority order, each source with
// its integrity gates (source > device safety > tscm.yaml defaults.safety > built-in), and the protected prefixes
// (tscm.yaml `protect` then the device's). Split from normalise-device.ts, which calls it.

import { parsePrefix, prefixesFromStrings, prefixesToStrings } from '../cidr/index.js';
import { BUILTIN_DEFAULTS } from './defaults.js';
import { durationMsOf } from './sync-windows.js';
import type { RawGates, RawPolicyList, RawProtect, RawZoneSource } from './raw-types.js';
import type {
  DeviceSpec,
  Endpoint,
  PolicyFeed,
  ProtectedPrefix,
  ProtectSettings,
  SourceGates,
  ZoneSource,
} from './types.js';

/** Reports a problem at a path of the device document. */
export type Report = (path: string[], message: string, hint?: string) => void;

export function normaliseZoneName(zone: string): string {
  return zone.toLowerCase().replace(/\.$/, '');
}

/** `"1%"` -> { share: 0.01 }, 5 -> { count: 5 } (the schema has checked the form). */
export function maxRejectedOf(value: number | string): SourceGates['maxRejected'] {
  return typeof value === 'number' ? { count: value } : { share: Number(value.slice(0, -1)) / 100 };
}

export function gatesOf(...layers: (RawGates | undefined)[]): SourceGates {
  const pick = <K extends keyof RawGates>(key: K): RawGates[K] => layers.find((l) => l?.[key] !== undefined)?.[key];
  return {
    maxShrink: pick('maxShrink') ?? BUILTIN_DEFAULTS.maxShrink,
    maxChurn: pick('maxChurn') ?? BUILTIN_DEFAULTS.maxChurn,
    maxRejected: maxRejectedOf(pick('maxRejected') ?? BUILTIN_DEFAULTS.maxRejected),
    staleAfterMs: durationMsOf(pick('staleAfter') ?? BUILTIN_DEFAULTS.staleAfter),
  };
}

export interface FeedContext {
  /** The device's policy server (policy.server, else tscm.yaml policyServer). */
  readonly server: Endpoint | undefined;
  /** Device safety, then tscm.yaml defaults.safety. */
  readonly gateLayers: readonly (RawGates | undefined)[];
  readonly absolutePath: (path: string) => string;
  readonly report: Report;
}

/** A list as written (one source or several) -> its sources in priority order; undefined after a reported problem. */
export function feedsOf(
  raw: RawPolicyList | undefined,
  field: 'blockList' | 'allowList',
  ctx: FeedContext,
): PolicyFeed[] | undefined {
  if (raw === undefined) return [];
  const many = Array.isArray(raw);
  const items = many ? raw : [raw];
  const feeds: PolicyFeed[] = [];
  const seen = new Map<string, number>();
  let ok = true;
  items.forEach((item, i) => {
    const path = many ? ['policy', field, String(i)] : ['policy', field];
    const source = sourceOf(item, path, ctx);
    if (source === undefined) {
      ok = false;
      return;
    }
    const key =
      source.kind === 'zone'
        ? `zone|${source.zone}|${source.server.host}|${source.server.port}`
        : `file|${source.path}`;
    const first = seen.get(key);
    if (first !== undefined) {
      ctx.report(path, `this source is already source ${first + 1} of ${field}`, 'name each source once');
      ok = false;
      return;
    }
    seen.set(key, i);
    const own = typeof item === 'string' ? undefined : item;
    feeds.push({ source, gates: gatesOf(own, ...ctx.gateLayers) });
  });
  return ok ? feeds : undefined;
}

function sourceOf(item: RawZoneSource, path: string[], ctx: FeedContext): ZoneSource | undefined {
  if (typeof item !== 'string' && 'file' in item) return { kind: 'file', path: ctx.absolutePath(item.file) };
  const zone = typeof item === 'string' ? item : item.zone;
  const own = typeof item === 'string' ? undefined : item.server;
  const server =
    own === undefined ? ctx.server : { host: own.host, port: own.port ?? BUILTIN_DEFAULTS.policyServerPort };
  if (server === undefined) {
    ctx.report(
      path,
      'a policy zone needs a policy server, and none is set',
      'set policy.server { host, port } here, a server on this source, or policyServer in tscm.yaml',
    );
    return undefined;
  }
  return { kind: 'zone', zone: normaliseZoneName(zone), server };
}

/** The prefixes of one `protect` as written, canonical; each bad one reported at its path. */
export function protectedPrefixesOf(
  raw: RawProtect | undefined,
  origin: string,
  path: string[],
  report: Report,
): ProtectedPrefix[] {
  const list = Array.isArray(raw) ? raw : typeof raw === 'object' ? (raw.prefixes ?? []) : [];
  const listPath = Array.isArray(raw) ? path : [...path, 'prefixes'];
  const out: ProtectedPrefix[] = [];
  list.forEach((text, i) => {
    const withLen = text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`;
    const p = parsePrefix(withLen);
    if (p === null || p.hostBits) {
      report(
        [...listPath, String(i)],
        p === null ? 'expected an IPv4 or IPv6 address or prefix' : 'this prefix has bits set past its length',
        'e.g. 192.0.2.10 or 198.51.100.0/28',
      );
      return;
    }
    out.push({ prefix: prefixesToStrings(prefixesFromStrings([withLen]))[0]!, origin });
  });
  return out;
}

/** tscm.yaml `protect`, normalised (its problems reported against tscm.yaml). */
export interface RepoProtect {
  readonly mode?: ProtectSettings['mode'];
  readonly prefixes: readonly ProtectedPrefix[];
}

export function modeOf(raw: RawProtect | undefined): ProtectSettings['mode'] | undefined {
  return typeof raw === 'string' ? raw : Array.isArray(raw) || raw === undefined ? undefined : raw.mode;
}

/** Device `protect` over tscm.yaml `protect`: the mode the device names (else tscm.yaml's, else carve), both lists. */
export function protectOf(
  repo: RepoProtect | undefined,
  device: RawProtect | undefined,
  report: Report,
): ProtectSettings {
  return {
    mode: modeOf(device) ?? repo?.mode ?? 'carve',
    prefixes: [...(repo?.prefixes ?? []), ...protectedPrefixesOf(device, 'protect', ['protect'], report)],
  };
}

/** The built-in gates (no safety setting anywhere): for specs made in code (tests, the lab). */
export const DEFAULT_GATES: SourceGates = gatesOf();

/** No protect setting: carve mode, no prefixes beyond those tscm derives. */
export const NO_PROTECT: ProtectSettings = { mode: 'carve', prefixes: [] };

/** One source as a list with the built-in gates (specs made in code). */
export function feedsFrom(...sources: ZoneSource[]): PolicyFeed[] {
  return sources.map((source) => ({ source, gates: DEFAULT_GATES }));
}

/** Every source a device reads, block list first, each list in priority order. */
export function sourcesOf(spec: { readonly policy: DeviceSpecPolicy }): ZoneSource[] {
  return [...spec.policy.blockList, ...spec.policy.allowList].map((f) => f.source);
}

type DeviceSpecPolicy = DeviceSpec['policy'];
