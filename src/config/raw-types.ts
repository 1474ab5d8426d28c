// The shapes of device YAML and tscm.yaml as written, once they passed schemas/ (before defaults and
// normalisation). Only config/ sees these; the rest of tscm sees types.ts.

import type { Platform, SecretRef } from './types.js';

export interface RawEndpoint {
  host: string;
  port?: number;
}

export interface RawGates {
  maxShrink?: number;
  maxChurn?: number;
  maxRejected?: number | string;
  staleAfter?: string;
}

export type RawZoneSource =
  string | ({ zone: string; server?: { host: string; port?: 53 | 5353 } } & RawGates) | ({ file: string } & RawGates);

export type RawPolicyList = RawZoneSource | RawZoneSource[];

export type RawProtect = string[] | 'strict' | 'carve' | { mode?: 'carve' | 'strict'; prefixes?: string[] };

export interface RawCredentials {
  username?: SecretRef;
  password?: SecretRef;
  enablePassword?: SecretRef;
}

export interface RawHostKey {
  fingerprint?: string;
  knownHosts?: string;
}

export interface RawObjectGroups {
  block?: string;
  allow?: string;
  maxEntries?: number;
  /** A platform's own settings (objectGroups.nestedSize, ...): read through the platform's settings list. */
  [platformSetting: string]: unknown;
}

export interface RawLogs {
  upload?: boolean;
  rotateKb?: number;
  sources?: string[];
  forward?: { host: string; port?: number; protocol?: 'udp' | 'tcp' };
  proxy?: { url: string; username?: SecretRef; password?: SecretRef };
}

export interface RawAdvanced {
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  applyWindow?: number;
  /** A platform's own settings (advanced.compressConfig, ...): read through the platform's settings list. */
  [platformSetting: string]: unknown;
}

/** The device fields tscm.yaml `defaults` may set. */
export interface RawDefaults {
  credentials?: RawCredentials;
  hostKey?: RawHostKey;
  objectGroups?: RawObjectGroups;
  policyUpdates?: boolean;
  safety?: { maxRemoveShare?: number } & RawGates;
  logs?: RawLogs;
  advanced?: RawAdvanced;
}

export interface RawDevice extends RawDefaults {
  name: string;
  platform: Platform;
  deviceId: string;
  management: RawEndpoint;
  peers?: RawEndpoint[];
  policy: { blockList: RawPolicyList; allowList?: RawPolicyList; server?: { host: string; port?: 53 | 5353 } };
  protect?: RawProtect;
}

export interface RawSettings {
  stateDir?: string;
  state?:
    | { backend: 'local'; dir?: string }
    | {
        backend: 'git';
        repo: string;
        branch?: string;
        token?: SecretRef;
        sshKey?: SecretRef;
        lockTtlSeconds?: number;
      };
  schedule?: {
    windows?: {
      kind: 'allow' | 'deny';
      schedule: string;
      duration: string;
      timeZone?: string;
      devices?: string[];
    }[];
  };
  drift?: 'heal' | 'report';
  protect?: RawProtect;
  policyServer?: { host: string; port?: 53 | 5353 };
  defaults?: RawDefaults;
  logs?: {
    dir?: string;
    uploadUrl?: string;
    uploadCa?: string;
    uploadToken?: SecretRef;
    udp?: string[];
    tcp?: string[];
    rotateInterval?: string;
    spoolMb?: number;
    retry?: { firstDelay?: string; maxDelay?: string };
  };
}
