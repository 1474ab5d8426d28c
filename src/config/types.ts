// The typed, normalised device model. YAML is validated once (schemas/device.schema.json) and turned into these
// values by config/; every other layer sees only these types (DESIGN.md convention 12).

export type Platform = 'ios' | 'asa' | 'asa-rest' | 'pix';

/** A secret is always a reference, never a literal. Resolved only at the moment a driver connects. */
export type SecretRef = { readonly env: string } | { readonly file: string };

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** Where a zone's CIDRs come from: a DNS zone transferred from the policy server, or a local CIDR list file. */
export type ZoneSource =
  | { readonly kind: 'zone'; readonly zone: string; readonly server: Endpoint }
  | { readonly kind: 'file'; readonly path: string /* absolute */ };

export interface DeviceCredentials {
  readonly username: SecretRef;
  readonly password: SecretRef;
  readonly enablePassword?: SecretRef;
}

export interface HostKeyCheck {
  /** OpenSSH-style `SHA256:<base64>` fingerprint of the device's host key. */
  readonly fingerprint?: string;
  /** A known_hosts file to check the key against. */
  readonly knownHosts?: string;
}

export interface LogSettings {
  readonly upload: boolean;
  readonly rotateKb: number;
  readonly sources: readonly string[];
  readonly forward?: { readonly host: string; readonly port: number; readonly protocol: 'udp' | 'tcp' };
  readonly proxy?: { readonly url: string; readonly username?: SecretRef; readonly password?: SecretRef };
}

export interface AdvancedSettings {
  /** Regex source of a custom password prompt (IOS `enable`). */
  readonly passwordPrompt?: string;
  readonly ciphers?: readonly string[];
  readonly kex?: readonly string[];
  readonly hostKeyAlgorithms?: readonly string[];
  readonly compressConfig: 'compress' | 'uncompress' | 'leave';
  /** ASA REST: token auth (POST /api/tokenservices) instead of Basic on every call. */
  readonly tokenAuth: boolean;
  /** ASA REST: accept a self-signed certificate. Off by default; prefer certificateFingerprint. */
  readonly allowSelfSigned: boolean;
  readonly certificateFingerprint?: string;
  readonly apiUrl?: string;
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
  /** Member changes journaled and sent per apply window. */
  readonly applyWindow: number;
  /** write memory retries while NVRAM is busy, and the wait before each. */
  readonly saveRetries: number;
  readonly saveRetryDelayMs: number;
  /** configure terminal retries while configuration mode is locked; retry N waits N times the delay. */
  readonly configLockRetries: number;
  readonly configLockRetryDelayMs: number;
}

export interface ObjectGroupSettings {
  readonly block: string;
  readonly allow: string;
  /** Maximum policy size: the desired set is capped to this many entries. */
  readonly maxEntries: number;
  /** ASA: members per nested group under the master group. */
  readonly nestedSize: number;
}

export interface SafetySettings {
  /** A plan removing more than this share (0..1] of a group's members is refused unless forced. */
  readonly maxRemoveShare: number;
}

export interface DeviceSpec {
  readonly name: string;
  readonly platform: Platform;
  readonly deviceId: string;
  readonly management: Endpoint;
  readonly peers: readonly Endpoint[];
  readonly credentials: DeviceCredentials;
  readonly hostKey: HostKeyCheck;
  readonly policy: { readonly blockList: ZoneSource; readonly allowList?: ZoneSource };
  readonly objectGroups: ObjectGroupSettings;
  readonly policyUpdates: boolean;
  readonly safety: SafetySettings;
  readonly logs: LogSettings;
  readonly advanced: AdvancedSettings;
  /** Where the definition lives, for messages: the file (relative to the definitions dir) and line. */
  readonly source: { readonly file: string; readonly line: number };
}

/** Where state, plan history and locks live (tscm.yaml `state`). */
export type StateBackendSettings =
  | { readonly backend: 'local' }
  | {
      readonly backend: 'git';
      readonly repo: string;
      readonly branch: string;
      readonly token?: SecretRef;
      readonly sshKey?: SecretRef;
      readonly lockTtlSeconds: number;
    };

/** A change window (tscm.yaml `schedule.windows`): when the loop may (allow) or may not (deny) apply. */
export interface SyncWindow {
  readonly kind: 'allow' | 'deny';
  /** Five-field cron expression of the window's start. */
  readonly schedule: string;
  readonly durationMs: number;
  /** IANA time zone of the schedule. */
  readonly timeZone: string;
  /** Device name globs the window applies to; empty: every device. */
  readonly devices: readonly string[];
}

/** Repository-wide settings from `tscm.yaml` at the root of the definitions. */
export interface RepoSettings {
  /**
   * The folder of the state store; default `<definitions>/.tscm`. With the git backend, the local working copy of
   * the state branch.
   */
  readonly stateDir: string;
  readonly state: StateBackendSettings;
  readonly schedule: { readonly windows: readonly SyncWindow[] };
  /** What the loop does with drift found on a device: heal it (apply) or report it only. */
  readonly drift: 'heal' | 'report';
}
