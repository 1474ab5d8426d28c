// Turns a schema-valid device document plus the repository defaults into a DeviceSpec: defaults applied
// (device > tscm.yaml defaults > built-in), paths made absolute, names normalised, and the checks that need the
// merged view (credentials and policy server present, distinct group names, a prompt regex that compiles).

import { isAbsolute, resolve } from 'node:path';
import type { Diagnostic } from './diagnostic.js';
import { toPointer } from './diagnostic.js';
import { getPlatform } from '../drivers/registry.js';
import { BUILTIN_DEFAULTS } from './defaults.js';
import { checkGroupNames, selectDefaultsFor } from './platform-rules.js';
import { feedsOf, protectOf, type FeedContext, type RepoProtect } from './policy-feeds.js';
import type { RawDefaults, RawDevice, RawEndpoint } from './raw-types.js';
import type { DeviceSpec, Endpoint, HostKeyCheck, SecretRef } from './types.js';
import type { YamlDocument } from './yaml-document.js';

export interface DeviceContext {
  /** The device file, relative to the definitions root (for diagnostics and DeviceSpec.source). */
  readonly file: string;
  /** Absolute folder of the device file: relative paths in it are relative to this. */
  readonly baseDir: string;
  readonly doc: YamlDocument;
  /** tscm.yaml policyServer, normalised. */
  readonly policyServer?: Endpoint;
  /** tscm.yaml defaults, with their paths already absolute. */
  readonly defaults: RawDefaults;
  /** tscm.yaml `protect`, normalised. */
  readonly protect?: RepoProtect;
}

export function absolutePath(path: string, baseDir: string): string {
  return isAbsolute(path) ? resolve(path) : resolve(baseDir, path);
}

export function absoluteSecretRef(ref: SecretRef, baseDir: string): SecretRef {
  return 'file' in ref ? { file: absolutePath(ref.file, baseDir) } : { env: ref.env };
}

function readPath(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const seg of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

function endpointKey(e: Endpoint): string {
  return `${e.host.toLowerCase()}|${e.port}`;
}

export function normaliseDevice(raw: RawDevice, ctx: DeviceContext): { spec?: DeviceSpec; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const report = (path: string[], message: string, hint?: string, at: 'key' | 'value' = 'value'): void => {
    diagnostics.push({
      file: ctx.file,
      ...ctx.doc.locate(path, at),
      path: toPointer(path),
      message,
      ...(hint === undefined ? {} : { hint }),
    });
  };
  const platform = getPlatform(raw.platform);
  const d = selectDefaultsFor(ctx.defaults, raw.platform);
  const ownRef = (ref: SecretRef | undefined): SecretRef | undefined =>
    ref === undefined ? undefined : absoluteSecretRef(ref, ctx.baseDir);

  const managementPort = raw.management.port ?? platform.defaults.port;
  const management: Endpoint = { host: raw.management.host, port: managementPort };
  const peers = (raw.peers ?? []).map((p: RawEndpoint) => ({ host: p.host, port: p.port ?? managementPort }));
  const seen = new Set([endpointKey(management)]);
  peers.forEach((p, i) => {
    if (seen.has(endpointKey(p))) {
      report(['peers', String(i)], 'this address is already the management address or another peer');
    }
    seen.add(endpointKey(p));
  });

  const username = ownRef(raw.credentials?.username) ?? d.credentials?.username;
  const password = ownRef(raw.credentials?.password) ?? d.credentials?.password;
  const enablePassword = ownRef(raw.credentials?.enablePassword) ?? d.credentials?.enablePassword;
  for (const [field, ref] of [
    ['username', username],
    ['password', password],
  ] as const) {
    if (ref === undefined) {
      report(
        raw.credentials === undefined ? [] : ['credentials'],
        `missing credentials.${field}`,
        `add \`${field}: { env: NAME }\` under credentials, or set it in tscm.yaml defaults.credentials`,
      );
    }
  }

  const server: Endpoint | undefined =
    raw.policy.server !== undefined
      ? { host: raw.policy.server.host, port: raw.policy.server.port ?? BUILTIN_DEFAULTS.policyServerPort }
      : ctx.policyServer;
  const feedCtx: FeedContext = {
    server,
    gateLayers: [raw.safety, d.safety],
    absolutePath: (p) => absolutePath(p, ctx.baseDir),
    report,
  };
  const blockList = feedsOf(raw.policy.blockList, 'blockList', feedCtx);
  const allowList = feedsOf(raw.policy.allowList, 'allowList', feedCtx);
  const protect = protectOf(ctx.protect, raw.protect, report);

  const groupNames = platform.defaults.groups;
  const og = { ...d.objectGroups, ...raw.objectGroups };
  const objectGroups = {
    block: og.block ?? groupNames.block,
    allow: og.allow ?? groupNames.allow,
    maxEntries: og.maxEntries ?? BUILTIN_DEFAULTS.maxEntries,
  };
  for (const problem of checkGroupNames(raw.platform, objectGroups.block, objectGroups.allow)) {
    report(
      raw.objectGroups?.[problem.role] !== undefined ? ['objectGroups', problem.role] : ['objectGroups'],
      problem.message,
      problem.hint,
    );
  }

  // Defaults' paths are already absolute, so resolving against this file's folder leaves them as they are.
  const hostKeyRaw = raw.hostKey ?? d.hostKey ?? {};
  const hostKey: HostKeyCheck = {
    ...(hostKeyRaw.fingerprint === undefined ? {} : { fingerprint: hostKeyRaw.fingerprint.replace(/=$/, '') }),
    ...(hostKeyRaw.knownHosts === undefined ? {} : { knownHosts: absolutePath(hostKeyRaw.knownHosts, ctx.baseDir) }),
  };

  const logsRaw = { ...d.logs, ...raw.logs };
  const proxyRaw = raw.logs?.proxy
    ? {
        url: raw.logs.proxy.url,
        username: ownRef(raw.logs.proxy.username),
        password: ownRef(raw.logs.proxy.password),
      }
    : d.logs?.proxy;
  if (proxyRaw !== undefined) {
    const port = Number(/:(\d+)\/?$/.exec(proxyRaw.url)?.[1] ?? '0');
    if (port < 1 || port > 65535) {
      report(['logs', 'proxy', 'url'], 'expected a proxy port from 1 to 65535 in http://host:port');
    }
  }
  const forward = logsRaw.forward;

  const adv = { ...d.advanced, ...raw.advanced };
  // The platform's own settings, device over tscm.yaml defaults (already only the platform's), as its driver reads them.
  const options: Record<string, unknown> = {};
  for (const [path, setting] of Object.entries(platform.settings)) {
    const segments = path.split('.');
    const value = readPath(raw, segments) ?? readPath(d, segments);
    if (value === undefined || setting.schema === undefined) continue;
    const problem = setting.check?.(value);
    if (problem !== undefined) report(segments, problem.message, problem.hint);
    options[path] = setting.normalise === undefined ? value : setting.normalise(value);
  }

  if (
    diagnostics.length > 0 ||
    username === undefined ||
    password === undefined ||
    blockList === undefined ||
    allowList === undefined
  ) {
    return { diagnostics };
  }
  const spec: DeviceSpec = {
    name: raw.name,
    platform: raw.platform,
    deviceId: raw.deviceId,
    management,
    peers,
    credentials: { username, password, ...(enablePassword === undefined ? {} : { enablePassword }) },
    hostKey,
    policy: { blockList, allowList },
    protect,
    objectGroups,
    policyUpdates: raw.policyUpdates ?? d.policyUpdates ?? BUILTIN_DEFAULTS.policyUpdates,
    safety: {
      maxRemoveShare: raw.safety?.maxRemoveShare ?? d.safety?.maxRemoveShare ?? BUILTIN_DEFAULTS.maxRemoveShare,
    },
    logs: {
      upload: logsRaw.upload ?? BUILTIN_DEFAULTS.logUpload,
      rotateKb: logsRaw.rotateKb ?? BUILTIN_DEFAULTS.rotateKb,
      sources: logsRaw.sources ?? [],
      ...(forward === undefined
        ? {}
        : {
            forward: {
              host: forward.host,
              port: forward.port ?? BUILTIN_DEFAULTS.forwardPort,
              protocol: forward.protocol ?? BUILTIN_DEFAULTS.forwardProtocol,
            },
          }),
      ...(proxyRaw === undefined
        ? {}
        : {
            proxy: {
              url: proxyRaw.url.replace(/\/$/, ''),
              ...(proxyRaw.username === undefined ? {} : { username: proxyRaw.username }),
              ...(proxyRaw.password === undefined ? {} : { password: proxyRaw.password }),
            },
          }),
    },
    advanced: {
      connectTimeoutMs: adv.connectTimeoutMs ?? BUILTIN_DEFAULTS.connectTimeoutMs,
      commandTimeoutMs: adv.commandTimeoutMs ?? BUILTIN_DEFAULTS.commandTimeoutMs,
      applyWindow: adv.applyWindow ?? BUILTIN_DEFAULTS.applyWindow,
    },
    options,
    source: { file: ctx.file, line: ctx.doc.start.line },
  };
  return { spec, diagnostics };
}
