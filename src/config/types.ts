// The typed, normalised device model. YAML is validated once (schemas/device.schema.json) and turned into these
// values by config/; every other layer sees only these types (DESIGN.md convention 12).

/** A platform id of src/drivers/registry.ts (`ios`, `asa`, `asa-rest`, `pix`); the schema's enum is built from it. */
export type Platform = string;

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

/** The integrity gates of one policy source (safety.* in tscm.yaml defaults and the device, or on the source). */
export interface SourceGates {
  /** A new version holding fewer than (1 - maxShrink) of the entries last applied is refused; (0..1]. */
  readonly maxShrink: number;
  /** A new version whose added + removed entries exceed this share of the entries in either version is refused; (0..1]. */
  readonly maxChurn: number;
  /** A zone with more malformed records than this is refused: a count, or a share (0..1) of its records. */
  readonly maxRejected: { readonly count: number } | { readonly share: number };
  /** A failing source keeps its last good set; once it has failed for longer than this, every plan warns. */
  readonly staleAfterMs: number;
}

/** One source of a block or allow list, with its gates. A list holds them in priority order (index 0 highest). */
export interface PolicyFeed {
  readonly source: ZoneSource;
  readonly gates: SourceGates;
}

/** One address the block list must never cover, and where it was named (for the plan's lock-out report). */
export interface ProtectedPrefix {
  /** Canonical CIDR (`192.0.2.10/32`, `2001:db8::/48`). */
  readonly prefix: string;
  /** `tscm.yaml protect` or `protect` (the device's). */
  readonly origin: string;
}

/** Addresses the block list must not cover, besides those tscm derives (management, peers, servers, targets). */
export interface ProtectSettings {
  /** carve: take a covered address out of the block list and report it; strict: refuse the plan. */
  readonly mode: 'carve' | 'strict';
  /** tscm.yaml `protect` first, then the device's own. */
  readonly prefixes: readonly ProtectedPrefix[];
}

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

/** The settings every platform has; a platform's own (`advanced.compressConfig`, ...) are in DeviceSpec.options. */
export interface AdvancedSettings {
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
  /** Member changes journaled and sent per apply window. */
  readonly applyWindow: number;
}

export interface ObjectGroupSettings {
  readonly block: string;
  readonly allow: string;
  /** Maximum policy size: the desired set is capped to this many entries. */
  readonly maxEntries: number;
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
  /**
   * Each list: its sources in priority order (first highest), resolved once per run and merged. blockList holds at
   * least one; an empty allowList means the device has no allow group.
   */
  readonly policy: { readonly blockList: readonly PolicyFeed[]; readonly allowList: readonly PolicyFeed[] };
  readonly protect: ProtectSettings;
  readonly objectGroups: ObjectGroupSettings;
  readonly policyUpdates: boolean;
  readonly safety: SafetySettings;
  readonly logs: LogSettings;
  readonly advanced: AdvancedSettings;
  /**
   * The platform's own settings as written (device over tscm.yaml defaults), by path (`advanced.compressConfig`,
   * `objectGroups.nestedSize`): schema-valid, read and defaulted by the platform's driver.
   */
  readonly options: Readonly<Record<string, unknown>>;
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

/** The device log service (tscm.yaml `logs`), defaults applied. */
export interface LogServiceSettings {
  /** The log folder named in tscm.yaml (absolute); logDirOf() picks the folder actually used. */
  readonly dir?: string;
  /** https:// endpoint of the upload; none: every device keeps its rotated files. */
  readonly uploadUrl?: string;
  /** Absolute path of a PEM file of extra CAs for the endpoint. */
  readonly uploadCa?: string;
  readonly uploadToken?: SecretRef;
  readonly udp: readonly Endpoint[];
  readonly tcp: readonly Endpoint[];
  readonly rotateIntervalMs: number;
  readonly spoolMaxBytes: number;
  readonly retry: { readonly firstDelayMs: number; readonly maxDelayMs: number };
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
  readonly logs: LogServiceSettings;
}
